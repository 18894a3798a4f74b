import { stateEvent, type CloudEvent } from '@crm/events';
import type { ContactEntity } from '../entities/contact.entity';

export function contactState(c: ContactEntity): { id: string } & Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    active: c.active,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
  };
}

export function contactEvent(
  event: 'created' | 'updated',
  contact: ContactEntity,
  options: { time: Date; traceparent?: string; changes?: Record<string, { from: unknown; to: unknown }> },
): CloudEvent {
  return stateEvent({ subgraph: 'contacts', aggregate: 'contact', event, state: contactState(contact), ...options });
}
