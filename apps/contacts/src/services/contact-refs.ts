import type { Row } from './sql-util';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { BranchInfo, ContactRefs, NamedInfo, ParentInfo } from '../domain/contact-rules';
import { contactScope } from './contact-sql';

export interface ConfigLists {
  branches: Map<string, BranchInfo & { customerCodePrefix: string; timeZone: string }>;
  occupations: Map<string, NamedInfo>;
  tags: Map<string, NamedInfo>;
}

export type UserInfo = NamedInfo & { login: string };

/**
 * Branches, occupations and tags: small configuration tables, read whole (3 queries, one after
 * the other: a transaction's manager has one connection, which runs one query at a time).
 */
export async function loadConfigLists(manager: EntityManager): Promise<ConfigLists> {
  const branches = await manager.query(`SELECT id, active, default_phone_country, customer_code_prefix, time_zone FROM contacts.branch`);
  const occupations = await manager.query(`SELECT id, name, active FROM contacts.occupation`);
  const tags = await manager.query(`SELECT id, name, active FROM contacts.tag`);
  return {
    branches: new Map(
      branches.map((b: Row) => [
        b.id,
        { id: b.id, active: b.active, defaultPhoneCountry: b.default_phone_country, customerCodePrefix: b.customer_code_prefix, timeZone: b.time_zone },
      ]),
    ),
    occupations: new Map(occupations.map((o: Row) => [o.id, { id: o.id, name: o.name, active: o.active }])),
    tags: new Map(tags.map((t: Row) => [t.id, { id: t.id, name: t.name, active: t.active }])),
  };
}

/** Users of the directory (salespeople): those of `ids`, or all of them when `ids` is omitted (imports). */
export async function loadUsers(manager: EntityManager, ids?: (string | null | undefined)[]): Promise<Map<string, UserInfo>> {
  const wanted = ids && [...new Set(ids.filter((id): id is string => isUuid(id)).map((id) => id.toLowerCase()))];
  if (wanted && wanted.length === 0) return new Map();
  const rows = wanted
    ? await manager.query(`SELECT id, name, login, active FROM contacts.user_account WHERE id = ANY($1::uuid[])`, [wanted])
    : await manager.query(`SELECT id, name, login, active FROM contacts.user_account`);
  return new Map(rows.map((u: Row) => [u.id, { id: u.id, name: u.name, login: u.login, active: u.active }]));
}

/** The parents a user may see, each with its lineage (itself and everything above it), in one query. */
export async function loadParents(manager: EntityManager, user: AuthUser | null, ids: (string | null | undefined)[]): Promise<Map<string, ParentInfo>> {
  const wanted = [...new Set(ids.filter((id): id is string => isUuid(id)).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const params: unknown[] = [wanted];
  const scope = user ? contactScope(user, params) : 'TRUE';
  const rows = await manager.query(
    `WITH RECURSIVE up AS (
       SELECT c.id AS start_id, c.id, c.parent_id, 0 AS depth FROM contacts.contact c WHERE c.id = ANY($1::uuid[])
       UNION ALL
       SELECT up.start_id, p.id, p.parent_id, up.depth + 1 FROM up JOIN contacts.contact p ON p.id = up.parent_id WHERE up.depth < 1000
     )
     SELECT c.id, c.kind, c.country_code, c.branch_id,
            (SELECT array_agg(up.id ORDER BY up.depth) FROM up WHERE up.start_id = c.id) AS lineage
     FROM contacts.contact c WHERE c.id = ANY($1::uuid[]) AND ${scope}`,
    params,
  );
  return new Map(rows.map((r: Row) => [r.id, { id: r.id, kind: r.kind, countryCode: r.country_code, branchId: r.branch_id, lineage: r.lineage ?? [r.id] }]));
}

/** Of `ids`, those that have a company among their children. */
export async function loadWithCompanyChildren(manager: EntityManager, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await manager.query(
    `SELECT DISTINCT parent_id FROM contacts.contact WHERE parent_id = ANY($1::uuid[]) AND kind = 'company'`,
    [ids],
  );
  return new Set(rows.map((r: Row) => r.parent_id));
}

export async function loadRefs(
  manager: EntityManager,
  user: AuthUser | null,
  defaultCountry: string,
  parentIds: (string | null | undefined)[],
  selfIds: string[],
  salespersonIds: (string | null | undefined)[] = [],
  lists?: ConfigLists,
): Promise<ContactRefs & ConfigLists> {
  const config = lists ?? (await loadConfigLists(manager));
  const parents = await loadParents(manager, user, parentIds);
  const withCompanyChildren = await loadWithCompanyChildren(manager, selfIds);
  const users = await loadUsers(manager, salespersonIds);
  return { ...config, parents, withCompanyChildren, users, defaultCountry };
}
