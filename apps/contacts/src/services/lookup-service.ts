import { returnedRows } from './sql-util';
import type { DataSource } from 'typeorm';
import { requireRole, requireUser } from '@crm/auth';
import { badInput, notFound, parsePage, staleVersion, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';

/** A tag or an occupation: a named, configurable entry (administrators edit them). */
export interface LookupRecord {
  id: string;
  name: string;
  color?: string;
  sequence?: number;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

interface LookupSpec {
  table: 'tag' | 'occupation';
  entity: string;
  /** Extra column besides name/active: tag color or occupation sequence. */
  extra: 'color' | 'sequence';
  defaultExtra: string | number;
  validateExtra(value: unknown): string | number;
  order: string;
}

export const TAG_SPEC: LookupSpec = {
  table: 'tag',
  entity: 'Tag',
  extra: 'color',
  defaultExtra: '#9e9e9e',
  validateExtra(value) {
    const color = String(value).trim().toLowerCase();
    if (!/^#[0-9a-f]{6}$/.test(color)) throw badInput('color', `"${String(value)}" is not a colour #rrggbb`);
    return color;
  },
  order: 'lower(name), id',
};

export const OCCUPATION_SPEC: LookupSpec = {
  table: 'occupation',
  entity: 'Occupation',
  extra: 'sequence',
  defaultExtra: 100,
  validateExtra(value) {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 1_000_000) throw badInput('sequence', 'sequence must be an integer 0…1000000');
    return value as number;
  },
  order: 'sequence, id',
};

function validName(raw: unknown): string {
  const name = String(raw ?? '').trim();
  if (name === '' || name.length > 100) throw badInput('name', 'a name of 1–100 characters is required');
  return name;
}

/** Tags and occupations: the same small service over two tables. */
export class LookupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly spec: LookupSpec,
  ) {}

  private get select(): string {
    return `id, name, ${this.spec.extra}, active, version,
      created_at AS "createdAt", updated_at AS "updatedAt", created_by AS "createdBy", updated_by AS "updatedBy"`;
  }

  async create(input: { name: string; color?: string | null; sequence?: number | null }, ctx: BaseContext): Promise<LookupRecord> {
    const user = requireRole(ctx, ['admin']);
    const name = validName(input.name);
    const rawExtra = input[this.spec.extra];
    const extra = rawExtra === undefined || rawExtra === null ? this.spec.defaultExtra : this.spec.validateExtra(rawExtra);
    const now = this.clock.now();
    const rows = await this.dataSource.query(
      `INSERT INTO contacts.${this.spec.table} (id, name, ${this.spec.extra}, created_at, updated_at, created_by, updated_by)
       SELECT $1, $2, $3, $4, $4, $5, $5 WHERE NOT EXISTS (SELECT 1 FROM contacts.${this.spec.table} WHERE lower(name) = lower($2))
       ON CONFLICT DO NOTHING RETURNING ${this.select}`,
      [uuidv7(now.getTime()), name, extra, now, user.id],
    );
    if (rows.length === 0) throw badInput('name', `${this.spec.entity} "${name}" exists already`);
    return rows[0];
  }

  async update(
    input: { id: string; expectedVersion?: number | null; name?: string | null; color?: string | null; sequence?: number | null; active?: boolean | null },
    ctx: BaseContext,
  ): Promise<LookupRecord> {
    const user = requireRole(ctx, ['admin']);
    if (!isUuid(input.id)) throw notFound(this.spec.entity, input.id);
    return this.dataSource.transaction(async (manager) => {
      const [before] = await manager.query(`SELECT ${this.select} FROM contacts.${this.spec.table} WHERE id = $1 FOR UPDATE`, [input.id]);
      if (!before) throw notFound(this.spec.entity, input.id);
      if (input.expectedVersion != null && input.expectedVersion !== before.version) {
        throw staleVersion(this.spec.entity, input.id, input.expectedVersion, before.version);
      }
      const name = input.name === undefined || input.name === null ? before.name : validName(input.name);
      const rawExtra = input[this.spec.extra];
      const extra = rawExtra === undefined || rawExtra === null ? before[this.spec.extra] : this.spec.validateExtra(rawExtra);
      const active = input.active ?? before.active;
      if (name === before.name && extra === before[this.spec.extra] && active === before.active) return before;
      const clash = await manager.query(`SELECT 1 FROM contacts.${this.spec.table} WHERE lower(name) = lower($1) AND id <> $2`, [name, input.id]);
      if (clash.length > 0) throw badInput('name', `${this.spec.entity} "${name}" exists already`);
      const [row] = returnedRows(await manager.query(
        `UPDATE contacts.${this.spec.table} SET name = $2, ${this.spec.extra} = $3, active = $4, version = version + 1,
           updated_at = $5, updated_by = $6 WHERE id = $1 RETURNING ${this.select}`,
        [input.id, name, extra, active, this.clock.now(), user.id],
      ));
      return row;
    });
  }

  async findByIds(ids: readonly string[]): Promise<(LookupRecord | null)[]> {
    const valid = ids.filter((id) => isUuid(id));
    const rows: LookupRecord[] = valid.length
      ? await this.dataSource.query(`SELECT ${this.select} FROM contacts.${this.spec.table} WHERE id = ANY($1::uuid[])`, [valid])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** In list order (tags by name, occupations by sequence), keyset on that order. */
  async list(args: PageArgs & { includeArchived?: boolean | null }, ctx: BaseContext): Promise<Connection<LookupRecord>> {
    requireUser(ctx);
    const page = parsePage(args);
    const keyExpr = this.spec.table === 'tag' ? 'lower(name)' : 'sequence';
    const keyCast = this.spec.table === 'tag' ? 'text' : 'integer';
    const where: string[] = args.includeArchived ? [] : ['active'];
    const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const params: unknown[] = [];
    if (page.after) {
      if (page.after.length !== 2 || !isUuid(page.after[1])) throw badInput('after', 'invalid cursor');
      params.push(page.after[0], page.after[1]);
      where.push(`(${keyExpr}, id) > ($1::${keyCast}, $2::uuid)`);
    }
    params.push(page.limit + 1);
    const rows: (LookupRecord & { sort_key: string })[] = await this.dataSource.query(
      `SELECT ${this.select}, (${keyExpr})::text AS sort_key FROM contacts.${this.spec.table}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${this.spec.order} LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows, page, (r) => [r.sort_key, r.id], async () => {
      const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM contacts.${this.spec.table} ${countWhere}`);
      return row.n as number;
    });
  }
}
