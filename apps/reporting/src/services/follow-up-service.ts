import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { TOPICS } from '@crm/events';
import { NOT_FOLLOWED_UP, NO_REASON, normalizeStatus, statusMatchSql, type FollowUpConfig } from '../domain/follow-up-config';
import { checkRange, parseReportFilter } from '../domain/report-filter';
import type { FollowUpConfigService } from './follow-up-config-service';
import { newestEventAt } from './freshness';
import { loadLabels } from './labels';
import { OPPORTUNITY_SCOPE } from './opportunity-sql';
import { dayEnd, dayStart, Sql, num } from './sql';

export interface FollowUpFilterInput {
  from?: string | null;
  to?: string | null;
  branchIds?: string[] | null;
  type?: 'LEAD' | 'OPPORTUNITY' | null;
  teamIds?: string[] | null;
  pipelineIds?: string[] | null;
  salespersonIds?: string[] | null;
  /** The stage the lead/opportunity is in now. */
  stageIds?: string[] | null;
  /** Records carrying any of these tags. */
  tagIds?: string[] | null;
}

export interface FollowUpFigures {
  leads: number;
  customerStatuses: { status: string; count: number }[];
  reached: number;
  followUps: { step: string; count: number }[];
  cameForService: number;
  notCameForService: number;
  notCameReasons: { reason: string; count: number }[];
}

type Row = Record<string, unknown>;

/**
 * The dealer's weekly follow-up monitoring (seed 002): per branch and week of the leads'
 * creation, how many leads, how many customers were reached by status (Terhubung / Tidak
 * terhubung / Rejected), how many got each follow-up step, who came for service (a posted
 * booking or a work order) and who did not, with the reasons.
 */
export class FollowUpService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly configs: FollowUpConfigService,
  ) {}

  private leadsCte(sql: Sql, user: AuthUser, config: FollowUpConfig, filter: FollowUpFilterInput, range: { from: string | null; to: string | null }): string {
    const tz = user.tz;
    const where = ['NOT o.deleted', 'o.merged_into IS NULL'];
    if (range.from) where.push(`o.created_at >= ${dayStart(sql, range.from, tz)}`);
    if (range.to) where.push(`o.created_at < ${dayEnd(sql, range.to, tz)}`);
    if (filter.branchIds?.length) where.push(`o.branch_id = ANY(${sql.p(filter.branchIds, 'text[]')})`);
    if (filter.teamIds?.length) where.push(`o.team_id = ANY(${sql.p(filter.teamIds, 'uuid[]')})`);
    if (filter.type) where.push(`o.type = ${sql.p(filter.type.toLowerCase())}`);
    if (filter.pipelineIds?.length) where.push(`o.pipeline_id = ANY(${sql.p(filter.pipelineIds, 'uuid[]')})`);
    if (filter.salespersonIds?.length) where.push(`o.salesperson_id = ANY(${sql.p(filter.salespersonIds, 'uuid[]')})`);
    if (filter.stageIds?.length) where.push(`o.stage_id = ANY(${sql.p(filter.stageIds, 'uuid[]')})`);
    if (filter.tagIds?.length) where.push(`o.tag_ids && ${sql.p(filter.tagIds, 'text[]')}`);
    where.push(sql.scope(user, OPPORTUNITY_SCOPE));
    const steps = config.steps.map((s) => {
      const parts: string[] = [];
      if (s.dateKey) parts.push(`NULLIF(btrim(o.properties ->> ${sql.p(s.dateKey, 'text')}), '') IS NOT NULL`);
      if (s.stageName) {
        parts.push(
          `EXISTS (SELECT 1 FROM reporting.opportunity_history h WHERE h.opportunity_id = o.id AND lower(h.stage_name) = lower(${sql.p(s.stageName, 'text')}))`,
        );
      }
      return `(${parts.join(' OR ')})`;
    });
    return `leads AS (
      SELECT o.id, o.branch_id, date_trunc('week', o.created_at AT TIME ZONE ${sql.p(tz, 'text')})::date AS week_start,
        NULLIF(btrim(o.properties ->> ${sql.p(config.customerStatusKey, 'text')}), '') AS cstatus_raw,
        ${statusMatchSql(`o.properties ->> ${sql.p(config.customerStatusKey, 'text')}`)} AS cstatus,
        NULLIF(btrim(o.properties ->> ${sql.p(config.notServicedReasonKey, 'text')}), '') AS reason,
        NULLIF(btrim(o.lost_reason_name), '') AS lost_reason,
        ARRAY[${steps.join(', ')}]::boolean[] AS steps,
        EXISTS (SELECT 1 FROM reporting.booking_rm b WHERE b.opportunity_id = o.id AND b.state IN ('posted', 'work_order_created')) AS came
      FROM reporting.opportunity_rm o WHERE ${where.join(' AND ')})`;
  }

  async followUpMonitoring(user: AuthUser, args: { filter?: FollowUpFilterInput | null }) {
    const input = args.filter ?? {};
    const range = checkRange(input.from, input.to, 'filter');
    // ids checked (BAD_USER_INPUT on filter.<field>) and lists de-duplicated as every report filter's
    const parsed = parseReportFilter({
      teamIds: input.teamIds,
      pipelineIds: input.pipelineIds,
      salespersonIds: input.salespersonIds,
      stageIds: input.stageIds,
      tagIds: input.tagIds,
      branchIds: input.branchIds,
    });
    const filter: FollowUpFilterInput = {
      ...input,
      teamIds: parsed.teamIds,
      pipelineIds: parsed.pipelineIds,
      salespersonIds: parsed.salespersonIds,
      stageIds: parsed.stageIds,
      tagIds: parsed.tagIds,
      branchIds: parsed.branchIds,
    };
    const config = await this.configs.get();
    const lowerStatuses = config.customerStatuses.map(normalizeStatus);
    const lowerReached = config.reachedStatuses.map(normalizeStatus);

    const counts = new Sql();
    const cteA = this.leadsCte(counts, user, config, filter, range);
    const statusCols = lowerStatuses.map((s, i) => `count(*) FILTER (WHERE cstatus = ${counts.p(s, 'text')})::int AS st_${i}`);
    const stepCols = config.steps.map((_, i) => `count(*) FILTER (WHERE steps[${i + 1}])::int AS step_${i}`);
    const countRows: Row[] = await this.dataSource.query(
      `WITH ${cteA}
       SELECT branch_id, week_start::text AS week_start, GROUPING(branch_id, week_start) AS g, count(*)::int AS leads,
         ${[...statusCols, ...stepCols].join(', ')},
         count(*) FILTER (WHERE cstatus IS NULL OR NOT cstatus = ANY(${counts.p(lowerStatuses, 'text[]')}))::int AS st_other,
         count(*) FILTER (WHERE cstatus = ANY(${counts.p(lowerReached, 'text[]')}))::int AS reached,
         count(*) FILTER (WHERE came)::int AS came
       FROM leads GROUP BY GROUPING SETS ((branch_id, week_start), ())`,
      counts.params,
    );

    const reasons = new Sql();
    const cteB = this.leadsCte(reasons, user, config, filter, range);
    const reasonRows: Row[] = await this.dataSource.query(
      `WITH ${cteB}
       SELECT branch_id, week_start::text AS week_start, GROUPING(branch_id, week_start) AS g, reason_text, count(*)::int AS n FROM (
         SELECT branch_id, week_start, COALESCE(
           reason,
           lost_reason,
           CASE WHEN cstatus IS NOT NULL AND NOT cstatus = ANY(${reasons.p(lowerReached, 'text[]')})
             THEN COALESCE((SELECT s FROM unnest(${reasons.p(config.customerStatuses, 'text[]')}) s WHERE ${statusMatchSql('s')} = cstatus LIMIT 1), cstatus_raw) END,
           CASE WHEN NOT (true = ANY(steps)) THEN ${reasons.p(NOT_FOLLOWED_UP, 'text')} END,
           ${reasons.p(NO_REASON, 'text')}) AS reason_text
         FROM leads WHERE NOT came) x
       GROUP BY GROUPING SETS ((branch_id, week_start, reason_text), (reason_text))`,
      reasons.params,
    );

    const reasonsOf = (branch: string | null, week: string | null, total: boolean) =>
      reasonRows
        .filter((r) => (total ? Number(r['g']) !== 0 : Number(r['g']) === 0 && r['branch_id'] === branch && r['week_start'] === week))
        .map((r) => ({ reason: String(r['reason_text']), count: num(r['n']) }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    const figures = (r: Row, total: boolean): FollowUpFigures => ({
      leads: num(r['leads']),
      customerStatuses: [
        ...config.customerStatuses.map((status, i) => ({ status, count: num(r[`st_${i}`]) })),
        { status: 'Not set', count: num(r['st_other']) },
      ],
      reached: num(r['reached']),
      followUps: config.steps.map((s, i) => ({ step: s.name, count: num(r[`step_${i}`]) })),
      cameForService: num(r['came']),
      notCameForService: num(r['leads']) - num(r['came']),
      notCameReasons: reasonsOf((r['branch_id'] as string | null) ?? null, (r['week_start'] as string | null) ?? null, total),
    });
    const groups = countRows.filter((r) => Number(r['g']) === 0);
    const labels = await loadLabels(
      this.dataSource,
      groups.filter((r) => r['branch_id']).map((r) => ({ kind: 'branch' as const, id: String(r['branch_id']) })),
    );
    const rows = groups
      .map((r) => {
        const branchId = (r['branch_id'] as string | null) ?? null;
        const weekStart = String(r['week_start']);
        return {
          branch: { dimension: 'branch', value: branchId, label: branchId === null ? 'None' : (labels.get(`branch:${branchId}`)?.name ?? branchId) },
          weekStart,
          week: isoWeek(weekStart),
          figures: figures(r, false),
        };
      })
      .sort((a, b) => (a.branch.value ?? '\uffff').localeCompare(b.branch.value ?? '\uffff') || a.weekStart.localeCompare(b.weekStart));
    const totalRow = countRows.find((r) => Number(r['g']) !== 0);
    const empty: FollowUpFigures = {
      leads: 0,
      customerStatuses: [...config.customerStatuses, 'Not set'].map((status) => ({ status, count: 0 })),
      reached: 0,
      followUps: config.steps.map((s) => ({ step: s.name, count: 0 })),
      cameForService: 0,
      notCameForService: 0,
      notCameReasons: [],
    };
    return {
      rows,
      total: totalRow ? figures(totalRow, true) : empty,
      config,
      newestEventAt: await newestEventAt(this.dataSource, [TOPICS.pipelineOpportunity, TOPICS.salesBooking, TOPICS.contactsBranch]),
    };
  }
}

/** ISO week label of the Monday a week starts on: 2020-07-06 → 2020-W28. */
export function isoWeek(monday: string): string {
  const d = new Date(`${monday}T00:00:00Z`);
  const thursday = new Date(d.getTime() + 3 * 86400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
