import { returnedRows, type Row } from './sql-util';
import type { DataSource } from 'typeorm';
import { requireRole, requireUser } from '@crm/auth';
import { stateEvent } from '@crm/events';
import { badInput, notFound, parsePage, staleVersion, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import type { Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { resolveBranch, validateBranchId, type BranchFields, type BranchInput } from '../domain/branch-input';
import type { BranchEntity } from '../entities/branch.entity';
import { SCHEMA } from './contact-service';

const COLUMNS: Record<keyof BranchFields, string> = {
  name: 'name',
  countryCode: 'country_code',
  timeZone: 'time_zone',
  workshopOpensAt: 'workshop_opens_at',
  workshopClosesAt: 'workshop_closes_at',
  defaultPhoneCountry: 'default_phone_country',
  customerCodePrefix: 'customer_code_prefix',
  active: 'active',
};
const KEYS = Object.keys(COLUMNS) as (keyof BranchFields)[];
const SELECT = `id, ${KEYS.map((k) => COLUMNS[k]).join(', ')}, version, created_at, updated_at, created_by, updated_by`;

function rowToBranch(row: Row): BranchEntity {
  const branch = { id: row['id'] } as BranchEntity;
  for (const key of KEYS) (branch as unknown as Row)[key] = row[COLUMNS[key]];
  branch.version = row['version'];
  branch.createdAt = new Date(row['created_at']);
  branch.updatedAt = new Date(row['updated_at']);
  branch.createdBy = row['created_by'];
  branch.updatedBy = row['updated_by'];
  return branch;
}

export function branchState(b: BranchEntity): { id: string } & Record<string, unknown> {
  return {
    id: b.id,
    name: b.name,
    countryCode: b.countryCode,
    timeZone: b.timeZone,
    workshopOpensAt: b.workshopOpensAt,
    workshopClosesAt: b.workshopClosesAt,
    defaultPhoneCountry: b.defaultPhoneCountry,
    customerCodePrefix: b.customerCodePrefix,
    active: b.active,
    version: b.version,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    createdBy: b.createdBy,
    updatedBy: b.updatedBy,
  };
}

/** Branches: administrators create and change them; every change is published on crm.contacts.branch. */
export class BranchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: BranchInput & { id: string }, ctx: BaseContext): Promise<BranchEntity> {
    const user = requireRole(ctx, ['admin']);
    const id = validateBranchId(input.id);
    const fields = resolveBranch(null, input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query(
        `INSERT INTO contacts.branch (id, ${KEYS.map((k) => COLUMNS[k]).join(', ')}, version, created_at, updated_at, created_by, updated_by)
         VALUES ($1, ${KEYS.map((_, i) => `$${i + 2}`).join(', ')}, 1, $${KEYS.length + 2}, $${KEYS.length + 2}, $${KEYS.length + 3}, $${KEYS.length + 3})
         ON CONFLICT (id) DO NOTHING RETURNING ${SELECT}`,
        [id, ...KEYS.map((k) => fields[k]), now, user.id],
      );
      if (inserted.length === 0) throw badInput('id', `branch ${id} exists already`);
      const branch = rowToBranch(inserted[0]);
      await appendToOutbox(manager, SCHEMA, [
        stateEvent({ subgraph: 'contacts', aggregate: 'branch', event: 'created', state: branchState(branch), time: now, traceparent: ctx.traceparent }),
      ]);
      return branch;
    });
  }

  async update(input: BranchInput & { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<BranchEntity> {
    const user = requireRole(ctx, ['admin']);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(`SELECT ${SELECT} FROM contacts.branch WHERE id = $1 FOR UPDATE`, [String(input.id).toUpperCase()]);
      if (rows.length === 0) throw notFound('Branch', input.id);
      const before = rowToBranch(rows[0]);
      if (input.expectedVersion != null && input.expectedVersion !== before.version) {
        throw staleVersion('Branch', before.id, input.expectedVersion, before.version);
      }
      const after = resolveBranch(before, input);
      const changed = KEYS.filter((k) => after[k] !== before[k]);
      if (changed.length === 0) return before;
      const params: unknown[] = [before.id, now, user.id, ...changed.map((k) => after[k])];
      const [row] = returnedRows(await manager.query(
        `UPDATE contacts.branch SET ${changed.map((k, i) => `${COLUMNS[k]} = $${i + 4}`).join(', ')},
           version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $1 RETURNING ${SELECT}`,
        params,
      ));
      const branch = rowToBranch(row);
      const changes = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }]));
      await appendToOutbox(manager, SCHEMA, [
        stateEvent({ subgraph: 'contacts', aggregate: 'branch', event: 'updated', state: branchState(branch), changes, time: now, traceparent: ctx.traceparent }),
      ]);
      return branch;
    });
  }

  async findByIds(ids: readonly string[]): Promise<(BranchEntity | null)[]> {
    const rows = await this.dataSource.query(`SELECT ${SELECT} FROM contacts.branch WHERE id = ANY($1::text[])`, [ids.map((id) => String(id).toUpperCase())]);
    const byId = new Map<string, BranchEntity>(rows.map((r: Row) => [r.id, rowToBranch(r)]));
    return ids.map((id) => byId.get(String(id).toUpperCase()) ?? null);
  }

  /** By code; every signed-in user may read the list (pickers), archived ones on request. */
  async list(args: PageArgs & { includeArchived?: boolean | null }, ctx: BaseContext): Promise<Connection<BranchEntity>> {
    requireUser(ctx);
    const page = parsePage(args);
    const params: unknown[] = [];
    const where: string[] = [];
    if (!args.includeArchived) where.push('active');
    const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
    if (page.after) {
      params.push(String(page.after[0]));
      where.push(`id > $${params.length}`);
    }
    params.push(page.limit + 1);
    const rows = await this.dataSource.query(
      `SELECT ${SELECT} FROM contacts.branch ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows.map(rowToBranch), page, (b) => [b.id], async () => {
      const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM contacts.branch ${countWhere}`);
      return row.n as number;
    });
  }
}
