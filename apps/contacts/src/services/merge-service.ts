import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { badInput, notFound, staleVersion } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { diffFields } from '../domain/contact-input';
import { planMerge } from '../domain/merge-plan';
import { contactEvent } from './contact-events';
import { loadParents } from './contact-refs';
import { SCHEMA } from './contact-service';
import { fieldsOf, type ContactRecord } from './contact-sql';
import { loadContacts, updateContactRow } from './contact-store';
import { returnedRows } from './sql-util';
import { userChanges, userEvent } from './user-events';
import { USER_COLUMNS, type UserRecord } from './user-record';

export interface MergeInput {
  targetId: string;
  sourceIds: string[];
  dryRun?: boolean | null;
  expectedVersion?: number | null;
}

export interface MergeResult {
  contact: ContactRecord;
  mergedIds: string[];
  movedChildIds: string[];
  filledFields: string[];
  dryRun: boolean;
}

/** Marks a dry run's transaction for rollback after computing the result. */
class DryRun extends Error {
  constructor(readonly result: MergeResult) {
    super('dry run');
  }
}

/**
 * Merges any number of contacts into one, in one transaction: the target's empty fields are
 * filled, tags and notes combined, children and addresses of the sources move to the target,
 * the sources are archived (mergedInto = target). Events: `updated` for every moved child,
 * `archived` (with mergedIntoId) for every source, `updated` on crm.contacts.user for every user
 * whose contact card was a source (it now is the target), `merged` (with mergedIds) for the target.
 * A dry run does all of it and rolls back.
 */
export class MergeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async merge(input: MergeInput, ctx: BaseContext): Promise<MergeResult> {
    const user = requireUser(ctx);
    if (!isUuid(input.targetId)) throw notFound('Contact', input.targetId);
    const targetId = input.targetId.toLowerCase();
    if (!Array.isArray(input.sourceIds) || input.sourceIds.length === 0) throw badInput('sourceIds', 'name at least one contact to merge');
    for (const id of input.sourceIds) if (!isUuid(id)) throw badInput('sourceIds', `${id} is not an id`);
    const sourceIds = [...new Set(input.sourceIds.map((id) => id.toLowerCase()))];
    if (sourceIds.includes(targetId)) throw badInput('sourceIds', 'a contact cannot be merged into itself');
    const now = this.clock.now();
    const audit = { at: now, by: user.id };

    try {
      return await this.dataSource.transaction(async (manager) => {
        const loaded = await loadContacts(manager, [targetId, ...sourceIds], { user }, true);
        const target = loaded[0];
        if (!target) throw notFound('Contact', targetId);
        if (!target.active) throw badInput('targetId', 'the target is archived; restore it first');
        if (input.expectedVersion != null && input.expectedVersion !== target.version) {
          throw staleVersion('Contact', targetId, input.expectedVersion, target.version);
        }
        const sources = loaded.slice(1);
        const missing = sourceIds.filter((_, i) => !sources[i]);
        if (missing.length > 0) throw badInput('sourceIds', `contact(s) not found: ${missing.join(', ')}`);
        const lineage = (await loadParents(manager, null, [targetId])).get(targetId)?.lineage ?? [targetId];
        const ancestor = sourceIds.find((id) => lineage.includes(id));
        if (ancestor) throw badInput('sourceIds', `contact ${ancestor} is a parent of the target; merge the other way round`);

        const children: { id: string; kind: string }[] = await manager.query(
          `SELECT id, kind FROM contacts.contact WHERE parent_id = ANY($1::uuid[]) AND NOT (id = ANY($1::uuid[])) AND id <> $2 ORDER BY id`,
          [sourceIds, targetId],
        );
        const company = children.find((c) => c.kind === 'company');
        if (company && target.kind === 'person') throw badInput('targetId', `a person cannot be the parent of company ${company.id}; merge into a company`);

        const plan = planMerge(
          fieldsOf(target),
          sources.map((s) => ({ id: s!.id, name: s!.name, code: s!.code, fields: fieldsOf(s!) })),
        );
        const events = [];
        // Sources first: one may give its code to the target (codes are unique).
        const archivedRows = returnedRows<{ id: string }>(
          await manager.query(
            `UPDATE contacts.contact SET active = false, merged_into_id = $2, code = CASE WHEN id = $3 THEN NULL ELSE code END,
               version = version + 1, updated_at = $4, updated_by = $5 WHERE id = ANY($1::uuid[]) RETURNING id`,
            [sourceIds, targetId, plan.codeFrom, now, user.id],
          ),
        );
        const archived = await loadContacts(manager, archivedRows.map((r) => r.id));
        for (const [i, after] of archived.entries()) {
          const before = sources.find((s) => s!.id === after!.id)!;
          const changes: Record<string, { from: unknown; to: unknown }> = {
            ...diffFields(fieldsOf(before), fieldsOf(after!)),
            mergedIntoId: { from: before.mergedIntoId, to: targetId },
          };
          if (before.active) changes['active'] = { from: true, to: false };
          events.push(contactEvent('archived', archived[i]!, { time: now, traceparent: ctx.traceparent, changes, extra: { mergedIntoId: targetId } }));
        }

        const movedChildIds = children.map((c) => c.id);
        if (movedChildIds.length > 0) {
          const before = await loadContacts(manager, movedChildIds);
          await manager.query(
            `UPDATE contacts.contact SET parent_id = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = ANY($1::uuid[])`,
            [movedChildIds, targetId, now, user.id],
          );
          const after = await loadContacts(manager, movedChildIds);
          for (const [i, child] of after.entries()) {
            events.push(contactEvent('updated', child!, { time: now, traceparent: ctx.traceparent, changes: { parentId: { from: before[i]!.parentId, to: targetId } } }));
          }
        }

        // Users whose contact card was a source now have the card kept (Odoo re-points res.users.partner_id).
        const users: UserRecord[] = await manager.query(
          `SELECT ${USER_COLUMNS} FROM contacts.user_account u WHERE u.contact_id = ANY($1::uuid[]) ORDER BY u.id FOR UPDATE`,
          [sourceIds],
        );
        for (const before of users) {
          const [after] = returnedRows<UserRecord>(
            await manager.query(
              `UPDATE contacts.user_account u SET contact_id = $2, version = u.version + 1, updated_at = $3, updated_by = $4
               WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
              [before.id, targetId, now, user.id],
            ),
          );
          events.push(userEvent('updated', after!, { time: now, traceparent: ctx.traceparent, changes: userChanges(before, after!) }));
        }

        const changes = diffFields(fieldsOf(target), plan.after);
        await updateContactRow(manager, targetId, plan.after, Object.keys(changes), audit);
        const [merged] = await loadContacts(manager, [targetId]);
        events.push(contactEvent('merged', merged!, { time: now, traceparent: ctx.traceparent, changes, extra: { mergedIds: sourceIds } }));
        await appendToOutbox(manager, SCHEMA, events);
        const result: MergeResult = { contact: merged!, mergedIds: sourceIds, movedChildIds, filledFields: plan.filledFields, dryRun: Boolean(input.dryRun) };
        if (input.dryRun) throw new DryRun(result);
        return result;
      });
    } catch (error) {
      if (error instanceof DryRun) return error.result;
      throw error;
    }
  }
}
