import { newEvent, type CloudEvent } from '@crm/events';
import type { ContactEntity } from '../entities/contact.entity';

export function contactState(c: ContactEntity): Record<string, unknown> {
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
  const data: Record<string, unknown> = { state: contactState(contact) };
  if (options.changes) data['changes'] = options.changes;
  return newEvent({
    subgraph: 'contacts',
    aggregate: 'contact',
    event,
    subject: contact.id,
    data,
    time: options.time,
    traceparent: options.traceparent,
  });
}
