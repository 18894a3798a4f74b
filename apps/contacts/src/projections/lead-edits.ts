import type { EntityManager } from 'typeorm';
import { GraphQLError } from 'graphql';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, type Logger } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';
import { diffFields, type ContactInput } from '../domain/contact-input';
import { resolveContact } from '../domain/contact-rules';
import { contactEvent } from '../services/contact-events';
import { loadRefs } from '../services/contact-refs';
import { SCHEMA } from '../services/contact-service';
import { fieldsOf } from '../services/contact-sql';
import { loadContacts, updateContactRow } from '../services/contact-store';

/** Keys of an opportunity's `properties` (the dealer's lead form) that belong to the customer master. */
export const PROPERTY_FIELDS: Record<string, keyof ContactInput> = {
  nationalId: 'nationalId',
  ktp: 'nationalId',
  noKtp: 'nationalId',
  street: 'street',
  address: 'street',
  street2: 'street2',
  city: 'city',
  state: 'state',
  zip: 'zip',
  countryCode: 'countryCode',
  mobile: 'mobile',
  occupationId: 'occupationId',
};

interface OpportunityState {
  id: string;
  customerId?: string | null;
  updatedBy?: string | null;
}

/** The customer fields a lead edit changed: e-mail and phone, and the master's keys of `properties`. Empty values never clear the master. */
export function customerPatch(data: StateEventData<OpportunityState>): ContactInput {
  const patch: Record<string, unknown> = {};
  const changes = data.changes ?? {};
  const value = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  if (changes['email'] && value(changes['email'].to)) patch['email'] = value(changes['email'].to);
  if (changes['phone'] && value(changes['phone'].to)) patch['phone'] = value(changes['phone'].to);
  const props = changes['properties'];
  if (props) {
    const from = (props.from ?? {}) as Record<string, unknown>;
    const to = (props.to ?? {}) as Record<string, unknown>;
    for (const [key, field] of Object.entries(PROPERTY_FIELDS)) {
      if (value(to[key]) !== undefined && to[key] !== from[key]) patch[field] = value(to[key]);
    }
  }
  return patch as ContactInput;
}

/**
 * Seed 002: when a branch edits the address, KTP or phone on a lead, the customer master
 * changes too. Consumes crm.pipeline.opportunity.updated.v1; a field whose new value is
 * invalid for the master (e.g. a KTP that is not 16 digits) is skipped and logged, the
 * others are applied. The contact's `updated` event names the opportunity event as `cause`.
 */
export function leadEditsConsumer(logger: Logger, defaultCountry: string, clock: { now(): Date }): ConsumerSpec {
  const apply = async (event: CloudEvent, manager: EntityManager): Promise<void> => {
    const data = event.data as StateEventData<OpportunityState>;
    const customerId = data.state.customerId;
    if (!customerId || !isUuid(customerId)) return;
    const patch = customerPatch(data);
    if (Object.keys(patch).length === 0) return;
    let [contact] = await loadContacts(manager, [customerId], 'all', true);
    // A merged customer: the edit belongs to the contact that absorbed it.
    for (let hops = 0; contact?.mergedIntoId && hops < 10; hops += 1) [contact] = await loadContacts(manager, [contact.mergedIntoId], 'all', true);
    if (!contact) return;
    const refs = await loadRefs(manager, null, defaultCountry, [contact.parentId], [contact.id]);
    const accepted: ContactInput = {};
    for (const [field, v] of Object.entries(patch)) {
      try {
        resolveContact(contact.id, fieldsOf(contact), { [field]: v }, refs, null);
        (accepted as Record<string, unknown>)[field] = v;
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        logger.warn({ contactId: contact.id, field, eventId: event.id, reason: error.message }, 'lead edit not applied to the customer');
      }
    }
    const after = resolveContact(contact.id, fieldsOf(contact), accepted, refs, null);
    const changes = diffFields(fieldsOf(contact), after);
    if (Object.keys(changes).length === 0) return;
    const now = clock.now();
    const by = data.state.updatedBy && isUuid(data.state.updatedBy) ? data.state.updatedBy : null;
    await updateContactRow(manager, contact.id, after, Object.keys(changes), { at: now, by });
    const [updated] = await loadContacts(manager, [contact.id]);
    await appendToOutbox(manager, SCHEMA, [
      contactEvent('updated', updated!, { time: now, traceparent: event.traceparent, changes, extra: { cause: { type: event.type, id: event.id, subject: event.subject } } }),
    ]);
  };
  return {
    name: 'contacts.lead-edits',
    topics: [TOPICS.pipelineOpportunity],
    handlers: { 'crm.pipeline.opportunity.updated.v1': apply },
  };
}
