import type { AuthUser } from '@crm/auth';
import type { ReportFilter } from '../domain/report-filter';
import type { CubeColumn, CubeLevel } from '../projections/cube';
import { dayEnd, dayStart, type Sql } from './sql';

/** Columns of opportunity_rm that carry owner, team and branch (the pipeline's record rules). */
export const OPPORTUNITY_SCOPE = { owner: 'o.salesperson_id', team: 'o.team_id', branch: 'o.branch_id' };

/**
 * WHERE clauses of a report over opportunity_rm `o`: live records (not deleted, not merged),
 * archived-while-open records only on request, the filter, and the caller's record scope.
 */
export function opportunityWhere(sql: Sql, filter: ReportFilter, user: AuthUser, tz: string, alias = 'o'): string[] {
  const o = alias;
  const where = [`NOT ${o}.deleted`, `${o}.merged_into IS NULL`];
  if (!filter.includeArchived) where.push(`(${o}.active OR ${o}.status <> 'open')`);
  const dateColumn = filter.dateField === 'CLOSED' ? `${o}.date_closed` : filter.dateField === 'EXPECTED_CLOSING' ? null : `${o}.created_at`;
  if (dateColumn) {
    if (filter.from) where.push(`${dateColumn} >= ${dayStart(sql, filter.from, tz)}`);
    if (filter.to) where.push(`${dateColumn} < ${dayEnd(sql, filter.to, tz)}`);
  } else {
    if (filter.from) where.push(`${o}.expected_closing >= ${sql.p(filter.from, 'date')}`);
    if (filter.to) where.push(`${o}.expected_closing <= ${sql.p(filter.to, 'date')}`);
  }
  if (filter.teamIds) where.push(`${o}.team_id = ANY(${sql.p(filter.teamIds, 'uuid[]')})`);
  if (filter.pipelineIds) where.push(`${o}.pipeline_id = ANY(${sql.p(filter.pipelineIds, 'uuid[]')})`);
  if (filter.salespersonIds) where.push(`${o}.salesperson_id = ANY(${sql.p(filter.salespersonIds, 'uuid[]')})`);
  if (filter.branchIds) where.push(`${o}.branch_id = ANY(${sql.p(filter.branchIds, 'text[]')})`);
  if (filter.stageIds) where.push(`${o}.stage_id = ANY(${sql.p(filter.stageIds, 'uuid[]')})`);
  if (filter.tagIds) where.push(`${o}.tag_ids && ${sql.p(filter.tagIds, 'text[]')}`);
  if (filter.type) where.push(`${o}.type = ${sql.p(filter.type)}`);
  if (filter.statuses) where.push(`${o}.status = ANY(${sql.p(filter.statuses, 'text[]')})`);
  where.push(sql.scope(user, alias === 'o' ? OPPORTUNITY_SCOPE : { owner: `${o}.salesperson_id`, team: `${o}.team_id`, branch: `${o}.branch_id` }));
  return where;
}

/** The cube columns a filter needs. */
export function filterCubeColumns(filter: ReportFilter): CubeColumn[] {
  const columns: CubeColumn[] = [];
  if (!filter.includeArchived) columns.push('active', 'status');
  if (filter.from || filter.to) columns.push('created_month');
  if (filter.teamIds) columns.push('team_id');
  if (filter.pipelineIds) columns.push('pipeline_id');
  if (filter.salespersonIds) columns.push('salesperson_id');
  if (filter.branchIds) columns.push('branch_id');
  if (filter.stageIds) columns.push('stage_id');
  if (filter.type) columns.push('type');
  if (filter.statuses) columns.push('status');
  return columns;
}

/** The cube columns the caller's record scope needs (see scopePredicate). */
export function scopeCubeColumns(user: AuthUser): CubeColumn[] {
  const columns: CubeColumn[] = [];
  if (user.role === 'user_own' || user.role === 'user_team') columns.push('salesperson_id', 'team_id');
  if (user.branchIds.length > 0) columns.push('branch_id');
  return columns;
}

/** The same over a cube grain `c` (month-aligned creation ranges only; see canUseCube). */
export function cubeWhere(sql: Sql, filter: ReportFilter, user: AuthUser, level: CubeLevel): string[] {
  const where: string[] = [];
  if (!filter.includeArchived) where.push(`(c.active OR c.status <> 'open')`);
  if (filter.from) where.push(`c.created_month >= ${sql.p(filter.from, 'date')}`);
  if (filter.to) where.push(`c.created_month <= ${sql.p(filter.to, 'date')}`);
  if (filter.teamIds) where.push(`c.team_id = ANY(${sql.p(filter.teamIds, 'uuid[]')})`);
  if (filter.pipelineIds) where.push(`c.pipeline_id = ANY(${sql.p(filter.pipelineIds, 'uuid[]')})`);
  if (filter.salespersonIds) where.push(`c.salesperson_id = ANY(${sql.p(filter.salespersonIds, 'uuid[]')})`);
  if (filter.branchIds) where.push(`c.branch_id = ANY(${sql.p(filter.branchIds, 'text[]')})`);
  if (filter.stageIds) where.push(`c.stage_id = ANY(${sql.p(filter.stageIds, 'uuid[]')})`);
  if (filter.type) where.push(`c.type = ${sql.p(filter.type)}`);
  if (filter.statuses) where.push(`c.status = ANY(${sql.p(filter.statuses, 'text[]')})`);
  const has = (column: CubeColumn) => (level.keys.includes(column) ? `c.${column}` : undefined);
  where.push(sql.scope(user, { owner: has('salesperson_id'), team: has('team_id'), branch: has('branch_id') }));
  return where;
}
