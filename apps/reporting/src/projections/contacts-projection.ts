import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { recordApplied } from './bookkeeping';
import { upsertLabel } from './labels';
import { b, s, strings, upsertVersioned } from './upsert';
import type { Projector } from './target';

interface ContactState {
  id: string;
  name: string;
  email: string | null;
  salespersonId?: string | null;
  branchId?: string | null;
  active?: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Upserts the contact; an older version arriving late never overwrites a newer one. */
const applyContactState: Projector = async (event: CloudEvent, manager, target) => {
  const { state } = event.data as StateEventData<ContactState>;
  await manager.query(
    `INSERT INTO "${target.schema}".contact_rm (id, name, email, salesperson_id, branch_id, version, created_at, updated_at, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, salesperson_id = EXCLUDED.salesperson_id,
       branch_id = EXCLUDED.branch_id, active = EXCLUDED.active, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE contact_rm.version < EXCLUDED.version`,
    [
      state.id,
      state.name,
      state.email,
      // Who may read it in the contact report: the contacts' rule over its salesperson and branch.
      isUuid(state.salespersonId) ? state.salespersonId : null,
      s(state.branchId),
      state.version,
      state.createdAt,
      state.updatedAt,
      // Archived (by hand or merged away): still the caller's contact, not an active one.
      b(state.active, true),
    ],
  );
  await recordApplied(manager, target.schema, TOPICS.contactsContact, event);
};

const applyUser: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<Record<string, unknown>>).state;
  const wrote = await upsertVersioned(manager, `"${target.schema}".user_rm`, {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    login: [st['login']],
    name: [st['name']],
    role: [st['role']],
    branch_ids: [strings(st['branchIds']), 'text[]'],
    team_ids: [strings(st['teamIds']).filter(isUuid), 'uuid[]'],
    time_zone: [st['timeZone']],
    active: [b(st['active'], true), 'boolean'],
  });
  if (wrote) {
    await upsertLabel(manager, target.schema, { kind: 'user', id: String(st['id']), name: String(st['name']), at: s(st['updatedAt']) ?? event.time });
  }
};

const applyBranch: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<Record<string, unknown>>).state;
  const wrote = await upsertVersioned(manager, `"${target.schema}".branch_rm`, {
    id: [st['id']],
    version: [st['version'], 'int'],
    name: [st['name']],
    country_code: [s(st['countryCode'])],
    time_zone: [s(st['timeZone'])],
    active: [b(st['active'], true), 'boolean'],
  });
  if (wrote) {
    await upsertLabel(manager, target.schema, { kind: 'branch', id: String(st['id']), name: String(st['name']), at: event.time });
  }
};

export const contactsHandlers: Record<string, Projector> = {
  // Every contact event carries the contact's full state (merged: the surviving contact's).
  ...Object.fromEntries(['created', 'updated', 'archived', 'restored', 'merged'].map((e) => [`crm.contacts.contact.${e}.v1`, applyContactState])),
  'crm.contacts.user.created.v1': applyUser,
  'crm.contacts.user.updated.v1': applyUser,
  'crm.contacts.branch.created.v1': applyBranch,
  'crm.contacts.branch.updated.v1': applyBranch,
};

export const CONTACTS_TOPICS = [TOPICS.contactsContact, TOPICS.contactsUser, TOPICS.contactsBranch];
