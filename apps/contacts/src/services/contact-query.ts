import type { Row } from './sql-util';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { badInput, parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { ADDRESS_TYPES, CONTACT_KINDS } from '../domain/contact-input';
import { phoneQuery } from '@crm/phone';
import { containsPattern, isFuzzyTerm, searchTerms } from '../domain/text-search';
import { CONTACT_SELECT, contactScope, rowToContact, type ContactRecord } from './contact-sql';

export interface ContactFilter {
  text?: string | null;
  kind?: string | null;
  tagIds?: string[] | null;
  companyId?: string | null;
  topLevel?: boolean | null;
  branchIds?: string[] | null;
  salespersonId?: string | null;
  occupationId?: string | null;
  addressTypes?: string[] | null;
  /** true (default): active only; false: archived only; null: both. */
  active?: boolean | null;
}

export const CONTACT_ORDERS = ['CREATED_AT_DESC', 'CREATED_AT_ASC', 'UPDATED_AT_DESC', 'NAME_ASC', 'NAME_DESC', 'CODE_ASC', 'RELEVANCE'] as const;
export type ContactOrder = (typeof CONTACT_ORDERS)[number];

interface OrderSpec {
  expr: string;
  cast: string;
  dir: 'ASC' | 'DESC';
}

const ORDERS: Record<Exclude<ContactOrder, 'RELEVANCE'>, OrderSpec> = {
  // Ids are UUIDv7, time-ordered: creation order is id order (no index of its own needed).
  CREATED_AT_DESC: { expr: 'c.id', cast: 'uuid', dir: 'DESC' },
  CREATED_AT_ASC: { expr: 'c.id', cast: 'uuid', dir: 'ASC' },
  UPDATED_AT_DESC: { expr: 'c.updated_at', cast: 'timestamptz', dir: 'DESC' },
  NAME_ASC: { expr: 'lower(c.name)', cast: 'text', dir: 'ASC' },
  NAME_DESC: { expr: 'lower(c.name)', cast: 'text', dir: 'DESC' },
  CODE_ASC: { expr: "coalesce(c.code, '')", cast: 'text', dir: 'ASC' },
};

function uuidList(field: string, ids: string[]): string[] {
  for (const id of ids) if (!isUuid(id)) throw badInput(field, `${id} is not an id`);
  return ids.map((id) => id.toLowerCase());
}

/** WHERE conditions of a filter, with their parameters appended to `params`. */
export function filterConditions(filter: ContactFilter, params: unknown[], defaultCountry: string): { where: string[]; text: string | null } {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  const active = filter.active === undefined ? true : filter.active;
  if (active !== null) where.push(`c.active = ${p(active)}`);
  if (filter.kind) {
    const kind = filter.kind.toLowerCase();
    if (!(CONTACT_KINDS as readonly string[]).includes(kind)) throw badInput('filter.kind', 'kind must be company or person');
    where.push(`c.kind = ${p(kind)}`);
  }
  if (filter.addressTypes?.length) {
    const types = filter.addressTypes.map((t) => t.toLowerCase());
    for (const t of types) if (!(ADDRESS_TYPES as readonly string[]).includes(t)) throw badInput('filter.addressTypes', `unknown address type ${t}`);
    where.push(`c.address_type = ANY(${p(types)}::text[])`);
  }
  if (filter.tagIds?.length) {
    where.push(`EXISTS (SELECT 1 FROM contacts.contact_tag ct WHERE ct.contact_id = c.id AND ct.tag_id = ANY(${p(uuidList('filter.tagIds', filter.tagIds))}::uuid[]))`);
  }
  if (filter.companyId) where.push(`c.parent_id = ${p(uuidList('filter.companyId', [filter.companyId])[0])}::uuid`);
  if (filter.topLevel === true) where.push('c.parent_id IS NULL');
  if (filter.topLevel === false) where.push('c.parent_id IS NOT NULL');
  if (filter.branchIds?.length) where.push(`c.branch_id = ANY(${p(filter.branchIds.map((b) => b.toUpperCase()))}::text[])`);
  if (filter.salespersonId) where.push(`c.salesperson_id = ${p(uuidList('filter.salespersonId', [filter.salespersonId])[0])}::uuid`);
  if (filter.occupationId) where.push(`c.occupation_id = ${p(uuidList('filter.occupationId', [filter.occupationId])[0])}::uuid`);

  const terms = searchTerms(filter.text);
  if (terms.length === 0) return { where, text: null };
  const termConditions = terms.map((term) => {
    // Phones are stored in E.164: "0852…" (national trunk prefix 0) also matches "+62852…".
    const national = /^0\d{3,}$/.test(term) ? ` OR c.search_text LIKE ${p(containsPattern(term.slice(1)))}` : '';
    const nik = /^\d{16}$/.test(term) ? ` OR c.national_id = ${p(term)}` : '';
    const like = `(c.search_text LIKE ${p(containsPattern(term))}${national}${nik})`;
    return isFuzzyTerm(term) ? `(${like} OR ${p(term)} OPERATOR(public.<%) c.search_text)` : like;
  });
  let textCondition = termConditions.join(' AND ');
  const phone = phoneQuery(filter.text!, defaultCountry);
  if (phone) {
    const e164 = p(phone);
    textCondition = `(c.phone = ${e164} OR c.mobile = ${e164} OR (${textCondition}))`;
  }
  where.push(textCondition);
  return { where, text: terms.join(' ') };
}

/** contacts(filter, orderBy, first, after): keyset pagination on (sort key, id) for each order. */
export async function listContacts(
  dataSource: DataSource,
  user: AuthUser | null,
  args: PageArgs & { filter?: ContactFilter | null; orderBy?: ContactOrder | null },
  defaultCountry: string,
): Promise<Connection<ContactRecord>> {
  const page = parsePage(args);
  const params: unknown[] = [];
  const scope = contactScope(user, params);
  const { where, text } = filterConditions(args.filter ?? {}, params, defaultCountry);
  const conditions = [scope, ...where];
  const countParams = [...params];
  const countConditions = [...conditions];

  let order: OrderSpec;
  const orderBy = args.orderBy ?? 'CREATED_AT_DESC';
  if (orderBy === 'RELEVANCE') {
    if (text === null) throw badInput('orderBy', 'RELEVANCE needs filter.text');
    params.push(text);
    order = { expr: `round(public.word_similarity($${params.length}, c.search_text)::numeric, 6)`, cast: 'numeric', dir: 'DESC' };
  } else {
    order = ORDERS[orderBy];
    if (!order) throw badInput('orderBy', `unknown order ${orderBy}`);
  }
  if (page.after) {
    if (page.after.length !== 2 || typeof page.after[1] !== 'string' || !isUuid(page.after[1])) throw badInput('after', 'invalid cursor');
    params.push(page.after[0], page.after[1]);
    const cmp = order.dir === 'ASC' ? '>' : '<';
    conditions.push(`(${order.expr}, c.id) ${cmp} ($${params.length - 1}::${order.cast}, $${params.length}::uuid)`);
  }
  params.push(page.limit + 1);
  const rows = await dataSource.query(
    `SELECT ${CONTACT_SELECT}, (${order.expr})::text AS sort_key FROM contacts.contact c
     WHERE ${conditions.join(' AND ')}
     ORDER BY ${order.expr} ${order.dir}, c.id ${order.dir} LIMIT $${params.length}`,
    params,
  );
  const records: { record: ContactRecord; key: string }[] = rows.map((r: Row) => ({ record: rowToContact(r), key: r.sort_key as string }));
  const connection = toConnection(records, page, (r) => [r.key, r.record.id], async () => {
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM contacts.contact c WHERE ${countConditions.join(' AND ')}`, countParams);
    return row.n as number;
  });
  return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: e.node.record })) };
}
