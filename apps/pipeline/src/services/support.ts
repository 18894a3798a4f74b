import type { DataSource, EntityManager } from 'typeorm';
import { pipelinedTransaction } from '@crm/db';
import { notFound, staleVersion } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { stateEvent, type CloudEvent } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import type { AuthUser } from '@crm/auth';

export const SCHEMA = 'pipeline';

/** Changes the subgraph makes itself, following another subgraph's events. */
export const SYSTEM_USER: AuthUser = { id: '00000000-0000-0000-0000-000000000000', role: 'admin', branchIds: [], teamIds: [], tz: 'UTC' };

/** One use case's transaction: the state changes, then its events into the outbox, one commit. */
export interface Tx {
  manager: EntityManager;
  now: Date;
  user: AuthUser;
  traceparent: string | undefined;
  events: CloudEvent[];
}

export async function inTransaction<T>(
  dataSource: DataSource,
  base: { now: Date; user: AuthUser; traceparent?: string },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  // Pipelined: BEGIN travels with the first statement, the last writes and the outbox with COMMIT.
  return pipelinedTransaction(dataSource, async (manager) => {
    const tx: Tx = { manager, now: base.now, user: base.user, traceparent: base.traceparent, events: [] };
    const result = await work(tx);
    await appendToOutbox(manager, SCHEMA, tx.events);
    return result;
  });
}

/** Queues a `{ state, changes?, ...extra }` event of this subgraph. */
export function emit(
  tx: Tx,
  aggregate: string,
  event: string,
  state: { id: string } & Record<string, unknown>,
  options: { changes?: Record<string, { from: unknown; to: unknown }>; extra?: Record<string, unknown> } = {},
): void {
  tx.events.push(
    stateEvent({
      subgraph: 'pipeline',
      aggregate,
      event,
      state,
      changes: options.changes,
      extra: options.extra,
      time: tx.now,
      traceparent: tx.traceparent,
    }),
  );
}

/** CONFLICT when the caller names a version that is not the current one. */
export function checkVersion(entity: string, id: string, expected: number | null | undefined, actual: number): void {
  if (expected !== null && expected !== undefined && expected !== actual) throw staleVersion(entity, id, expected, actual);
}

/** An id to look a record up by: a malformed one names no record (NOT_FOUND), rather than failing in SQL. */
export function existingId(id: string, entity: string): string {
  if (!isUuid(id)) throw notFound(entity, id);
  return id.toLowerCase();
}

export function required<T>(value: T | undefined | null, entity: string, id: string): T {
  if (value === undefined || value === null) throw notFound(entity, id);
  return value;
}

/** The audit fields of a new aggregate. */
export function created(tx: Tx) {
  return { version: 1, createdAt: tx.now, updatedAt: tx.now, createdBy: tx.user.id, updatedBy: tx.user.id };
}

/** Audit bump of a changed aggregate. */
export function touched<T extends { version: number }>(tx: Tx, row: T): T & { updatedAt: Date; updatedBy: string } {
  return { ...row, version: row.version + 1, updatedAt: tx.now, updatedBy: tx.user.id };
}
