import type { EventHandler } from '@crm/messaging';
import type { ConsumerSpec } from '@crm/service';
import { ACTIVITIES_TOPICS, activitiesHandlers } from './activities-projection';
import { CONTACTS_TOPICS, contactsHandlers } from './contacts-projection';
import { PIPELINE_TOPICS, pipelineHandlers } from './pipeline-projection';
import { SALES_TOPICS, salesHandlers } from './sales-projection';
import { takeRebuildLockShared, type ProjectionTarget, type Projector } from './target';

/** One consumer group per source subgraph; each follows that subgraph's topics. */
export const PROJECTIONS = [
  { name: 'reporting.contacts', topics: CONTACTS_TOPICS, handlers: contactsHandlers },
  { name: 'reporting.pipeline', topics: PIPELINE_TOPICS, handlers: pipelineHandlers },
  { name: 'reporting.activities', topics: ACTIVITIES_TOPICS, handlers: activitiesHandlers },
  { name: 'reporting.sales', topics: SALES_TOPICS, handlers: salesHandlers },
] as const;

export const ALL_TOPICS: string[] = PROJECTIONS.flatMap((p) => [...p.topics]);

export const ALL_HANDLERS: Record<string, Projector> = Object.assign({}, ...PROJECTIONS.map((p) => p.handlers));

function bind(handlers: Record<string, Projector>, target: ProjectionTarget): Record<string, EventHandler> {
  return Object.fromEntries(Object.entries(handlers).map(([type, project]) => [type, (event, manager) => project(event, manager, target)]));
}

/** The live consumers (the reporting process), writing to `target`. */
export function consumerSpecs(target: ProjectionTarget): ConsumerSpec[] {
  return PROJECTIONS.map((p) => ({
    name: p.name,
    topics: [...p.topics],
    handlers: bind(p.handlers, target),
    partitionsConsumedConcurrently: 3,
    beforeApply: takeRebuildLockShared,
  }));
}
