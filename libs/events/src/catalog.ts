import { eventType } from './envelope';
import { stateEventSchema, type JsonSchema } from './schemas/common';
import { contactState } from './schemas/contacts';
import { opportunityState } from './schemas/pipeline';
import { topicOf } from './topics';

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

function define(
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

/** Every event type the system publishes. Add here first; the JSON Schema is the contract. */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  define('contacts', 'contact', 'created', 'A contact was created.', stateEventSchema('ContactCreated', contactState)),
  define('contacts', 'contact', 'updated', 'A contact changed.', stateEventSchema('ContactUpdated', contactState)),
  define(
    'pipeline',
    'opportunity',
    'created',
    'A lead or opportunity was created.',
    stateEventSchema('OpportunityCreated', opportunityState),
  ),
];

const byType = new Map(EVENT_CATALOG.map((d) => [d.type, d]));

export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** Topics a subgraph publishes to (from the catalog). */
export function topicsOfSubgraph(subgraph: string): string[] {
  return [...new Set(EVENT_CATALOG.filter((d) => d.subgraph === subgraph).map((d) => d.topic))];
}
