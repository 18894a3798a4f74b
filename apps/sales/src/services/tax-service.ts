import type { DataSource, EntityManager } from 'typeorm';
import { requireRole, requireUser } from '@crm/auth';
import { badInput, type Connection, type PageArgs } from '@crm/graphql';
import { uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { validateNewTax, validateTaxPatch, type NewTaxInput, type TaxPatchInput } from '../domain/tax-input';
import { checkVersion, decimalText, mustExist } from './common';
import { keysetPage, type SortDirection } from './keyset';

export interface TaxRow {
  id: string;
  name: string;
  percent: string;
  priceIncluded: boolean;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

const COLUMNS = `t.id, t.name, t.percent, t.price_included AS "priceIncluded", t.active, t.version,
  t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.created_by AS "createdBy", t.updated_by AS "updatedBy"`;

function mapTax(raw: Record<string, unknown>): TaxRow {
  return { ...(raw as unknown as TaxRow), percent: decimalText(raw['percent']) };
}

export interface TaxFilter {
  search?: string | null;
  active?: boolean | null;
}

export class TaxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: NewTaxInput, ctx: BaseContext): Promise<TaxRow> {
    const user = requireRole(ctx, ['admin']);
    const draft = validateNewTax(input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      await this.assertNameFree(m, draft.name, null);
      const [row] = await m.query(
        `INSERT INTO sales.tax AS t (id, name, percent, price_included, active, version, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, true, 1, $5, $5, $6, $6) RETURNING ${COLUMNS}`,
        [uuidv7(now.getTime()), draft.name, draft.percent, draft.priceIncluded, now, user.id],
      );
      return mapTax(row);
    });
  }

  async update(input: TaxPatchInput & { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<TaxRow> {
    const user = requireRole(ctx, ['admin']);
    const patch = validateTaxPatch(input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [raw] = await m.query(`SELECT ${COLUMNS} FROM sales.tax t WHERE t.id = $1 FOR UPDATE`, [input.id]);
      const current = mapTax(mustExist(raw, 'Tax', input.id));
      checkVersion('Tax', current, input.expectedVersion);
      if (patch.name !== undefined) await this.assertNameFree(m, patch.name, current.id);
      const next = { ...current, ...patch };
      // TypeORM answers an UPDATE with [rows, affected].
      const [[row]] = await m.query(
        `UPDATE sales.tax t SET name = $2, percent = $3, price_included = $4, active = $5, version = version + 1,
           updated_at = $6, updated_by = $7 WHERE t.id = $1 RETURNING ${COLUMNS}`,
        [current.id, next.name, next.percent, next.priceIncluded, next.active, now, user.id],
      );
      return mapTax(row);
    });
  }

  private async assertNameFree(m: EntityManager, name: string, exceptId: string | null): Promise<void> {
    const taken = await m.query('SELECT 1 FROM sales.tax WHERE lower(name) = lower($1) AND ($2::uuid IS NULL OR id <> $2)', [name, exceptId]);
    if (taken.length > 0) throw badInput('name', `a tax named "${name}" exists already`);
  }

  async findByIds(ids: readonly string[], manager?: EntityManager): Promise<(TaxRow | null)[]> {
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM sales.tax t WHERE t.id = ANY($1::uuid[])`,
      [[...ids]],
    );
    const byId = new Map(rows.map((r) => [r['id'] as string, mapTax(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  list(
    args: PageArgs & { filter?: TaxFilter | null; orderBy?: { field: 'NAME' | 'CREATED_AT'; direction?: SortDirection } | null },
    ctx: BaseContext,
  ): Promise<Connection<TaxRow>> {
    requireUser(ctx);
    const params: unknown[] = [];
    const where: string[] = [];
    const filter = args.filter ?? {};
    if (filter.active != null) {
      params.push(filter.active);
      where.push(`t.active = $${params.length}`);
    }
    if (filter.search) {
      params.push(`%${filter.search.trim()}%`);
      where.push(`t.name ILIKE $${params.length}`);
    }
    const byName = args.orderBy?.field === 'NAME';
    return keysetPage({
      run: (sql, p) => this.dataSource.query(sql, p),
      select: `SELECT ${COLUMNS} FROM sales.tax t`,
      from: 'FROM sales.tax t',
      where,
      params,
      idColumn: 't.id',
      sort: byName ? { sql: 't.name', cast: 'text', value: (r: TaxRow) => r.name } : null,
      direction: args.orderBy?.direction ?? (byName ? 'ASC' : 'DESC'),
      args,
      map: mapTax,
    });
  }
}
