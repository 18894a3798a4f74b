import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@crm/events';
import type { EventHandler } from '@crm/messaging';
import { pipelineBatchHandler } from './opportunity-batch';
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

/** Events per transaction in the live consumers and the rebuild. */
export const BATCH_SIZE = 200;

/**
 * How a batch of one source's events is applied: the pipeline's plain opportunity events
 * set-wise, everything else one by one (all in the batch's transaction).
 */
export function batchProjector(source: string, target: ProjectionTarget): (events: CloudEvent[], manager: EntityManager) => Promise<void> {
  const projection = PROJECTIONS.find((p) => p.name === source)!;
  const handlers = projection.handlers as Record<string, Projector>;
  if (source === 'reporting.pipeline') return pipelineBatchHandler(handlers, target);
  return async (events, manager) => {
    for (const event of events) await handlers[event.type]!(event, manager, target);
  };
}

/** The projector for any event type, and the batch projector of its source. */
export function sourceOf(type: string): string | undefined {
  return PROJECTIONS.find((p) => type in p.handlers)?.name;
}

/** The live consumers (the reporting process), writing to `target`. */
export function consumerSpecs(target: ProjectionTarget): ConsumerSpec[] {
  return PROJECTIONS.map((p) => {
    const apply = batchProjector(p.name, target);
    return {
      name: p.name,
      topics: [...p.topics],
      handlers: bind(p.handlers, target),
      partitionsConsumedConcurrently: 3,
      beforeApply: takeRebuildLockShared,
      batch: { maxEvents: BATCH_SIZE, handle: (events, manager) => apply(events.map((e) => e.event), manager) },
    };
  });
}
