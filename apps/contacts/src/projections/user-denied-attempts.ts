import type { EntityManager } from 'typeorm';
import { ACCESS_AUDIT_SERVICES, accessTopicOf, eventType, type CloudEvent } from '@crm/events';
import { envInt } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';

interface AccessDenied {
  occurredAt: string;
  service: string;
  code: string;
  message: string;
  reason?: string | null;
  userId?: string | null;
  role?: string | null;
  branchIds: string[];
  operationType?: string | null;
  operationName?: string | null;
  path?: string | null;
  clientIp?: string | null;
  requestId?: string | null;
  attemptedLogin?: string | null;
  suppressed: number;
}

const RETENTION_DAYS = envInt('AUDIT_RETENTION_DAYS', 180);

/** Stores one refused request (the event id is the row id), and trims rows past the retention. */
async function storeDeniedAttempt(event: CloudEvent, manager: EntityManager): Promise<void> {
  const d = event.data as AccessDenied;
  await manager.query(
    `INSERT INTO contacts.denied_attempt (id, occurred_at, service, code, message, reason, user_id, role, branch_ids,
       operation_type, operation_name, path, client_ip, request_id, attempted_login, suppressed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO NOTHING`,
    [event.id, d.occurredAt, d.service, d.code, d.message, d.reason ?? null, d.userId ?? null, d.role ?? null, d.branchIds ?? [],
      d.operationType ?? null, d.operationName ?? null, d.path ?? null, d.clientIp ?? null, d.requestId ?? null,
      d.attemptedLogin ?? null, d.suppressed ?? 0],
  );
  await manager.query(
    `DELETE FROM contacts.denied_attempt WHERE id IN (
       SELECT id FROM contacts.denied_attempt WHERE occurred_at < $1 ORDER BY occurred_at LIMIT 100)`,
    [new Date(new Date(d.occurredAt).getTime() - RETENTION_DAYS * 86_400_000)],
  );
}

/**
 * The audit log of refused requests lives with the users (who may do what is decided here):
 * every service — gateway and subgraphs — publishes its refusals on crm.<service>.access, and
 * this consumer keeps them in contacts.denied_attempt for `deniedAttempts`. No service reads
 * another's tables; the log is a read model of their events.
 */
export const deniedAttemptsProjection: ConsumerSpec = {
  name: 'contacts.denied-attempts',
  topics: ACCESS_AUDIT_SERVICES.map(accessTopicOf),
  handlers: Object.fromEntries(ACCESS_AUDIT_SERVICES.map((service) => [eventType(service, 'access', 'denied'), storeDeniedAttempt])),
};
