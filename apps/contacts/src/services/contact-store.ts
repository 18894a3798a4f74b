import type { Row } from './sql-util';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { badInput } from '@crm/graphql';
import type { ContactFields } from '../domain/contact-input';
import { CONTACT_SELECT, FIELD_COLUMNS, FIELD_KEYS, contactScope, rowToContact, type ContactRecord } from './contact-sql';

/** Whose visibility applies: a caller's (null = anonymous: nothing), or 'all' for the service itself. */
export type Visibility = { user: AuthUser | null } | 'all';

/** Contacts by id, in the order asked (null where missing or not visible). */
export async function loadContacts(manager: EntityManager, ids: readonly string[], visibility: Visibility = 'all', lock = false): Promise<(ContactRecord | null)[]> {
  if (ids.length === 0) return [];
  const params: unknown[] = [[...ids]];
  const scope = visibility === 'all' ? 'TRUE' : contactScope(visibility.user, params);
  if (lock) await manager.query(`SELECT id FROM contacts.contact c WHERE c.id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [[...ids]]);
  const rows = await manager.query(`SELECT ${CONTACT_SELECT} FROM contacts.contact c WHERE c.id = ANY($1::uuid[]) AND ${scope}`, params);
  const byId = new Map<string, ContactRecord>(rows.map((r: Row) => [r.id, rowToContact(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function insertContact(
  manager: EntityManager,
  id: string,
  fields: ContactFields,
  audit: { at: Date; by: string | null },
): Promise<void> {
  const columns = ['id', ...FIELD_KEYS.map((k) => FIELD_COLUMNS[k]), 'active', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by'];
  const values = [id, ...FIELD_KEYS.map((k) => fields[k]), true, 1, audit.at, audit.at, audit.by, audit.by];
  await manager.query(
    `INSERT INTO contacts.contact (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
  await replaceTags(manager, id, fields.tagIds);
}

/** Writes the changed fields, bumps the version and stamps the update. */
export async function updateContactRow(
  manager: EntityManager,
  id: string,
  fields: ContactFields,
  changed: string[],
  audit: { at: Date; by: string | null },
  extra: Record<string, unknown> = {},
): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id, audit.at, audit.by];
  for (const key of changed) {
    if (key === 'tagIds') continue;
    const column = FIELD_COLUMNS[key as keyof typeof FIELD_COLUMNS];
    params.push(fields[key as keyof ContactFields]);
    sets.push(`${column} = $${params.length}`);
  }
  for (const [column, value] of Object.entries(extra)) {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  await manager.query(
    `UPDATE contacts.contact SET ${[...sets, 'version = version + 1', 'updated_at = $2', 'updated_by = $3'].join(', ')} WHERE id = $1`,
    params,
  );
  if (changed.includes('tagIds')) await replaceTags(manager, id, fields.tagIds);
}

export async function replaceTags(manager: EntityManager, id: string, tagIds: string[]): Promise<void> {
  await manager.query(`DELETE FROM contacts.contact_tag WHERE contact_id = $1 AND NOT (tag_id = ANY($2::uuid[]))`, [id, tagIds]);
  if (tagIds.length > 0) {
    await manager.query(
      `INSERT INTO contacts.contact_tag (contact_id, tag_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [id, tagIds],
    );
  }
}

/** BAD_USER_INPUT when another contact has the code. */
export async function assertCodeFree(manager: EntityManager, code: string, selfId: string): Promise<void> {
  const rows = await manager.query(`SELECT id FROM contacts.contact WHERE code = $1 AND id <> $2`, [code, selfId]);
  if (rows.length > 0) throw badInput('code', `customer code ${code} is already used by another contact`);
}
