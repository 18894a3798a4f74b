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

export const CUBE_DELTA = 'opportunity_cube_delta';

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

function sameContribution(a: Contribution, b: Contribution): boolean {
  return a.key.every((k, i) => k === b.key[i]) && a.measures.every((m, i) => m === b.measures[i]);
}

/**
 * The cube's change when a record goes from `before` to `after`, as a data-modifying CTE (to
 * run inside a bigger statement): rows appended to the delta table, the old contribution
 * negated. Appending locks nothing shared, so events of all partitions apply in parallel even
 * when they touch the same cube cells; compactCube folds the deltas in, and every cube query
 * reads grain + pending deltas (one snapshot, so always exact). Null when nothing changes.
 */
export function cubeDeltaSql(
  schema: string,
  before: Contribution | null,
  after: Contribution | null,
  param: (value: unknown, cast: string) => string,
): string | null {
  return cubeDeltasSql(schema, [{ before, after }], param);
}

/** The same for several records' changes. */
export function cubeDeltasSql(
  schema: string,
  changes: { before: Contribution | null; after: Contribution | null }[],
  param: (value: unknown, cast: string) => string,
): string | null {
  const parts: [number, Contribution][] = [];
  for (const { before, after } of changes) {
    if (before && after && sameContribution(before, after)) continue;
    if (before) parts.push([-1, before]);
    if (after) parts.push([1, after]);
  }
  if (parts.length === 0) return null;
  const columns = [...CUBE_KEY, ...CUBE_MEASURES];
  const arrays = [
    ...CUBE_KEY.map((k, i) => param(parts.map(([, c]) => c.key[i]), `${KEY_TYPES[k]}[]`)),
    ...CUBE_MEASURES.map((_, i) => param(parts.map(([sign, c]) => (sign < 0 ? negate(c.measures[i]!) : c.measures[i])), `${MEASURE_TYPES[i]}[]`)),
  ];
  return `cube_delta AS (INSERT INTO "${schema}".${CUBE_DELTA} (${columns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')}) RETURNING 1)`;
}

/** Appends the cube's change as a statement of its own. */
export async function applyCubeDelta(manager: EntityManager, schema: string, before: Contribution | null, after: Contribution | null): Promise<void> {
  const params: unknown[] = [];
  const cte = cubeDeltaSql(schema, before, after, (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  });
  if (cte) await manager.query(`WITH ${cte} SELECT 1`, params);
}

function negate(decimal: string): string {
  if (decimal === '0') return decimal;
  return decimal.startsWith('-') ? decimal.slice(1) : `-${decimal}`;
}

/** Advisory lock of the compaction (one at a time per schema is enough). */
const COMPACTION_LOCK_SPACE = 731_057_520;

/**
 * Folds the pending deltas into every grain, in one transaction (the deltas it moves are
 * deleted in the same statement, so a query sees either the deltas or their sum, never both).
 * Returns the number of delta rows folded; 0 when another compaction holds the lock — unless
 * `wait` is set: then it waits for that one and folds what is left (tests and the rebuild,
 * which need every delta folded when it returns).
 */
export async function compactCube(manager: EntityManager, schema: string, options: { wait?: boolean } = {}): Promise<number> {
  if (options.wait) {
    await manager.query(`SELECT pg_advisory_xact_lock(${COMPACTION_LOCK_SPACE}, hashtext($1))`, [schema]);
  } else {
    const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK_SPACE}, hashtext($1)) AS locked`, [schema]);
    if (!locked) return 0;
  }
  const upsert = (level: CubeLevel, i: number) => {
    const keys = level.keys.join(', ');
    return `w${i} AS (INSERT INTO "${schema}".${level.table} AS c (${keys}, ${CUBE_MEASURES.join(', ')})
       SELECT ${keys}, ${CUBE_MEASURES.map((m) => `sum(${m})`).join(', ')} FROM moved
       GROUP BY ${keys} ORDER BY ${level.keys.map((k) => `${k} NULLS FIRST`).join(', ')}
       ON CONFLICT (${keys}) DO UPDATE SET ${CUBE_MEASURES.map((m) => `${m} = c.${m} + EXCLUDED.${m}`).join(', ')} RETURNING 1)`;
  };
  const [{ moved }] = await manager.query(
    `WITH moved AS (DELETE FROM "${schema}".${CUBE_DELTA} RETURNING *),
     ${CUBE_LEVELS.map(upsert).join(',\n')}
     SELECT count(*)::int AS moved FROM moved`,
  );
  // Cells nobody contributes to any more (all their sums are 0 then) go: the grains hold
  // exactly the cells of the live records, however the deltas were batched.
  if (moved > 0) for (const level of CUBE_LEVELS) await manager.query(`DELETE FROM "${schema}".${level.table} WHERE n = 0`);
  return moved;
}

/**
 * A grain with its pending deltas, as a FROM item aliased `c` for the queries.
 */
export function cubeSource(level: CubeLevel): string {
  const columns = [...level.keys, ...CUBE_MEASURES].join(', ');
  return `(SELECT ${columns} FROM reporting.${level.table} UNION ALL SELECT ${columns} FROM reporting.${CUBE_DELTA}) c`;
}

/** Rebuilds every grain from opportunity_rm (repair, bulk loads, and the test that the incremental cube is right). */
export async function recomputeCube(manager: EntityManager, schema: string): Promise<void> {
  await manager.query(`DELETE FROM "${schema}".${CUBE_DELTA}`);
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
