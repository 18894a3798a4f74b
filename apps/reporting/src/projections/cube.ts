import type { EntityManager } from 'typeorm';

/** Every dimension of the finest cube, in key order, with its SQL type. */
const KEY_TYPES = {
  stage_id: 'uuid',
  created_month: 'date',
  team_id: 'uuid',
  salesperson_id: 'uuid',
  branch_id: 'text',
  pipeline_id: 'uuid',
  type: 'text',
  status: 'text',
  currency: 'text',
  active: 'boolean',
} as const;

export type CubeColumn = keyof typeof KEY_TYPES;

export const CUBE_KEY = Object.keys(KEY_TYPES) as CubeColumn[];

/** The measures, summed. */
export const CUBE_MEASURES = ['n', 'expected_revenue', 'prorated_revenue', 'closed_n', 'close_seconds', 'stage_n', 'stage_epoch'] as const;

const MEASURE_TYPES = ['bigint', 'numeric', 'numeric', 'bigint', 'numeric', 'bigint', 'numeric'] as const;

export interface CubeLevel {
  table: string;
  keys: CubeColumn[];
}

/**
 * The grains, coarsest first: without salesperson, team and branch (what an administrator's
 * unfiltered analysis needs), without salesperson, and every dimension (what an own- or
 * team-documents user's scope needs).
 */
export const CUBE_LEVELS: CubeLevel[] = [
  { table: 'opportunity_cube_top', keys: ['stage_id', 'created_month', 'pipeline_id', 'type', 'status', 'currency', 'active'] },
  { table: 'opportunity_cube_team', keys: ['stage_id', 'created_month', 'team_id', 'branch_id', 'pipeline_id', 'type', 'status', 'currency', 'active'] },
  { table: 'opportunity_cube', keys: CUBE_KEY },
];

/**
 * What one opportunity row contributes to the cube, as SQL over `o` (an opportunity_rm row).
 * Used by the incremental projection and by recomputeCube alike, so the two cannot disagree.
 * Deleted and merged-away records contribute nothing.
 */
export const CONTRIBUTION_SELECT = `
  o.stage_id, o.created_month, o.team_id, o.salesperson_id, o.branch_id, o.pipeline_id, o.type, o.status, o.currency, o.active,
  1::bigint AS n,
  o.expected_revenue,
  COALESCE(o.prorated_revenue, 0) AS prorated_revenue,
  (o.status <> 'open' AND o.date_closed IS NOT NULL)::int::bigint AS closed_n,
  CASE WHEN o.status <> 'open' AND o.date_closed IS NOT NULL THEN EXTRACT(EPOCH FROM o.date_closed - o.created_at) ELSE 0 END AS close_seconds,
  (o.status = 'open')::int::bigint AS stage_n,
  CASE WHEN o.status = 'open' THEN EXTRACT(EPOCH FROM COALESCE(o.date_last_stage_update, o.created_at)) ELSE 0 END AS stage_epoch`;

export const CONTRIBUTES = `NOT o.deleted AND o.merged_into IS NULL`;

export interface Contribution {
  key: (string | boolean | null)[];
  measures: (string | null)[];
}

/** The contribution of a row read with CONTRIBUTION_SELECT. */
export function contributionFrom(row: Record<string, unknown>): Contribution {
  return {
    key: CUBE_KEY.map((k) => {
      const v = row[k];
      if (v === null || v === undefined) return null;
      if (typeof v === 'boolean') return v;
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      return String(v);
    }),
    measures: CUBE_MEASURES.map((m) => (row[m] === null ? null : String(row[m]))),
  };
}

/** Reads the current contribution of one opportunity (null when it contributes nothing), locking its row. */
export async function contributionOf(manager: EntityManager, schema: string, id: string): Promise<Contribution | null> {
  const rows = await manager.query(
    `SELECT ${CONTRIBUTION_SELECT} FROM "${schema}".opportunity_rm o WHERE o.id = $1 AND ${CONTRIBUTES} FOR UPDATE`,
    [id],
  );
  return rows.length === 0 ? null : contributionFrom(rows[0]);
}

/**
 * Moves every grain of the cube from `before` to `after` (either may be null) in one
 * statement. Rows are written in key order within each grain (and the grains always in the
 * same order), so concurrent partitions never deadlock on cube rows.
 */
export async function applyCubeDelta(
  manager: EntityManager,
  schema: string,
  before: Contribution | null,
  after: Contribution | null,
): Promise<void> {
  const parts: [number, Contribution][] = [];
  if (before) parts.push([-1, before]);
  if (after) parts.push([1, after]);
  if (parts.length === 0) return;
  if (before && after && sameContribution(before, after)) return;
  const params: unknown[] = [parts.map(([sign]) => sign)];
  CUBE_KEY.forEach((_, i) => params.push(parts.map(([, c]) => c.key[i])));
  CUBE_MEASURES.forEach((_, i) => params.push(parts.map(([, c]) => c.measures[i])));
  const casts = ['int', ...CUBE_KEY.map((k) => KEY_TYPES[k]), ...MEASURE_TYPES];
  const names = ['sign', ...CUBE_KEY, ...CUBE_MEASURES.map((m) => `m_${m}`)];
  const delta = `SELECT * FROM unnest(${casts.map((c, i) => `$${i + 1}::${c}[]`).join(', ')}) AS d(${names.join(', ')})`;
  const upsert = (level: CubeLevel) => {
    const keys = level.keys.join(', ');
    return `INSERT INTO "${schema}".${level.table} AS c (${keys}, ${CUBE_MEASURES.join(', ')})
       SELECT ${keys}, ${CUBE_MEASURES.map((m) => `sum(sign * m_${m})`).join(', ')} FROM delta
       GROUP BY ${keys} ORDER BY ${level.keys.map((k) => `${k} NULLS FIRST`).join(', ')}
       ON CONFLICT (${keys}) DO UPDATE SET ${CUBE_MEASURES.map((m) => `${m} = c.${m} + EXCLUDED.${m}`).join(', ')}`;
  };
  const levels = [...CUBE_LEVELS].reverse();
  await manager.query(
    `WITH delta AS (${delta}),
     ${levels.map((level, i) => `w${i} AS (${upsert(level)} RETURNING 1)`).join(',\n')}
     SELECT 1`,
    params,
  );
}

function sameContribution(a: Contribution, b: Contribution): boolean {
  return a.key.every((k, i) => k === b.key[i]) && a.measures.every((m, i) => m === b.measures[i]);
}

/** Rebuilds every grain from opportunity_rm (repair, bulk loads, and the test that the incremental cube is right). */
export async function recomputeCube(manager: EntityManager, schema: string): Promise<void> {
  for (const level of CUBE_LEVELS) {
    const keys = level.keys.join(', ');
    await manager.query(`DELETE FROM "${schema}".${level.table}`);
    await manager.query(
      `INSERT INTO "${schema}".${level.table} (${keys}, ${CUBE_MEASURES.join(', ')})
       SELECT ${keys}, ${CUBE_MEASURES.map((m) => `sum(${m})`).join(', ')}
       FROM (SELECT ${CONTRIBUTION_SELECT} FROM "${schema}".opportunity_rm o WHERE ${CONTRIBUTES}) x
       GROUP BY ${keys}`,
    );
  }
}
