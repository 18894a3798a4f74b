import { eventType } from '../envelope';
import { stateEventSchema, type JsonSchema } from '../schemas/common';
import { topicOf } from '../topics';

export interface EventDefinition {
  type: string;
  topic: string;
  subgraph: string;
  aggregate: string;
  event: string;
  version: number;
  description: string;
  schema: JsonSchema;
}

export function define(
  subgraph: string,
  aggregate: string,
  event: string,
  description: string,
  schema: JsonSchema,
  version = 1,
): EventDefinition {
  return {
    type: eventType(subgraph, aggregate, event, version),
    topic: topicOf(subgraph, aggregate),
    subgraph,
    aggregate,
    event,
    version,
    description,
    schema,
  };
}

/** Events of one aggregate that all carry `{ state, changes? }` (+ optional extras per event). */
export function defineStateEvents(
  subgraph: string,
  aggregate: string,
  title: string,
  state: JsonSchema,
  events: Record<string, string | { description: string; extra: Record<string, JsonSchema>; required?: string[] }>,
): EventDefinition[] {
  return Object.entries(events).map(([event, spec]) => {
    const name = `${title}${event.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`;
    return typeof spec === 'string'
      ? define(subgraph, aggregate, event, spec, stateEventSchema(name, state))
      : define(subgraph, aggregate, event, spec.description, stateEventSchema(name, state, spec.extra, spec.required ?? []));
  });
}
