import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent } from '@crm/events';
import type { Clock } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';
import type { OpportunityService } from '../services/opportunity-service';

interface QuotationConfirmed {
  state: { id: string; opportunityId?: string | null; name?: string | null };
  /** The order's sales team wants its opportunity marked won (the team's orderConfirmationMarksWon, copied by sales). */
  marksOpportunityWon?: boolean;
}

/**
 * Follows crm.sales.quotation: when a quotation of an opportunity is confirmed and its team
 * asks for it, the opportunity is marked won exactly as `markWon` does (won stage,
 * probability 100, date closed, `won` event with the order as `cause`).
 */
export function salesProjection(deps: { clock: Clock; opportunities: OpportunityService }): ConsumerSpec {
  const confirmed = async (event: CloudEvent, manager: EntityManager) => {
    const data = event.data as QuotationConfirmed;
    if (!data.marksOpportunityWon || !data.state.opportunityId) return;
    await deps.opportunities.markWonByOrder(manager, data.state.opportunityId, deps.clock.now(), {
      cause: event.type,
      quotationId: data.state.id,
      quotationName: data.state.name ?? null,
    });
  };
  return {
    name: 'pipeline.sales',
    topics: [TOPICS.salesQuotation],
    handlers: { 'crm.sales.quotation.confirmed.v1': confirmed },
  };
}
