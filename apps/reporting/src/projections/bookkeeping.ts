import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@crm/events';

/** Counts the event once (the caller runs inside the inbox transaction) and moves freshness forward. */
export async function recordApplied(manager: EntityManager, schema: string, stream: string, event: CloudEvent): Promise<void> {
  await manager.query(
    `INSERT INTO "${schema}".event_tally (event_type, applied) VALUES ($1, 1)
     ON CONFLICT (event_type) DO UPDATE SET applied = event_tally.applied + 1`,
    [event.type],
  );
  await manager.query(
    `INSERT INTO "${schema}".freshness (stream, newest_event_at) VALUES ($1, $2)
     ON CONFLICT (stream) DO UPDATE SET newest_event_at = GREATEST(freshness.newest_event_at, EXCLUDED.newest_event_at)`,
    [stream, event.time],
  );
}
