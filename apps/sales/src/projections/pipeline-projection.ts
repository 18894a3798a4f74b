import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import type { ConsumerSpec } from '@crm/service';
import type { BookingService } from '../services/booking-service';
import type { QuotationService } from '../services/quotation-service';

/** The opportunity fields sales needs (crm.pipeline.opportunity contract); absent ones take defaults. */
interface OpportunityState {
  id: string;
  version: number;
  type?: string;
  name: string;
  number?: string | null;
  customerId?: string | null;
  phone?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  branchId?: string | null;
  currency?: string;
  campaign?: string | null;
  medium?: string | null;
  source?: string | null;
  tagIds?: string[];
  status?: 'open' | 'won' | 'lost';
  active?: boolean;
  properties?: Record<string, unknown>;
  updatedAt?: string;
}

interface TeamState {
  id: string;
  version: number;
  name: string;
  orderConfirmationMarksWon?: boolean;
  active?: boolean;
}

/** Upserts the copy; an older version arriving late never overwrites a newer one. */
async function applyOpportunity(event: CloudEvent, manager: EntityManager, deleted = false): Promise<void> {
  const { state: o } = event.data as StateEventData<OpportunityState>;
  await manager.query(
    `INSERT INTO sales.opportunity_copy AS c (id, version, type, name, number, customer_id, phone, salesperson_id, team_id, branch_id,
       currency, campaign, medium, source, tag_ids, status, active, deleted, properties, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text[], $16, $17, $18, $19::jsonb, $20)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, type = EXCLUDED.type, name = EXCLUDED.name, number = EXCLUDED.number,
       customer_id = EXCLUDED.customer_id, phone = EXCLUDED.phone, salesperson_id = EXCLUDED.salesperson_id,
       team_id = EXCLUDED.team_id, branch_id = EXCLUDED.branch_id, currency = EXCLUDED.currency, campaign = EXCLUDED.campaign,
       medium = EXCLUDED.medium, source = EXCLUDED.source, tag_ids = EXCLUDED.tag_ids, status = EXCLUDED.status,
       active = EXCLUDED.active, deleted = EXCLUDED.deleted, properties = EXCLUDED.properties, updated_at = EXCLUDED.updated_at
     WHERE c.version < EXCLUDED.version OR (EXCLUDED.deleted AND NOT c.deleted)`,
    [
      o.id,
      o.version,
      o.type ?? null,
      o.name,
      o.number ?? null,
      o.customerId ?? null,
      o.phone ?? null,
      o.salespersonId ?? null,
      o.teamId ?? null,
      o.branchId ?? null,
      o.currency ?? null,
      o.campaign ?? null,
      o.medium ?? null,
      o.source ?? null,
      o.tagIds ?? [],
      o.status ?? 'open',
      o.active ?? true,
      deleted,
      JSON.stringify(o.properties ?? {}),
      o.updatedAt ?? null,
    ],
  );
}

async function applyTeam(event: CloudEvent, manager: EntityManager): Promise<void> {
  const { state: t } = event.data as StateEventData<TeamState>;
  await manager.query(
    `INSERT INTO sales.team_copy AS c (id, version, name, order_confirmation_marks_won, active) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,
       order_confirmation_marks_won = EXCLUDED.order_confirmation_marks_won, active = EXCLUDED.active
     WHERE c.version < EXCLUDED.version`,
    [t.id, t.version, t.name, t.orderConfirmationMarksWon ?? false, t.active ?? true],
  );
}

const OPPORTUNITY_EVENTS = ['created', 'updated', 'stage_changed', 'won', 'lost', 'restored', 'converted', 'archived', 'unarchived'];

/**
 * Local copies of opportunities (for "New Quotation", "Create Booking Service" and the won
 * check) and of teams (the "confirming an order marks the opportunity won" setting).
 * A merge moves the merged opportunities' quotations and bookings to the one that remains, as in Odoo.
 */
export function pipelineProjection(quotations: QuotationService, bookings: BookingService): ConsumerSpec {
  const handlers: ConsumerSpec['handlers'] = {};
  for (const name of OPPORTUNITY_EVENTS) handlers[`crm.pipeline.opportunity.${name}.v1`] = (e, m) => applyOpportunity(e, m);
  handlers['crm.pipeline.opportunity.deleted.v1'] = (e, m) => applyOpportunity(e, m, true);
  handlers['crm.pipeline.opportunity.merged.v1'] = async (event, manager) => {
    await applyOpportunity(event, manager);
    const data = event.data as StateEventData<OpportunityState> & { mergedIds?: string[] };
    const merged = (data.mergedIds ?? []).filter((id) => id !== data.state.id);
    if (merged.length > 0) {
      await quotations.reassignOpportunity(manager, merged, data.state.id, new Date(event.time));
      await bookings.reassignOpportunity(manager, merged, data.state.id, new Date(event.time));
    }
  };
  handlers['crm.pipeline.team.created.v1'] = applyTeam;
  handlers['crm.pipeline.team.updated.v1'] = applyTeam;
  return { name: 'sales.pipeline', topics: [TOPICS.pipelineOpportunity, TOPICS.pipelineTeam], handlers };
}
