import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import type { ConsumerSpec } from '@crm/service';
import { recordApplied } from './bookkeeping';

interface ContactState {
  id: string;
  name: string;
  email: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Upserts the contact; an older version arriving late never overwrites a newer one. */
async function applyContactState(event: CloudEvent, manager: EntityManager): Promise<void> {
  const { state } = event.data as StateEventData<ContactState>;
  await manager.query(
    `INSERT INTO reporting.contact_rm (id, name, email, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, version = EXCLUDED.version,
       updated_at = EXCLUDED.updated_at
     WHERE reporting.contact_rm.version < EXCLUDED.version`,
    [state.id, state.name, state.email, state.version, state.createdAt, state.updatedAt],
  );
  await recordApplied(manager, TOPICS.contactsContact, event);
}

export const contactsProjection: ConsumerSpec = {
  name: 'reporting.contacts',
  topics: [TOPICS.contactsContact],
  handlers: {
    'crm.contacts.contact.created.v1': applyContactState,
    'crm.contacts.contact.updated.v1': applyContactState,
  },
};
