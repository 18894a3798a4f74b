import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import type { Clock } from '@crm/runtime';
import { isMonthAligned, type ReportFilter } from '../domain/report-filter';
import { CUBE_LEVELS, cubeSource, type CubeColumn, type CubeLevel } from '../projections/cube';
import { CUBE_TIME_ZONE_SETTING } from '../projections/target';
import { missingRate } from './currency';
import type { LabelKind } from '../projections/labels';
import { loadLabels } from './labels';
import { DIMENSIONS, dimensionSql, formatDimension, type PipelineDimension } from './pipeline-dimensions';
import { cubeWhere, filterCubeColumns, opportunityWhere, scopeCubeColumns } from './opportunity-sql';
import { Sql, num } from './sql';

export interface Money {
  amount: string;
  currency: string;
}

export interface Measures {
  count: number;
  wonCount: number;
  lostCount: number;
  expectedRevenue: Money[];
  proratedRevenue: Money[];
  wonRevenue: Money[];
  avgDaysToClose: number | null;
  avgDaysInStage: number | null;
}

export interface GroupKey {
  dimension: string;
  value: string | null;
  label: string;
  /** Sort position (stage sequence), not part of the API. */
  sequence?: number | null;
}

export interface AggregateRow {
  keys: GroupKey[];
  measures: Measures;
}

export interface Aggregate {
  groupBy: string[];
  rows: AggregateRow[];
  total: Measures;
  /** The currency every amount was converted into, or null (amounts per currency). */
  currency: string | null;
  /** `cube` when the pre-aggregated table answered, `records` when the opportunities did. */
  source: 'cube' | 'records';
  /** The table that answered. */
  grain: string;
}

export interface AggregateOptions {
  /** Answer from the records even when the cube could (tests compare both). */
  forceRecords?: boolean;
}

const NONE = 'None';

/**
 * The engine under pipelineAnalysis, forecast and the team figures: counts and sums of
 * opportunities, grouped by up to two dimensions, within the caller's record scope (the
 * predicate is inside the aggregate SQL, so no total reveals a record the caller cannot read).
 * The cube answers when it can (same month time zone, month-aligned creation range, cube
 * dimensions only); otherwise the records do.
 */
export class OpportunityAggregator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async cubeTimeZone(): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT value FROM reporting.settings WHERE key = $1`, [CUBE_TIME_ZONE_SETTING]);
    return row?.value ?? null;
  }

  /** The coarsest cube grain that can answer, or null when only the records can. */
  async cubeLevel(user: AuthUser, filter: ReportFilter, dims: PipelineDimension[]): Promise<CubeLevel | null> {
    if (dims.some((d) => !DIMENSIONS[d].cube)) return null;
    if (filter.tagIds) return null;
    if ((filter.from || filter.to) && (filter.dateField !== 'CREATED' || !isMonthAligned(filter.from, filter.to))) return null;
    if ((await this.cubeTimeZone()) !== user.tz) return null;
    const needed = new Set<CubeColumn>([...dims.map((d) => DIMENSIONS[d].cube!), ...filterCubeColumns(filter), ...scopeCubeColumns(user)]);
    return CUBE_LEVELS.find((level) => [...needed].every((c) => level.keys.includes(c))) ?? null;
  }

  async aggregate(user: AuthUser, filter: ReportFilter, dims: PipelineDimension[], currency: string | null, options: AggregateOptions = {}): Promise<Aggregate> {
    const level = options.forceRecords ? null : await this.cubeLevel(user, filter, dims);
    const sql = new Sql();
    const tz = user.tz;
    const raw = dims.map((d, i) => `${dimensionSql(sql, d, tz, level !== null)} AS d${i}`);
    const positions = [...dims.map((_, i) => i + 1), dims.length + 1].join(', ');
    let facts: string;
    if (level) {
      facts = `SELECT ${[...raw, 'c.currency'].join(', ')}, sum(c.n) AS n,
          sum(c.n) FILTER (WHERE c.status = 'won') AS won_n, sum(c.n) FILTER (WHERE c.status = 'lost') AS lost_n,
          sum(c.expected_revenue) AS er, sum(c.prorated_revenue) AS pr, sum(c.expected_revenue) FILTER (WHERE c.status = 'won') AS won,
          sum(c.closed_n) AS closed_n, sum(c.close_seconds) AS close_seconds, sum(c.stage_n) AS stage_n, sum(c.stage_epoch) AS stage_epoch
        FROM ${cubeSource(level)} WHERE ${cubeWhere(sql, filter, user, level).join(' AND ')}
        GROUP BY ${positions} HAVING sum(c.n) <> 0`;
    } else {
      const tags = dims.some((d) => DIMENSIONS[d].tags)
        ? `LEFT JOIN LATERAL unnest(CASE WHEN cardinality(o.tag_ids) = 0 THEN ARRAY[NULL]::text[] ELSE o.tag_ids END) AS t(tag) ON true`
        : '';
      const closed = `o.status <> 'open' AND o.date_closed IS NOT NULL`;
      facts = `SELECT ${[...raw, 'o.currency'].join(', ')}, count(*) AS n,
          count(*) FILTER (WHERE o.status = 'won') AS won_n, count(*) FILTER (WHERE o.status = 'lost') AS lost_n,
          sum(o.expected_revenue) AS er, sum(COALESCE(o.prorated_revenue, 0)) AS pr, sum(o.expected_revenue) FILTER (WHERE o.status = 'won') AS won,
          count(*) FILTER (WHERE ${closed}) AS closed_n, sum(EXTRACT(EPOCH FROM o.date_closed - o.created_at)) FILTER (WHERE ${closed}) AS close_seconds,
          count(*) FILTER (WHERE o.status = 'open') AS stage_n,
          sum(EXTRACT(EPOCH FROM COALESCE(o.date_last_stage_update, o.created_at))) FILTER (WHERE o.status = 'open') AS stage_epoch
        FROM reporting.opportunity_rm o ${tags} WHERE ${opportunityWhere(sql, filter, user, tz).join(' AND ')}
        GROUP BY ${positions}`;
    }
    const T = currency ? sql.p(currency, 'text') : null;
    const nowEpoch = sql.p(this.clock.now().getTime() / 1000, 'numeric');
    const z = (x: string) => `COALESCE(${x}, 0)`;
    const measures = `sum(f.n)::bigint AS n, ${z('sum(f.won_n)')}::bigint AS won_n, ${z('sum(f.lost_n)')}::bigint AS lost_n,
         jsonb_agg(jsonb_build_object('currency', f.currency, 'er', f.er::text, 'pr', f.pr::text, 'won', ${z('f.won')}::text) ORDER BY f.currency) AS money,
         CASE WHEN sum(f.closed_n) > 0 THEN (sum(f.close_seconds) / sum(f.closed_n) / 86400)::float8 END AS days_to_close,
         CASE WHEN sum(f.stage_n) > 0 THEN ((${nowEpoch} * sum(f.stage_n) - sum(f.stage_epoch)) / sum(f.stage_n) / 86400)::float8 END AS days_in_stage
         ${
           T
             ? `, round(sum(CASE WHEN f.currency = ${T} THEN f.er ELSE f.er * r.rate / tr.rate END), 2)::text AS er_c,
           round(sum(CASE WHEN f.currency = ${T} THEN f.pr ELSE f.pr * r.rate / tr.rate END), 2)::text AS pr_c,
           round(sum(CASE WHEN f.currency = ${T} THEN ${z('f.won')} ELSE ${z('f.won')} * r.rate / tr.rate END), 2)::text AS won_c,
           array_agg(DISTINCT f.currency) FILTER (WHERE f.currency <> ${T} AND r.rate IS NULL) AS missing,
           bool_or(f.currency <> ${T} AND tr.rate IS NULL) AS missing_target`
             : ''
         }`;
    const rates = T ? `LEFT JOIN reporting.currency_rate r ON r.currency = f.currency LEFT JOIN reporting.currency_rate tr ON tr.currency = ${T}` : '';
    const totalsByCurrency = `SELECT currency, sum(n) AS n, sum(won_n) AS won_n, sum(lost_n) AS lost_n, sum(er) AS er, sum(pr) AS pr, sum(won) AS won,
         sum(closed_n) AS closed_n, sum(close_seconds) AS close_seconds, sum(stage_n) AS stage_n, sum(stage_epoch) AS stage_epoch
       FROM facts GROUP BY currency`;
    const groups = dims.length
      ? `SELECT ${dims.map((d, i) => `${formatDimension(d, `f.d${i}`)} AS d${i}`).join(', ')}, 0 AS g, ${measures}
         FROM facts f ${rates} GROUP BY ${dims.map((_, i) => `f.d${i}`).join(', ')}
         UNION ALL `
      : '';
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH facts AS (${facts})
       ${groups}SELECT ${dims.map((_, i) => `NULL AS d${i}`).join(', ')}${dims.length ? ', ' : ''}1 AS g, ${measures}
       FROM (${totalsByCurrency}) f ${rates} HAVING count(*) > 0`,
      sql.params,
    );
    if (T) {
      const missing = [
        ...new Set(rows.flatMap((r) => [...((r['missing'] as string[] | null) ?? []), ...(r['missing_target'] ? [currency!] : [])])),
      ].sort();
      if (missing.length > 0) throw missingRate(currency!, missing);
    }
    const measuresOf = (r: Record<string, unknown>): Measures => {
      const money = (r['money'] as { currency: string; er: string; pr: string; won: string }[]).filter((m) => m.currency !== null);
      const list = (field: 'er' | 'pr' | 'won'): Money[] =>
        T ? [{ amount: (r[`${field}_c`] as string | null) ?? '0', currency: currency! }] : money.map((m) => ({ amount: m[field], currency: m.currency }));
      return {
        count: num(r['n']),
        wonCount: num(r['won_n']),
        lostCount: num(r['lost_n']),
        expectedRevenue: list('er'),
        proratedRevenue: list('pr'),
        wonRevenue: list('won'),
        avgDaysToClose: r['days_to_close'] === null ? null : round2(Number(r['days_to_close'])),
        avgDaysInStage: r['days_in_stage'] === null ? null : round2(Number(r['days_in_stage'])),
      };
    };
    const groupRows = rows.filter((r) => Number(r['g']) === 0);
    const totalRow = rows.find((r) => Number(r['g']) === 1);
    let total = totalRow ? measuresOf(totalRow) : emptyMeasures(currency);
    if (dims.some((d) => DIMENSIONS[d].tags)) {
      // With tags unnested a record counts once per tag; the total counts it once.
      total = (await this.aggregate(user, filter, [], currency, options)).total;
    }
    const keyed = await this.labelRows(
      dims,
      groupRows.map((r) => ({ values: dims.map((_, i) => (r[`d${i}`] as string | null) ?? null), measures: measuresOf(r) })),
    );
    return { groupBy: dims, rows: keyed, total, currency, source: level ? 'cube' : 'records', grain: level?.table ?? 'opportunity_rm' };
  }


  /** Names the keys and sorts the rows: chronological, by stage sequence, or by name. */
  async labelRows(dims: PipelineDimension[], rows: { values: (string | null)[]; measures: Measures }[]): Promise<AggregateRow[]> {
    const wanted = new Map<string, { kind: LabelKind; id: string }>();
    for (const row of rows) {
      dims.forEach((d, i) => {
        const kind = DIMENSIONS[d].label;
        const value = row.values[i];
        if (kind && value !== null) wanted.set(`${kind}:${value}`, { kind, id: value });
      });
    }
    const labels = await loadLabels(this.dataSource, [...wanted.values()]);
    const keyed = rows.map((row) => ({
      keys: dims.map((d, i) => {
        const spec = DIMENSIONS[d];
        const value = row.values[i] ?? null;
        const label = value === null ? NONE : (spec.fixed?.[value] ?? (spec.label ? labels.get(`${spec.label}:${value}`)?.name : undefined) ?? value);
        const sequence = value === null ? null : spec.fixed ? Object.keys(spec.fixed).indexOf(value) : spec.label ? (labels.get(`${spec.label}:${value}`)?.sequence ?? null) : null;
        return { key: { dimension: d, value, label, sequence }, sequence };
      }),
      measures: row.measures,
    }));
    keyed.sort((a, b) => {
      for (let i = 0; i < dims.length; i += 1) {
        const c = compareKeys(DIMENSIONS[dims[i]!].order, a.keys[i]!, b.keys[i]!);
        if (c !== 0) return c;
      }
      return 0;
    });
    return keyed.map((r) => ({ keys: r.keys.map((k) => k.key), measures: r.measures }));
  }
}

type SortableKey = { key: GroupKey; sequence: number | null };

/** Orders the keys of one dimension as report rows are ordered. */
export function sortGroupKeys(dimension: PipelineDimension, keys: GroupKey[]): GroupKey[] {
  const order = DIMENSIONS[dimension].order;
  return [...keys].sort((a, b) => compareKeys(order, { key: a, sequence: a.sequence ?? null }, { key: b, sequence: b.sequence ?? null }));
}

function compareKeys(order: 'value' | 'sequence' | 'label', a: SortableKey, b: SortableKey): number {
  if (a.key.value === null || b.key.value === null) return a.key.value === b.key.value ? 0 : a.key.value === null ? 1 : -1;
  if (order === 'sequence') {
    const sa = a.sequence ?? Number.MAX_SAFE_INTEGER;
    const sb = b.sequence ?? Number.MAX_SAFE_INTEGER;
    if (sa !== sb) return sa - sb;
    return a.key.label.localeCompare(b.key.label) || a.key.value.localeCompare(b.key.value);
  }
  if (order === 'value') return a.key.value.localeCompare(b.key.value);
  return a.key.label.localeCompare(b.key.label) || a.key.value.localeCompare(b.key.value);
}

export function emptyMeasures(currency: string | null): Measures {
  const zero = currency ? [{ amount: '0', currency }] : [];
  return { count: 0, wonCount: 0, lostCount: 0, expectedRevenue: zero, proratedRevenue: zero, wonRevenue: zero, avgDaysToClose: null, avgDaysInStage: null };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
