import { stateEvent, type CloudEvent } from '@crm/events';
import type { OpportunityEntity } from '../entities/opportunity.entity';

export function opportunityState(o: OpportunityEntity): { id: string } & Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    customerId: o.customerId,
    expectedRevenue: o.expectedRevenue,
    currency: o.currency,
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    createdBy: o.createdBy,
    updatedBy: o.updatedBy,
  };
}

export function opportunityEvent(
  event: 'created',
  opportunity: OpportunityEntity,
  options: { time: Date; traceparent?: string },
): CloudEvent {
  return stateEvent({ subgraph: 'pipeline', aggregate: 'opportunity', event, state: opportunityState(opportunity), ...options });
}
