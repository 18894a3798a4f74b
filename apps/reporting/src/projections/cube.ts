import type { EntityManager } from 'typeorm';

/** The dimensions of reporting.opportunity_cube, in key order. */
export const CUBE_KEY = [
  'stage_id',
  'created_month',
  'team_id',
  'salesperson_id',
  'branch_id',
  'pipeline_id',
  'type',
  'status',
  'currency',
  'active',
] as const;

const KEY_TYPES = ['uuid', 'date', 'uuid', 'uuid', 'text', 'uuid', 'text', 'text', 'text', 'boolean'] as const;

/** The measures, summed. */
export const CUBE_MEASURES = ['n', 'expected_revenue', 'prorated_revenue', 'closed_n', 'close_seconds', 'stage_n', 'stage_epoch'] as const;

const MEASURE_TYPES = ['bigint', 'numeric', 'numeric', 'bigint', 'numeric', 'bigint', 'numeric'] as const;

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

/** Reads the current contribution of one opportunity (null when it contributes nothing), locking its row. */
export async function contributionOf(manager: EntityManager, schema: string, id: string): Promise<Contribution | null> {
  const rows = await manager.query(
    `SELECT ${CONTRIBUTION_SELECT} FROM "${schema}".opportunity_rm o WHERE o.id = $1 AND ${CONTRIBUTES} FOR UPDATE`,
    [id],
  );
  if (rows.length === 0) return null;
  const row = rows[0] as Record<string, unknown>;
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

/**
 * Moves the cube from `before` to `after` (either may be null) in one statement whose rows are
 * written in key order, so concurrent partitions never deadlock on two cube rows.
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
  const params: unknown[] = [parts.map(([sign]) => sign)];
  CUBE_KEY.forEach((_, i) => params.push(parts.map(([, c]) => c.key[i])));
  CUBE_MEASURES.forEach((_, i) => params.push(parts.map(([, c]) => c.measures[i])));
  const columns = [
    'sign int',
    ...CUBE_KEY.map((k, i) => `${k} ${KEY_TYPES[i]}`),
    ...CUBE_MEASURES.map((m, i) => `m_${m} ${MEASURE_TYPES[i]}`),
  ];
  const unnest = `unnest(${params.map((_, i) => `$${i + 1}::${i === 0 ? 'int' : i <= CUBE_KEY.length ? KEY_TYPES[i - 1] : MEASURE_TYPES[i - 1 - CUBE_KEY.length]}[]`).join(', ')}) AS d(${columns.map((c) => c.split(' ')[0]).join(', ')})`;
  const keys = CUBE_KEY.join(', ');
  await manager.query(
    `INSERT INTO "${schema}".opportunity_cube AS c (${keys}, ${CUBE_MEASURES.join(', ')})
     SELECT ${keys}, ${CUBE_MEASURES.map((m) => `sum(sign * m_${m})`).join(', ')}
     FROM ${unnest}
     GROUP BY ${keys}
     ORDER BY ${CUBE_KEY.map((k) => `${k} NULLS FIRST`).join(', ')}
     ON CONFLICT (${keys}) DO UPDATE SET
       ${CUBE_MEASURES.map((m) => `${m} = c.${m} + EXCLUDED.${m}`).join(', ')}`,
    params,
  );
}

/** Rebuilds the whole cube from opportunity_rm (repair, bulk loads, and the test that the incremental cube is right). */
export async function recomputeCube(manager: EntityManager, schema: string): Promise<void> {
  const keys = CUBE_KEY.join(', ');
  await manager.query(`DELETE FROM "${schema}".opportunity_cube`);
  await manager.query(
    `INSERT INTO "${schema}".opportunity_cube (${keys}, ${CUBE_MEASURES.join(', ')})
     SELECT ${keys}, ${CUBE_MEASURES.map((m) => `sum(${m})`).join(', ')}
     FROM (SELECT ${CONTRIBUTION_SELECT} FROM "${schema}".opportunity_rm o WHERE ${CONTRIBUTES}) x
     GROUP BY ${keys}`,
  );
}
