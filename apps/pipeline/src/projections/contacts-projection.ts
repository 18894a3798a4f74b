import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import type { Clock } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';
import type { Opportunity } from '../domain/opportunity';
import { OPPORTUNITY_COLUMNS, toOpportunity } from '../repositories/opportunity-rows';
import { persist } from '../services/opportunity-store';
import type { ScoringRepository } from '../services/scoring-service';
import { SCHEMA, SYSTEM_USER, type Tx } from '../services/support';
import { Workspace } from '../services/workspace';

interface ContactState {
  id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  countryCode?: string | null;
  nationalId?: string | null;
  street?: string | null;
  city?: string | null;
  occupationName?: string | null;
  code?: string | null;
  version: number;
}

interface BranchState {
  id: string;
  version: number;
  name: string;
  timeZone: string;
  countryCode?: string | null;
  /** The country national phone numbers of the branch are read in (contacts' rule). */
  defaultPhoneCountry?: string | null;
  active: boolean;
}

/** Branches: the time zone of a branch's "today" when leads are generated from its history. */
async function applyBranch(event: CloudEvent, manager: EntityManager): Promise<void> {
  const { state: b } = event.data as StateEventData<BranchState>;
  await manager.query(
    `INSERT INTO pipeline.branch_copy AS x (id, version, name, time_zone, active, default_phone_country) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, time_zone = EXCLUDED.time_zone, active = EXCLUDED.active,
       default_phone_country = EXCLUDED.default_phone_country
     WHERE x.version < EXCLUDED.version`,
    [b.id, b.version, b.name, b.timeZone, b.active ?? true, b.defaultPhoneCountry ?? b.countryCode ?? null],
  );
}


async function upsertCopy(manager: EntityManager, state: ContactState): Promise<void> {
  await manager.query(
    `INSERT INTO pipeline.contact_copy (id, name, email, phone, country_code, version, national_id, street, city, occupation_name, code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone,
       country_code = EXCLUDED.country_code, version = EXCLUDED.version, national_id = EXCLUDED.national_id, street = EXCLUDED.street,
       city = EXCLUDED.city, occupation_name = EXCLUDED.occupation_name, code = EXCLUDED.code
     WHERE pipeline.contact_copy.version < EXCLUDED.version`,
    [
      state.id, state.name, state.email ?? null, state.phone ?? null, state.countryCode ?? null, state.version, state.nationalId ?? null,
      state.street ?? null, state.city ?? null, state.occupationName ?? null, state.code ?? null,
    ],
  );
}

/**
 * Follows crm.contacts.contact: keeps the local copy, and when duplicates are merged re-points
 * every lead/opportunity of a merged contact to the surviving one (each with its `updated`
 * event, in the same transaction as the inbox entry).
 */
export function contactsProjection(deps: { clock: Clock; scoring: ScoringRepository }): ConsumerSpec {
  const copy = async (event: CloudEvent, manager: EntityManager) => {
    await upsertCopy(manager, (event.data as StateEventData<ContactState>).state);
  };
  const merged = async (event: CloudEvent, manager: EntityManager) => {
    const data = event.data as StateEventData<ContactState> & { mergedIds: string[] };
    const target = data.state;
    await upsertCopy(manager, target);
    await manager.query('UPDATE pipeline.contact_copy SET merged_into_id = $1 WHERE id = ANY($2::uuid[])', [target.id, data.mergedIds]);
    const rows = await manager.query(
      `SELECT ${OPPORTUNITY_COLUMNS} FROM pipeline.opportunity o WHERE o.customer_id = ANY($1::uuid[]) ORDER BY o.id FOR UPDATE`,
      [data.mergedIds],
    );
    const tx: Tx = { manager, now: deps.clock.now(), user: SYSTEM_USER, traceparent: event.traceparent, events: [] };
    const ws = new Workspace(tx, deps.scoring);
    for (const before of rows.map(toOpportunity) as Opportunity[]) {
      const after: Opportunity = { ...before, customerId: target.id, version: before.version + 1, updatedAt: tx.now, updatedBy: null };
      await persist(ws, before, after, [{ event: 'updated', extra: { cause: event.type, mergedContactIds: data.mergedIds } }]);
    }
    await appendToOutbox(manager, SCHEMA, tx.events);
  };
  return {
    name: 'pipeline.contacts',
    topics: [TOPICS.contactsContact, TOPICS.contactsBranch],
    handlers: {
      'crm.contacts.branch.created.v1': applyBranch,
      'crm.contacts.branch.updated.v1': applyBranch,
      'crm.contacts.contact.created.v1': copy,
      'crm.contacts.contact.updated.v1': copy,
      'crm.contacts.contact.merged.v1': merged,
    },
  };
}
