import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { TOPICS } from '@crm/events';
import { isUuid, type Clock } from '@crm/runtime';
import { badInput } from '@crm/graphql';
import { ACTIVITY_SCOPE } from './activity-sql';
import { newestEventAt } from './freshness';
import type { Money } from './opportunity-aggregate';
import { parseReportFilter, type ReportFilter, type ReportFilterInput } from '../domain/report-filter';
import { opportunityWhere } from './opportunity-sql';
import { Sql, num } from './sql';

interface Figure {
  count: number;
  amount: Money[];
}

export interface TeamDashboardRow {
  team: { id: string; name: string };
  invoicingTarget: Money | null;
  openPipeline: Figure;
  wonThisMonth: Figure;
  /** Won this month / invoicing target (0…n), when the won revenue converts into the target's currency. */
  targetProgress: number | null;
  quotations: Figure;
  ordersThisMonth: Figure;
  overdueActivities: number;
  unassignedLeads: number;
}

type Row = Record<string, unknown>;

/** ReportFilter fields the dashboard cannot take: its periods (this month, open now) are fixed. */
const FIXED_BY_THE_DASHBOARD = ['from', 'to', 'dateField', 'statuses'] as const;

/**
 * The dashboard's filter: branch, pipeline, salesperson, stage, tag, type and teams narrow the
 * opportunity figures; the periods are the dashboard's own (BAD_USER_INPUT on filter.<field>).
 */
export function parseDashboardFilter(input: ReportFilterInput | null | undefined): ReportFilter {
  for (const field of FIXED_BY_THE_DASHBOARD) {
    if (input?.[field] != null) throw badInput(`filter.${field}`, 'the team dashboard has fixed periods (open now, this month)');
  }
  if (input?.includeArchived) throw badInput('filter.includeArchived', 'the team dashboard counts live records only');
  return { ...parseReportFilter(input), includeArchived: true };
}

/**
 * The sales teams' live dashboard (what a team manager reads instead of assembling a report):
 * per team, open pipeline, won this month against the invoicing target, open quotations,
 * orders this month, overdue activities, unassigned leads. "This month" and "overdue" are in
 * the caller's time zone; every figure is within the caller's record scope.
 */
export class TeamDashboardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async teamDashboard(user: AuthUser, args: { teamIds?: string[] | null; filter?: ReportFilterInput | null }) {
    if (args.teamIds?.some((id) => !isUuid(id))) throw badInput('teamIds', 'not an id');
    const filter = parseDashboardFilter(args.filter);
    const teams: { id: string; name: string; invoicing_target: string | null; currency: string | null; member_ids: string[] }[] =
      await this.dataSource.query(
        `SELECT id, name, invoicing_target::text, currency, member_ids FROM reporting.team_rm
         WHERE active AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
           AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
         ORDER BY name, id`,
        [args.teamIds ?? null, user.role === 'admin' || user.role === 'user_all' ? null : user.teamIds, filter.teamIds],
      );
    const ids = teams.map((t) => t.id);
    const now = this.clock.now();
    const [pipeline, won, progress, quotations, orders, overdue, unassigned, newest] = await Promise.all([
      this.opportunities(user, ids, filter, `o.type = 'opportunity' AND o.status = 'open' AND o.active`),
      this.opportunities(user, ids, filter, `o.status = 'won' AND o.date_closed >= date_trunc('month', $NOW AT TIME ZONE $TZ) AT TIME ZONE $TZ`, now),
      this.progress(user, ids, filter, now),
      this.quotations(user, ids, filter, `q.state IN ('draft', 'sent')`),
      this.quotations(user, ids, filter, `q.state = 'sale' AND q.order_date >= date_trunc('month', $NOW AT TIME ZONE $TZ) AT TIME ZONE $TZ`, now),
      this.overdueActivities(user, ids, now),
      this.counts(user, ids, filter, `o.type = 'lead' AND o.status = 'open' AND o.active AND o.salesperson_id IS NULL`),
      // targetProgress converts with the exchange rates
      newestEventAt(this.dataSource, [TOPICS.pipelineOpportunity, TOPICS.pipelineTeam, TOPICS.salesQuotation, TOPICS.activitiesActivity, TOPICS.pipelineCurrencyRate]),
    ]);
    const rows: TeamDashboardRow[] = teams.map((t) => ({
      team: { id: t.id, name: t.name },
      invoicingTarget: t.invoicing_target !== null ? { amount: t.invoicing_target, currency: t.currency ?? 'IDR' } : null,
      openPipeline: pipeline.get(t.id) ?? { count: 0, amount: [] },
      wonThisMonth: won.get(t.id) ?? { count: 0, amount: [] },
      targetProgress: progress.get(t.id) ?? null,
      quotations: quotations.get(t.id) ?? { count: 0, amount: [] },
      ordersThisMonth: orders.get(t.id) ?? { count: 0, amount: [] },
      overdueActivities: overdue.get(t.id) ?? 0,
      unassignedLeads: unassigned.get(t.id) ?? 0,
    }));
    return { teams: rows, newestEventAt: newest };
  }

  /** Replaces $NOW / $TZ in a condition with parameters. */
  private bind(sql: Sql, condition: string, user: AuthUser, now?: Date): string {
    let out = condition;
    if (out.includes('$NOW')) out = out.replaceAll('$NOW', sql.p(now!.toISOString(), 'timestamptz'));
    if (out.includes('$TZ')) out = out.replaceAll('$TZ', sql.p(user.tz, 'text'));
    return out;
  }

  private figures(rows: Row[]): Map<string, Figure> {
    const map = new Map<string, Figure>();
    for (const r of rows) {
      const id = String(r['team_id']);
      const entry = map.get(id) ?? { count: 0, amount: [] };
      entry.count += num(r['n']);
      entry.amount.push({ amount: String(r['amount']), currency: String(r['currency']) });
      map.set(id, entry);
    }
    return map;
  }

  private async opportunities(user: AuthUser, ids: string[], filter: ReportFilter, condition: string, now?: Date): Promise<Map<string, Figure>> {
    const sql = new Sql();
    const cond = this.bind(sql, condition, user, now);
    const rows = await this.dataSource.query(
      `SELECT o.team_id, o.currency, count(*)::int AS n, sum(o.expected_revenue)::text AS amount
       FROM reporting.opportunity_rm o
       WHERE o.team_id = ANY(${sql.p(ids, 'uuid[]')}) AND ${cond} AND ${opportunityWhere(sql, filter, user, user.tz).join(' AND ')}
       GROUP BY o.team_id, o.currency ORDER BY o.team_id, o.currency`,
      sql.params,
    );
    return this.figures(rows);
  }

  private async counts(user: AuthUser, ids: string[], filter: ReportFilter, condition: string): Promise<Map<string, number>> {
    const sql = new Sql();
    const rows: Row[] = await this.dataSource.query(
      `SELECT o.team_id, count(*)::int AS n FROM reporting.opportunity_rm o
       WHERE o.team_id = ANY(${sql.p(ids, 'uuid[]')}) AND ${condition} AND ${opportunityWhere(sql, filter, user, user.tz).join(' AND ')}
       GROUP BY o.team_id`,
      sql.params,
    );
    return new Map(rows.map((r) => [String(r['team_id']), num(r['n'])]));
  }

  /** Won this month in the target's currency (converted with the rate table) / target; null when a rate is missing. */
  private async progress(user: AuthUser, ids: string[], filter: ReportFilter, now: Date): Promise<Map<string, number | null>> {
    const sql = new Sql();
    const since = this.bind(sql, `date_trunc('month', $NOW AT TIME ZONE $TZ) AT TIME ZONE $TZ`, user, now);
    const rows: Row[] = await this.dataSource.query(
      `SELECT t.id AS team_id,
         CASE WHEN bool_or(o.currency <> t.currency AND (r.rate IS NULL OR tr.rate IS NULL)) THEN NULL
              ELSE (COALESCE(sum(CASE WHEN o.currency = t.currency THEN o.expected_revenue ELSE o.expected_revenue * r.rate / tr.rate END), 0) / t.invoicing_target)::float8
         END AS progress
       FROM reporting.team_rm t
       LEFT JOIN reporting.opportunity_rm o ON o.team_id = t.id AND o.status = 'won'
         AND o.date_closed >= ${since} AND ${opportunityWhere(sql, filter, user, user.tz).join(' AND ')}
       LEFT JOIN reporting.currency_rate r ON r.currency = o.currency
       LEFT JOIN reporting.currency_rate tr ON tr.currency = t.currency
       WHERE t.id = ANY(${sql.p(ids, 'uuid[]')}) AND t.invoicing_target > 0
       GROUP BY t.id, t.currency, t.invoicing_target`,
      sql.params,
    );
    return new Map(rows.map((r) => [String(r['team_id']), r['progress'] === null ? null : Math.round(Number(r['progress']) * 10_000) / 10_000]));
  }

  /**
   * Quotations and orders: branch and salesperson are the document's own; pipeline, stage, tag and
   * type are those of the lead/opportunity it was made from (documents without one do not pass).
   */
  private async quotations(user: AuthUser, ids: string[], filter: ReportFilter, condition: string, now?: Date): Promise<Map<string, Figure>> {
    const sql = new Sql();
    const cond = this.bind(sql, condition, user, now);
    const own: string[] = [];
    if (filter.salespersonIds) own.push(`q.salesperson_id = ANY(${sql.p(filter.salespersonIds, 'uuid[]')})`);
    if (filter.branchIds) own.push(`q.branch_id = ANY(${sql.p(filter.branchIds, 'text[]')})`);
    const linked: string[] = [];
    if (filter.pipelineIds) linked.push(`qo.pipeline_id = ANY(${sql.p(filter.pipelineIds, 'uuid[]')})`);
    if (filter.stageIds) linked.push(`qo.stage_id = ANY(${sql.p(filter.stageIds, 'uuid[]')})`);
    if (filter.tagIds) linked.push(`qo.tag_ids && ${sql.p(filter.tagIds, 'text[]')}`);
    if (filter.type) linked.push(`qo.type = ${sql.p(filter.type)}`);
    if (linked.length) {
      own.push(`EXISTS (SELECT 1 FROM reporting.opportunity_rm qo WHERE qo.id = q.opportunity_id AND NOT qo.deleted AND ${linked.join(' AND ')})`);
    }
    const narrowed = own.map((c) => ` AND ${c}`).join('');
    const rows = await this.dataSource.query(
      `SELECT q.team_id, q.currency, count(*)::int AS n, sum(q.amount_untaxed)::text AS amount
       FROM reporting.quotation_rm q
       WHERE q.team_id = ANY(${sql.p(ids, 'uuid[]')}) AND ${cond}${narrowed}
         AND ${sql.scope(user, { owner: 'q.salesperson_id', team: 'q.team_id', branch: 'q.branch_id' })}
       GROUP BY q.team_id, q.currency ORDER BY q.team_id, q.currency`,
      sql.params,
    );
    return this.figures(rows);
  }

  /**
   * Open activities due before today (caller's time zone) on the team's opportunities, or,
   * for activities on other records, assigned to one of the team's members — those the
   * caller may see by the activities' rule (ACTIVITY_SCOPE).
   */
  private async overdueActivities(user: AuthUser, ids: string[], now: Date): Promise<Map<string, number>> {
    const sql = new Sql();
    const today = `(${sql.p(now.toISOString(), 'timestamptz')} AT TIME ZONE ${sql.p(user.tz, 'text')})::date`;
    const rows: Row[] = await this.dataSource.query(
      `SELECT t.id AS team_id, count(a.id)::int AS n
       FROM reporting.team_rm t
       JOIN reporting.activity_rm a ON a.status = 'open' AND a.due_date < ${today}
       LEFT JOIN reporting.opportunity_rm o ON o.id = a.opportunity_id
       WHERE t.id = ANY(${sql.p(ids, 'uuid[]')})
         AND (o.team_id = t.id OR (o.id IS NULL AND a.assignee_id = ANY(t.member_ids)))
         AND ${sql.scopeOrAssigned(user, ACTIVITY_SCOPE)}
       GROUP BY t.id`,
      sql.params,
    );
    return new Map(rows.map((r) => [String(r['team_id']), num(r['n'])]));
  }
}
