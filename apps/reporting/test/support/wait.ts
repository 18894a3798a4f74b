import type { DataSource } from 'typeorm';
import type { CloudEvent } from '@crm/events';
import { eventually } from '@crm/testing';

/** Waits until every event is in reporting's inbox (applied, in its own transaction). */
export async function waitApplied(dataSource: DataSource, events: CloudEvent[], timeoutMs = 30_000): Promise<void> {
  const ids = events.map((e) => e.id);
  await eventually(async () => {
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM reporting.inbox WHERE event_id = ANY($1::uuid[])`, [ids]);
    if (row.n !== new Set(ids).size) throw new Error(`${row.n} of ${ids.length} events applied`);
  }, timeoutMs, 50);
}
