import type { DataSource } from 'typeorm';
import { requireAdmin, normalizeBranchCode } from '@crm/auth';
import { badInput, parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { BaseContext } from '@crm/service';

export interface DeniedAttemptRecord {
  id: string;
  occurredAt: Date;
  service: string;
  code: string;
  message: string;
  reason: string | null;
  userId: string | null;
  role: string | null;
  branchIds: string[];
  operationType: string | null;
  operationName: string | null;
  path: string | null;
  clientIp: string | null;
  requestId: string | null;
  attemptedLogin: string | null;
  suppressed: number;
}

export interface DeniedAttemptFilter {
  userId?: string | null;
  code?: string | null;
  service?: string | null;
  branchId?: string | null;
  attemptedLogin?: string | null;
  since?: Date | string | null;
  until?: Date | string | null;
}

const COLUMNS = `d.id, d.occurred_at AS "occurredAt", d.service, d.code, d.message, d.reason, d.user_id AS "userId", d.role,
  d.branch_ids AS "branchIds", d.operation_type AS "operationType", d.operation_name AS "operationName", d.path,
  d.client_ip AS "clientIp", d.request_id AS "requestId", d.attempted_login AS "attemptedLogin", d.suppressed`;

function toDate(value: Date | string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(field, `"${String(value)}" is not a date-time`);
  return date;
}

/**
 * The administrators' log of refused requests, newest first. An administrator of some branches
 * sees the refusals of users of those branches only (never anonymous ones); head office sees all.
 */
export class UserDeniedAttemptService {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: DeniedAttemptFilter, args: PageArgs, ctx: BaseContext): Promise<Connection<DeniedAttemptRecord>> {
    const admin = requireAdmin(ctx);
    const page = parsePage(args);
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (admin.branchIds.length > 0) where.push(`d.branch_ids && ${param(admin.branchIds)}::text[]`);
    if (filter.userId) {
      if (!isUuid(filter.userId)) throw badInput('filter.userId', `"${filter.userId}" is not a user id`);
      where.push(`d.user_id = ${param(filter.userId)}::uuid`);
    }
    if (filter.code) where.push(`d.code = ${param(filter.code)}`);
    if (filter.service) where.push(`d.service = ${param(filter.service)}`);
    if (filter.branchId) where.push(`${param(normalizeBranchCode(filter.branchId))} = ANY(d.branch_ids)`);
    if (filter.attemptedLogin) where.push(`d.attempted_login = ${param(filter.attemptedLogin.trim().toLowerCase())}`);
    const since = toDate(filter.since, 'filter.since');
    const until = toDate(filter.until, 'filter.until');
    if (since) where.push(`d.occurred_at >= ${param(since)}`);
    if (until) where.push(`d.occurred_at < ${param(until)}`);
    const countSql = `SELECT count(*)::int AS count FROM contacts.denied_attempt d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const countParams = [...params];
    if (page.after) {
      const [at, id] = page.after;
      if (typeof at !== 'string' || !isUuid(id)) throw badInput('after', 'invalid cursor');
      where.push(`(d.occurred_at, d.id) < (${param(at)}::timestamptz, ${param(id)}::uuid)`);
    }
    const rows: DeniedAttemptRecord[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts.denied_attempt d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.occurred_at DESC, d.id DESC LIMIT ${param(page.limit + 1)}`,
      params,
    );
    return toConnection(rows, page, (row) => [row.occurredAt.toISOString(), row.id], async () => {
      const [{ count }] = await this.dataSource.query(countSql, countParams);
      return count as number;
    });
  }
}
