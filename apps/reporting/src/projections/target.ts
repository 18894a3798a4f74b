import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@crm/events';

/** Where a projection writes: the live `reporting` schema, or a rebuild's shadow schema. */
export interface ProjectionTarget {
  schema: string;
  defaultCurrency: string;
  /** Time zone of the cube's month buckets (the `cube_time_zone` setting of the target schema). */
  cubeTimeZone(manager: EntityManager): Promise<string>;
}

/** Applies one event to the read models of `target`, inside the caller's (inbox) transaction. */
export type Projector = (event: CloudEvent, manager: EntityManager, target: ProjectionTarget) => Promise<void>;

/**
 * Advisory lock key: every live event transaction takes it shared before anything else (before
 * its inbox insert), so a rebuild holding it exclusively stops them at a point where they hold
 * no table locks, catches up and swaps its tables in.
 */
export const REBUILD_LOCK_KEY = 731_057_518;

export async function takeRebuildLockShared(manager: EntityManager): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [REBUILD_LOCK_KEY]);
}

/** Namespace of the per-record locks (two-int form: never conflicts with the one-bigint rebuild lock). */
export const RECORD_LOCK_SPACE = 731_057_519;

/**
 * Given record ids, takes an exclusive transaction lock on each (sorted), so that events of
 * related records on other partitions (a merge and the merged record's creation) serialise.
 */
export async function enterProjection(manager: EntityManager, _target: ProjectionTarget, recordIds: string[] = []): Promise<void> {
  const locks: string[] = [];
  const params: unknown[] = [];
  for (const id of [...new Set(recordIds)].sort()) {
    params.push(id);
    locks.push(`pg_advisory_xact_lock(${RECORD_LOCK_SPACE}, hashtext($${params.length}::uuid::text))`);
  }
  if (locks.length > 0) await manager.query(`SELECT ${locks.join(', ')}`, params);
}

/** The tables a rebuild recreates from the topics (configuration tables are not among them). */
export const READ_MODEL_TABLES = [
  'contact_rm',
  'event_tally',
  'freshness',
  'opportunity_rm',
  'opportunity_merge',
  'opportunity_history',
  'stage_transition',
  'opportunity_cube',
  'opportunity_cube_team',
  'opportunity_cube_top',
  'opportunity_cube_delta',
  'label',
  'team_rm',
  'stage_rm',
  'user_rm',
  'branch_rm',
  'activity_rm',
  'quotation_rm',
  'booking_rm',
] as const;

export const CUBE_TIME_ZONE_SETTING = 'cube_time_zone';

/** A target whose cube time zone is read once from its settings table (set there on first use). */
export function projectionTarget(schema: string, defaultCurrency: string, configuredTimeZone: string): ProjectionTarget {
  let cached: string | undefined;
  return {
    schema,
    defaultCurrency,
    async cubeTimeZone(manager) {
      if (cached) return cached;
      await manager.query(`INSERT INTO "${schema}".settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
        CUBE_TIME_ZONE_SETTING,
        configuredTimeZone,
      ]);
      const [row] = await manager.query(`SELECT value FROM "${schema}".settings WHERE key = $1`, [CUBE_TIME_ZONE_SETTING]);
      cached = row.value as string;
      return cached;
    },
  };
}
