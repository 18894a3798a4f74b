import { stateEvent, type CloudEvent } from '@crm/events';
import type { UserRecord } from './user-record';

/** The event state of a user (crm.contacts.user): everything but secrets and login bookkeeping. */
export function userState(u: UserRecord): { id: string } & Record<string, unknown> {
  return {
    id: u.id,
    login: u.login,
    name: u.name,
    contactId: u.contactId,
    role: u.role,
    branchIds: u.branchIds,
    teamIds: u.teamIds,
    timeZone: u.timeZone,
    active: u.active,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    version: u.version,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    createdBy: u.createdBy,
    updatedBy: u.updatedBy,
  };
}

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** The fields of the event state that differ between two versions of a user. */
export function userChanges(before: UserRecord, after: UserRecord): Changes {
  const a = userState(before);
  const b = userState(after);
  const changes: Changes = {};
  for (const key of Object.keys(b)) {
    if (['version', 'updatedAt', 'updatedBy'].includes(key)) continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes[key] = { from: a[key], to: b[key] };
  }
  return changes;
}

export function userEvent(
  event: 'created' | 'updated',
  user: UserRecord,
  options: { time: Date; traceparent?: string | undefined; changes?: Changes; extra?: Record<string, unknown> },
): CloudEvent {
  return stateEvent({ subgraph: 'contacts', aggregate: 'user', event, state: userState(user), ...options });
}
