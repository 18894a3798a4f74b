import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import type { Clock } from '@crm/runtime';
import { parseReportFilter, type ReportFilter, type ReportFilterInput } from '../domain/report-filter';
import { parseTargetCurrency } from './currency';
import { newestEventAt } from './freshness';
import { loadLabels } from './labels';
import { OpportunityAggregator, emptyMeasures, type AggregateRow, type GroupKey, type Measures, type Money } from './opportunity-aggregate';
import { opportunityWhere } from './opportunity-sql';
import { opportunityReportTopics } from './pipeline-analysis-service';
import { Sql, num } from './sql';
import { compareStages } from '../domain/stage-order';
import { parseGroupBy } from '../domain/group-by';
import { PIPELINE_DIMENSIONS, type PipelineDimension } from './pipeline-dimensions';

export interface WinRateRow {
  key: GroupKey;
  won: number;
  lost: number;
  winRate: number | null;
  wonRevenue: Money[];
  lostRevenue: Money[];
}

/** One group of `winLoss(groupBy:)`: the closed records of the keys, won against lost. */
export interface WinLossRow {
  keys: GroupKey[];
  won: number;
  lost: number;
  winRate: number | null;
  wonRevenue: Money[];
  lostRevenue: Money[];
  /** Average days from creation to won, over the won ones of the group. */
  averageCycleDays: number | null;
}

export interface StageVelocity {
  stage: GroupKey;
  sequence: number | null;
  transitions: number;
  avgDays: number | null;
  minDays: number | null;
  maxDays: number | null;
}

/**
 * A lead has no stage: the stay that ends with its conversion (a stage change from no stage)
 * is the time it spent as a lead. Shown under this name, before every stage.
 */
export const BEFORE_CONVERSION = 'Lead (before conversion)';
const velocityOrder = (v: { stage: { value: string | null } }) => (v.stage.value === null ? 0 : 1);

const rate = (won: number, lost: number) => (won + lost > 0 ? Math.round((won / (won + lost)) * 10_000) / 10_000 : null);

/**
 * Won and lost: counts and revenue of the opportunities closed in the range, lost reasons
 * ranked, win rate per team and salesperson, cycle time, the lead → opportunity → won funnel
 * of the records created in the range, and stage velocity (average days in each stage,
 * from the stage history).
 */
export class WinLossService {
  private readonly aggregator: OpportunityAggregator;

  constructor(
    private readonly dataSource: DataSource,
    clock: Clock,
  ) {
    this.aggregator = new OpportunityAggregator(dataSource, clock);
  }

  async winLoss(user: AuthUser, args: { filter?: ReportFilterInput | null; currency?: string | null; groupBy?: string[] | null }) {
    const filter = parseReportFilter(args.filter, { dateField: 'CLOSED' });
    const groupBy = parseGroupBy(args.groupBy, PIPELINE_DIMENSIONS);
    const currency = parseTargetCurrency(args.currency);
    const closed: ReportFilter = { ...filter, statuses: (filter.statuses ?? ['won', 'lost']).filter((s) => s !== 'open'), includeArchived: true };
    if (closed.statuses!.length === 0) closed.statuses = ['won', 'lost'];
    const [byStatus, won, lostReasons, byTeam, bySalesperson, funnel, velocity, newest, grouped] = await Promise.all([
      this.aggregator.aggregate(user, closed, ['status'], currency),
      this.aggregator.aggregate(user, { ...closed, statuses: ['won'] }, [], currency),
      this.aggregator.aggregate(user, { ...closed, statuses: ['lost'] }, ['lostReason'], currency),
      this.aggregator.aggregate(user, closed, ['team', 'status'], currency),
      this.aggregator.aggregate(user, closed, ['salesperson', 'status'], currency),
      this.funnel(user, filter),
      this.stageVelocity(user, filter),
      newestEventAt(this.dataSource, opportunityReportTopics(currency)),
      groupBy.length ? this.aggregator.aggregate(user, closed, [...groupBy, 'status'], currency) : null,
    ]);
    const wonM = byStatus.rows.find((r) => r.keys[0]!.value === 'won')?.measures ?? emptyMeasures(currency);
    const lostM = byStatus.rows.find((r) => r.keys[0]!.value === 'lost')?.measures ?? emptyMeasures(currency);
    return {
      won: wonM.count,
      lost: lostM.count,
      winRate: rate(wonM.count, lostM.count),
      wonRevenue: wonM.expectedRevenue,
      lostRevenue: lostM.expectedRevenue,
      avgCycleDays: won.total.avgDaysToClose,
      lostReasons: [...lostReasons.rows]
        .sort((a, b) => b.measures.count - a.measures.count || a.keys[0]!.label.localeCompare(b.keys[0]!.label))
        .map((r) => ({ reason: r.keys[0]!, count: r.measures.count, revenue: r.measures.expectedRevenue })),
      byTeam: winRates(byTeam.rows),
      bySalesperson: winRates(bySalesperson.rows),
      funnel,
      stageVelocity: velocity,
      groupBy,
      rows: grouped ? winLossRows(groupBy, grouped.rows) : [],
      currency,
      newestEventAt: newest,
    };
  }

  /** Records created in the range: all, those that are (or became) opportunities, those won. */
  async funnel(user: AuthUser, filter: ReportFilter) {
    const sql = new Sql();
    const cohort: ReportFilter = { ...filter, dateField: 'CREATED', type: null, statuses: null, includeArchived: true };
    const where = opportunityWhere(sql, cohort, user, user.tz);
    const typeFilter = filter.type ? `AND o.type = ${sql.p(filter.type)}` : '';
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS created,
              count(*) FILTER (WHERE o.type = 'lead' OR o.converted_at IS NOT NULL)::int AS leads,
              count(*) FILTER (WHERE o.converted_at IS NOT NULL)::int AS converted,
              count(*) FILTER (WHERE o.type = 'opportunity' OR o.converted_at IS NOT NULL)::int AS opportunities,
              count(*) FILTER (WHERE o.status = 'won')::int AS won
       FROM reporting.opportunity_rm o WHERE ${where.join(' AND ')} ${typeFilter}`,
      sql.params,
    );
    return {
      created: row.created as number,
      leads: row.leads as number,
      opportunities: row.opportunities as number,
      converted: row.converted as number,
      won: row.won as number,
      leadToOpportunity: row.leads > 0 ? Math.round((row.converted / row.leads) * 10_000) / 10_000 : null,
      opportunityToWon: row.opportunities > 0 ? Math.round((row.won / row.opportunities) * 10_000) / 10_000 : null,
    };
  }

  /**
   * Average days spent in each stage, over the stays that ended (a transition out of it) in the
   * range; the time leads spent before their conversion first, as `BEFORE_CONVERSION`.
   */
  async stageVelocity(user: AuthUser, filter: ReportFilter): Promise<StageVelocity[]> {
    const sql = new Sql();
    const opportunities: ReportFilter = { ...filter, from: null, to: null, includeArchived: true };
    const where = opportunityWhere(sql, opportunities, user, user.tz);
    const range: string[] = [];
    if (filter.from) range.push(`st.changed_at >= (${sql.p(filter.from, 'date')}::timestamp AT TIME ZONE ${sql.p(user.tz, 'text')})`);
    if (filter.to) range.push(`st.changed_at < ((${sql.p(filter.to, 'date')} + 1)::timestamp AT TIME ZONE ${sql.p(user.tz, 'text')})`);
    const rows: { stage_id: string | null; stage_name: string | null; n: number; avg: number | null; min: number | null; max: number | null }[] =
      await this.dataSource.query(
        `SELECT st.from_stage_id::text AS stage_id, max(st.from_stage_name) AS stage_name, count(*)::int AS n,
                (avg(st.seconds_in_previous) / 86400)::float8 AS avg, (min(st.seconds_in_previous) / 86400.0)::float8 AS min,
                (max(st.seconds_in_previous) / 86400.0)::float8 AS max
         FROM reporting.stage_transition st JOIN reporting.opportunity_rm o ON o.id = st.opportunity_id
         WHERE st.seconds_in_previous IS NOT NULL AND ${[...where, ...range].join(' AND ')}
         GROUP BY st.from_stage_id`,
        sql.params,
      );
    const labels = await loadLabels(
      this.dataSource,
      rows.filter((r) => r.stage_id).map((r) => ({ kind: 'stage' as const, id: r.stage_id! })),
    );
    const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return rows
      .map((r) => {
        const label = r.stage_id ? labels.get(`stage:${r.stage_id}`) : undefined;
        return {
          stage: { dimension: 'stage', value: r.stage_id, label: r.stage_id === null ? BEFORE_CONVERSION : (label?.name ?? r.stage_name ?? r.stage_id) },
          sequence: label?.sequence ?? null,
          transitions: num(r.n),
          avgDays: r2(r.avg),
          minDays: r2(r.min),
          maxDays: r2(r.max),
        };
      })
      .sort((a, b) => velocityOrder(a) - velocityOrder(b) || compareStages({ ...a.stage, sequence: a.sequence }, { ...b.stage, sequence: b.sequence }));
  }
}

function winRates(rows: AggregateRow[]): WinRateRow[] {
  const byKey = new Map<string, { key: GroupKey; won?: Measures; lost?: Measures }>();
  for (const r of rows) {
    const k = r.keys[0]!;
    const id = String(k.value);
    const entry = byKey.get(id) ?? { key: k };
    if (r.keys[1]!.value === 'won') entry.won = r.measures;
    if (r.keys[1]!.value === 'lost') entry.lost = r.measures;
    byKey.set(id, entry);
  }
  return [...byKey.values()].map((e) => {
    const won = e.won?.count ?? 0;
    const lost = e.lost?.count ?? 0;
    return { key: e.key, won, lost, winRate: rate(won, lost), wonRevenue: e.won?.expectedRevenue ?? [], lostRevenue: e.lost?.expectedRevenue ?? [] };
  });
}

/** Folds rows grouped by (dimensions…, status) into one row per key of the dimensions, in the aggregate's order. */
export function winLossRows(dims: PipelineDimension[], rows: AggregateRow[]): WinLossRow[] {
  const byKey = new Map<string, { keys: GroupKey[]; won?: Measures; lost?: Measures }>();
  for (const r of rows) {
    const keys = r.keys.slice(0, dims.length);
    const id = JSON.stringify(keys.map((k) => k.value));
    const entry = byKey.get(id) ?? { keys };
    const status = r.keys[dims.length]!.value;
    if (status === 'won') entry.won = r.measures;
    if (status === 'lost') entry.lost = r.measures;
    byKey.set(id, entry);
  }
  return [...byKey.values()].map((e) => {
    const won = e.won?.count ?? 0;
    const lost = e.lost?.count ?? 0;
    return {
      keys: e.keys.map(({ dimension, value, label }) => ({ dimension, value, label })),
      won,
      lost,
      winRate: rate(won, lost),
      wonRevenue: e.won?.expectedRevenue ?? [],
      lostRevenue: e.lost?.expectedRevenue ?? [],
      averageCycleDays: e.won?.avgDaysToClose ?? null,
    };
  });
}
