import type { DataSource, EntityManager } from 'typeorm';
import { requireRole, requireUser } from '@crm/auth';
import { badInput, type Connection, type PageArgs } from '@crm/graphql';
import { envString, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import {
  validateNewProduct,
  validateProductPatch,
  type NewProductInput,
  type ProductPatchInput,
  type ProductType,
} from '../domain/product-input';
import { checkVersion, decimalText, mustExist } from './common';
import { keysetPage, type SortDirection } from './keyset';

export interface ProductRow {
  id: string;
  name: string;
  internalReference: string | null;
  type: ProductType;
  listPrice: string;
  currency: string;
  unitOfMeasure: string;
  taxIds: string[];
  salesDescription: string | null;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

const COLUMNS = `p.id, p.name, p.internal_reference AS "internalReference", p.type, p.list_price AS "listPrice", p.currency,
  p.unit_of_measure AS "unitOfMeasure", p.tax_ids AS "taxIds", p.sales_description AS "salesDescription", p.active, p.version,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.created_by AS "createdBy", p.updated_by AS "updatedBy"`;

function mapProduct(raw: Record<string, unknown>): ProductRow {
  return { ...(raw as unknown as ProductRow), listPrice: decimalText(raw['listPrice']) };
}

export interface ProductFilter {
  search?: string | null;
  active?: boolean | null;
  type?: ProductType | null;
}

export type ProductOrderField = 'NAME' | 'CREATED_AT' | 'LIST_PRICE' | 'INTERNAL_REFERENCE';

export class ProductService {
  private readonly defaultCurrency = envString('DEFAULT_CURRENCY', 'IDR');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: NewProductInput, ctx: BaseContext): Promise<ProductRow> {
    const user = requireRole(ctx, ['admin']);
    const draft = validateNewProduct(input, this.defaultCurrency);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      await this.checkReferences(m, draft.internalReference, draft.taxIds, null);
      const [row] = await m.query(
        `INSERT INTO sales.product AS p (id, name, internal_reference, type, list_price, currency, unit_of_measure, tax_ids,
           sales_description, active, version, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, true, 1, $10, $10, $11, $11) RETURNING ${COLUMNS}`,
        [
          uuidv7(now.getTime()),
          draft.name,
          draft.internalReference,
          draft.type,
          draft.listPrice,
          draft.currency,
          draft.unitOfMeasure,
          draft.taxIds,
          draft.salesDescription,
          now,
          user.id,
        ],
      );
      return mapProduct(row);
    });
  }

  /** Changes the fields given; `active: false` archives (archived products cannot be quoted). */
  async update(input: ProductPatchInput & { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<ProductRow> {
    const user = requireRole(ctx, ['admin']);
    const patch = validateProductPatch(input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [raw] = await m.query(`SELECT ${COLUMNS} FROM sales.product p WHERE p.id = $1 FOR UPDATE`, [input.id]);
      const current = mapProduct(mustExist(raw, 'Product', input.id));
      checkVersion('Product', current, input.expectedVersion);
      const next = { ...current, ...patch };
      await this.checkReferences(
        m,
        patch.internalReference === undefined ? null : next.internalReference,
        patch.taxIds ?? [],
        current.id,
      );
      // TypeORM answers an UPDATE with [rows, affected].
      const [[row]] = await m.query(
        `UPDATE sales.product p SET name = $2, internal_reference = $3, type = $4, list_price = $5, currency = $6,
           unit_of_measure = $7, tax_ids = $8::uuid[], sales_description = $9, active = $10, version = version + 1,
           updated_at = $11, updated_by = $12
         WHERE p.id = $1 RETURNING ${COLUMNS}`,
        [
          current.id,
          next.name,
          next.internalReference,
          next.type,
          next.listPrice,
          next.currency,
          next.unitOfMeasure,
          next.taxIds,
          next.salesDescription,
          next.active,
          now,
          user.id,
        ],
      );
      return mapProduct(row);
    });
  }

  private async checkReferences(m: EntityManager, reference: string | null, taxIds: string[], exceptId: string | null): Promise<void> {
    if (reference) {
      const taken = await m.query('SELECT 1 FROM sales.product WHERE internal_reference = $1 AND ($2::uuid IS NULL OR id <> $2)', [
        reference,
        exceptId,
      ]);
      if (taken.length > 0) throw badInput('internalReference', `internal reference ${reference} is already used`);
    }
    if (taxIds.length > 0) {
      const found: { id: string; active: boolean; name: string }[] = await m.query(
        'SELECT id, active, name FROM sales.tax WHERE id = ANY($1::uuid[])',
        [taxIds],
      );
      const missing = taxIds.find((id) => !found.some((t) => t.id === id));
      if (missing) throw badInput('taxIds', `tax ${missing} does not exist`);
      const archived = found.find((t) => !t.active);
      if (archived) throw badInput('taxIds', `tax "${archived.name}" is archived`);
    }
  }

  async findByIds(ids: readonly string[], manager?: EntityManager): Promise<(ProductRow | null)[]> {
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM sales.product p WHERE p.id = ANY($1::uuid[])`,
      [[...ids]],
    );
    const byId = new Map(rows.map((r) => [r['id'] as string, mapProduct(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  list(
    args: PageArgs & { filter?: ProductFilter | null; orderBy?: { field: ProductOrderField; direction?: SortDirection } | null },
    ctx: BaseContext,
  ): Promise<Connection<ProductRow>> {
    requireUser(ctx);
    const params: unknown[] = [];
    const where: string[] = [];
    const filter = args.filter ?? {};
    // Like Odoo's default filter: archived products are hidden unless asked for.
    params.push(filter.active ?? true);
    where.push(`p.active = $${params.length}`);
    if (filter.type) {
      params.push(filter.type);
      where.push(`p.type = $${params.length}`);
    }
    if (filter.search) {
      params.push(`%${filter.search.trim()}%`);
      where.push(`(p.name ILIKE $${params.length} OR p.internal_reference ILIKE $${params.length})`);
    }
    const field = args.orderBy?.field ?? 'CREATED_AT';
    const sorts = {
      NAME: { sql: 'p.name', cast: 'text' as const, value: (r: ProductRow) => r.name },
      LIST_PRICE: { sql: 'p.list_price', cast: 'numeric' as const, value: (r: ProductRow) => r.listPrice },
      INTERNAL_REFERENCE: { sql: "coalesce(p.internal_reference, '')", cast: 'text' as const, value: (r: ProductRow) => r.internalReference ?? '' },
      CREATED_AT: null,
    };
    return keysetPage({
      run: (sql, p) => this.dataSource.query(sql, p),
      select: `SELECT ${COLUMNS} FROM sales.product p`,
      from: 'FROM sales.product p',
      where,
      params,
      idColumn: 'p.id',
      sort: sorts[field],
      direction: args.orderBy?.direction ?? (field === 'CREATED_AT' ? 'DESC' : 'ASC'),
      args,
      map: mapProduct,
    });
  }
}
