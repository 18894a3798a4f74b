import type { DataSource, EntityManager } from 'typeorm';
import { requireUser, type AuthUser } from '@crm/auth';
import { crmError, notFound, staleVersion } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { diffFields, type ContactInput } from '../domain/contact-input';
import { resolveContact } from '../domain/contact-rules';
import { advancePastCodes, nextCustomerCodes } from './code-sequence';
import type { ContactsConfig } from './config';
import { contactEvent } from './contact-events';
import { loadRefs, type ConfigLists } from './contact-refs';
import { CONTACT_SELECT, contactScope, fieldsOf, rowToContact, type ContactRecord } from './contact-sql';
import { assertCodeFree, insertContact, loadContacts, updateContactRow } from './contact-store';

export const SCHEMA = 'contacts';

export type UpdateContactInput = ContactInput & { id: string; expectedVersion?: number | null };

/** The prefix and time zone of a new contact's code: its branch's, else the system's (zone: the user's). */
export function codeSettings(lists: ConfigLists, branchId: string | null, config: ContactsConfig, user: AuthUser | null): { prefix: string; timeZone: string } {
  const branch = branchId ? lists.branches.get(branchId) : undefined;
  return {
    prefix: branch?.customerCodePrefix ?? config.codePrefix,
    timeZone: branch?.timeZone ?? (user?.tz && user.tz !== 'UTC' ? user.tz : config.timeZone),
  };
}

export class ContactService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: ContactsConfig,
  ) {}

  /** Everything is checked inside the transaction; any error rolls it back, so nothing is written. */
  async create(input: ContactInput, ctx: BaseContext): Promise<ContactRecord> {
    const user = requireUser(ctx);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const id = uuidv7(now.getTime());
      const refs = await loadRefs(manager, user, this.config.defaultCountry, [input.parentId], [], [input.salespersonId]);
      const fields = resolveContact(id, null, input, refs, user);
      if (fields.code !== null) {
        await assertCodeFree(manager, fields.code, id);
        await advancePastCodes(manager, [fields.code]);
      } else if (fields.addressType === 'contact') {
        const { prefix, timeZone } = codeSettings(refs, fields.branchId, this.config, user);
        [fields.code] = await nextCustomerCodes(manager, prefix, 1, now, timeZone);
      }
      await insertContact(manager, id, fields, { at: now, by: user.id });
      const [contact] = await loadContacts(manager, [id]);
      await appendToOutbox(manager, SCHEMA, [contactEvent('created', contact!, { time: now, traceparent: ctx.traceparent })]);
      return contact!;
    });
  }

  async update(input: UpdateContactInput, ctx: BaseContext): Promise<ContactRecord> {
    const user = requireUser(ctx);
    const now = this.clock.now();
    const { id, expectedVersion, ...patch } = input;
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockVisible(manager, id, user, expectedVersion);
      const refs = await loadRefs(manager, user, this.config.defaultCountry, [patch.parentId === undefined ? before.parentId : patch.parentId], [before.id], [patch.salespersonId]);
      const after = resolveContact(before.id, fieldsOf(before), patch, refs, user);
      const changes = diffFields(fieldsOf(before), after);
      if (Object.keys(changes).length === 0) return before;
      if (changes['code'] && after.code !== null) {
        await assertCodeFree(manager, after.code, before.id);
        await advancePastCodes(manager, [after.code]);
      }
      await updateContactRow(manager, before.id, after, Object.keys(changes), { at: now, by: user.id });
      const [contact] = await loadContacts(manager, [before.id]);
      await appendToOutbox(manager, SCHEMA, [contactEvent('updated', contact!, { time: now, traceparent: ctx.traceparent, changes })]);
      return contact!;
    });
  }

  archive(input: { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<ContactRecord> {
    return this.setActive(input, false, ctx);
  }

  restore(input: { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<ContactRecord> {
    return this.setActive(input, true, ctx);
  }

  private async setActive(input: { id: string; expectedVersion?: number | null }, active: boolean, ctx: BaseContext): Promise<ContactRecord> {
    const user = requireUser(ctx);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockVisible(manager, input.id, user, input.expectedVersion);
      if (before.active === active) {
        throw crmError('INVALID_TRANSITION', `contact ${before.id} is already ${active ? 'active' : 'archived'}`, { field: 'id' });
      }
      await manager.query(
        `UPDATE contacts.contact SET active = $2, merged_into_id = CASE WHEN $2 THEN NULL ELSE merged_into_id END,
           version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $1`,
        [before.id, active, now, user.id],
      );
      const [contact] = await loadContacts(manager, [before.id]);
      const changes: Record<string, { from: unknown; to: unknown }> = { active: { from: before.active, to: active } };
      if (active && before.mergedIntoId) changes['mergedIntoId'] = { from: before.mergedIntoId, to: null };
      const event = contactEvent(active ? 'restored' : 'archived', contact!, { time: now, traceparent: ctx.traceparent, changes });
      await appendToOutbox(manager, SCHEMA, [event]);
      return contact!;
    });
  }

  /** Locks the row; NOT_FOUND when missing or not visible, CONFLICT on a stale expectedVersion. */
  private async lockVisible(manager: EntityManager, id: string, user: AuthUser, expectedVersion?: number | null): Promise<ContactRecord> {
    if (!isUuid(id)) throw notFound('Contact', id);
    const [before] = await loadContacts(manager, [id.toLowerCase()], { user }, true);
    if (!before) throw notFound('Contact', id);
    if (expectedVersion !== undefined && expectedVersion !== null && expectedVersion !== before.version) {
      throw staleVersion('Contact', before.id, expectedVersion, before.version);
    }
    return before;
  }

  /** Active children of each parent the user may see, by name (one query for all parents). */
  async childrenOf(parentIds: readonly string[], user: AuthUser | null): Promise<ContactRecord[][]> {
    const params: unknown[] = [parentIds.filter((id) => isUuid(id))];
    const scope = contactScope(user, params);
    const rows = await this.dataSource.query(
      `SELECT ${CONTACT_SELECT} FROM contacts.contact c WHERE c.parent_id = ANY($1::uuid[]) AND c.active AND ${scope}
       ORDER BY lower(c.name), c.id`,
      params,
    );
    const byParent = new Map<string, ContactRecord[]>();
    for (const row of rows) {
      const child = rowToContact(row);
      const list = byParent.get(child.parentId!) ?? [];
      list.push(child);
      byParent.set(child.parentId!, list);
    }
    return parentIds.map((id) => byParent.get(id) ?? []);
  }

  findByIds(ids: readonly string[], user: AuthUser | null): Promise<(ContactRecord | null)[]> {
    const valid = ids.map((id) => (isUuid(id) ? id.toLowerCase() : '00000000-0000-0000-0000-000000000000'));
    return loadContacts(this.dataSource.manager, valid, { user });
  }
}
