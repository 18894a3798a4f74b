import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { TOPICS } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { badInput } from '@crm/graphql';
import { parseGroupBy } from '../domain/group-by';
import { checkRange } from '../domain/report-filter';
import type { LabelKind } from '../projections/labels';
import { ACTIVITY_SCOPE } from './activity-sql';
import { newestEventAt } from './freshness';
import { loadLabels } from './labels';
import { dayEnd, dayStart, Sql, num } from './sql';

export const ACTIVITY_DIMENSIONS = ['type', 'user', 'category', 'resourceType', 'team', 'branch', 'day', 'week', 'month'] as const;
export type ActivityDimension = (typeof ACTIVITY_DIMENSIONS)[number];

export interface ActivityFilterInput {
  from?: string | null;
  to?: string | null;
  userIds?: string[] | null;
  typeIds?: string[] | null;
  teamIds?: string[] | null;
  branchIds?: string[] | null;
  resourceTypes?: string[] | null;
  categories?: string[] | null;
  /** The record's (the lead's or opportunity's) pipeline, stage, salesperson, tags and type. */
  pipelineIds?: string[] | null;
  stageIds?: string[] | null;
  salespersonIds?: string[] | null;
  tagIds?: string[] | null;
  recordType?: 'LEAD' | 'OPPORTUNITY' | null;
}

const SPEC: Record<ActivityDimension, { sql: (tz: string) => string; label?: LabelKind; chronological?: boolean }> = {
  type: { sql: () => 'a.type_id::text', label: 'activityType' },
  user: { sql: () => 'COALESCE(a.assignee_id, a.done_by_id)::text', label: 'user' },
  category: { sql: () => 'a.category' },
  resourceType: { sql: () => 'a.resource_type' },
  // The record's team and branch, as the scope sees them: the opportunity's current ones, else
  // the copy the activity's events carry (activities on contacts, bookings …).
  team: { sql: () => `(${ACTIVITY_SCOPE.team})::text`, label: 'team' },
  branch: { sql: () => ACTIVITY_SCOPE.branch, label: 'branch' },
  day: { sql: (tz) => `to_char(a.done_at AT TIME ZONE ${tz}, 'YYYY-MM-DD')`, chronological: true },
  week: { sql: (tz) => `to_char(a.done_at AT TIME ZONE ${tz}, 'IYYY-"W"IW')`, chronological: true },
  month: { sql: (tz) => `to_char(a.done_at AT TIME ZONE ${tz}, 'YYYY-MM')`, chronological: true },
};

const uuids = (v: string[] | null | undefined, field: string) => {
  if (!v) return null;
  const bad = v.find((x) => !isUuid(x));
  if (bad !== undefined) throw badInput(field, `"${bad}" is not an id`);
  return v;
};

/**
 * Done activities (only done ones count, as in Odoo's activity analysis), grouped by type,
 * user, category, resource type, team, branch or period of completion; within the caller's
 * scope by the activities' own rule (ACTIVITY_SCOPE: the record's scope, or assigned to them).
 */
export class ActivityAnalysisService {
  constructor(private readonly dataSource: DataSource) {}

  async activityAnalysis(user: AuthUser, args: { filter?: ActivityFilterInput | null; groupBy?: string[] | null }) {
    const f = args.filter ?? {};
    const range = checkRange(f.from, f.to, 'filter');
    const dims = parseGroupBy(args.groupBy, ACTIVITY_DIMENSIONS, ['type']);
    const sql = new Sql();
    const tz = user.tz;
    const where = [`a.status = 'done'`, 'a.done_at IS NOT NULL'];
    if (range.from) where.push(`a.done_at >= ${dayStart(sql, range.from, tz)}`);
    if (range.to) where.push(`a.done_at < ${dayEnd(sql, range.to, tz)}`);
    const userIds = uuids(f.userIds, 'filter.userIds');
    if (userIds) where.push(`COALESCE(a.assignee_id, a.done_by_id) = ANY(${sql.p(userIds, 'uuid[]')})`);
    const typeIds = uuids(f.typeIds, 'filter.typeIds');
    if (typeIds) where.push(`a.type_id = ANY(${sql.p(typeIds, 'uuid[]')})`);
    const teamIds = uuids(f.teamIds, 'filter.teamIds');
    if (teamIds) where.push(`${ACTIVITY_SCOPE.team} = ANY(${sql.p(teamIds, 'uuid[]')})`);
    if (f.branchIds) where.push(`${ACTIVITY_SCOPE.branch} = ANY(${sql.p(f.branchIds, 'text[]')})`);
    if (f.resourceTypes) where.push(`a.resource_type = ANY(${sql.p(f.resourceTypes, 'text[]')})`);
    if (f.categories) where.push(`a.category = ANY(${sql.p(f.categories, 'text[]')})`);
    // Filters on the record the activity is on: only activities on a lead/opportunity pass them.
    const pipelineIds = uuids(f.pipelineIds, 'filter.pipelineIds');
    if (pipelineIds) where.push(`o.pipeline_id = ANY(${sql.p(pipelineIds, 'uuid[]')})`);
    const stageIds = uuids(f.stageIds, 'filter.stageIds');
    if (stageIds) where.push(`o.stage_id = ANY(${sql.p(stageIds, 'uuid[]')})`);
    const salespersonIds = uuids(f.salespersonIds, 'filter.salespersonIds');
    if (salespersonIds) where.push(`${ACTIVITY_SCOPE.owner} = ANY(${sql.p(salespersonIds, 'uuid[]')})`);
    if (f.tagIds) where.push(`o.tag_ids && ${sql.p(f.tagIds, 'text[]')}`);
    if (f.recordType) where.push(`o.type = ${sql.p(f.recordType === 'LEAD' ? 'lead' : 'opportunity', 'text')}`);
    where.push(sql.scopeOrAssigned(user, ACTIVITY_SCOPE));
    const dimCols = dims.map((d, i) => `${SPEC[d].sql.length > 0 ? SPEC[d].sql(sql.p(tz, 'text')) : SPEC[d].sql('')} AS d${i}`);
    const dNames = dims.map((_, i) => `d${i}`);
    const groupingSets = dims.length ? `GROUPING SETS ((${dNames.join(', ')}), ())` : '()';
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${[...dNames, dims.length ? `GROUPING(${dNames.join(', ')}) AS g` : '1 AS g'].join(', ')},
         count(*)::int AS n,
         count(*) FILTER (WHERE (a.done_at AT TIME ZONE ${sql.p(tz, 'text')})::date <= a.due_date)::int AS on_time,
         (avg((a.done_at AT TIME ZONE ${sql.p(tz, 'text')})::date - a.due_date))::float8 AS delay
       FROM (SELECT a.*, ${dimCols.length ? dimCols.join(', ') : '1 AS dummy'} FROM reporting.activity_rm a
             LEFT JOIN reporting.opportunity_rm o ON o.id = a.opportunity_id
             WHERE ${where.join(' AND ')}) a
       GROUP BY ${groupingSets}`,
      sql.params,
    );
    const measures = (r: Record<string, unknown>) => ({
      count: num(r['n']),
      onTime: num(r['on_time']),
      late: num(r['n']) - num(r['on_time']),
      avgDelayDays: r['delay'] === null ? null : Math.round(Number(r['delay']) * 100) / 100,
    });
    const groupRows = dims.length ? rows.filter((r) => Number(r['g']) === 0) : [];
    const total = rows.find((r) => dims.length === 0 || Number(r['g']) !== 0);
    const wanted: { kind: LabelKind; id: string }[] = [];
    for (const r of groupRows) {
      dims.forEach((d, i) => {
        const v = r[`d${i}`];
        if (SPEC[d].label && typeof v === 'string') wanted.push({ kind: SPEC[d].label!, id: v });
      });
    }
    const labels = await loadLabels(this.dataSource, wanted);
    const result = groupRows
      .map((r) => ({
        keys: dims.map((d, i) => {
          const value = (r[`d${i}`] as string | null) ?? null;
          const label = value === null ? 'None' : ((SPEC[d].label ? labels.get(`${SPEC[d].label}:${value}`)?.name : undefined) ?? value);
          return { dimension: d, value, label };
        }),
        measures: measures(r),
      }))
      .sort((a, b) => {
        for (let i = 0; i < dims.length; i += 1) {
          const ka = a.keys[i]!;
          const kb = b.keys[i]!;
          if (ka.value === null || kb.value === null) {
            if (ka.value !== kb.value) return ka.value === null ? 1 : -1;
            continue;
          }
          const c = SPEC[dims[i]!].chronological ? ka.value.localeCompare(kb.value) : ka.label.localeCompare(kb.label) || ka.value.localeCompare(kb.value);
          if (c !== 0) return c;
        }
        return 0;
      });
    return {
      groupBy: dims,
      rows: result,
      total: total ? measures(total) : { count: 0, onTime: 0, late: 0, avgDelayDays: null },
      newestEventAt: await newestEventAt(this.dataSource, [TOPICS.activitiesActivity, TOPICS.pipelineOpportunity]),
    };
  }
}
