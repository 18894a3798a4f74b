import type { DataSource, EntityManager } from 'typeorm';
import { requireRole, type AuthUser } from '@crm/auth';
import { badInput, notFound, staleVersion } from '@crm/graphql';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { ChainingType, DelayFrom, DelayUnit } from '../domain/chaining';
import { optionalText, requireUuid } from '../domain/activity-input';
import { RESOURCE_TYPES } from '../domain/resource-types';
import { ACTIVITY_TYPE_COLUMNS, toActivityType, type ActivityCategory, type ActivityType } from '../entities/activity-type';
import type { BaseContext } from '@crm/service';
import type { UserDirectory } from './user-directory';

export interface ActivityTypeInput {
  id?: string;
  expectedVersion?: number | null;
  name?: string | null;
  summary?: string | null;
  icon?: string | null;
  category?: ActivityCategory | null;
  sequence?: number | null;
  active?: boolean | null;
  delayCount?: number | null;
  delayUnit?: DelayUnit | null;
  delayFrom?: DelayFrom | null;
  defaultUserId?: string | null;
  defaultNote?: string | null;
  chainingType?: ChainingType | null;
  triggeredNextTypeId?: string | null;
  suggestedNextTypeIds?: string[] | null;
  resourceTypes?: string[] | null;
}

type Runner = Pick<EntityManager, 'query'>;

/** Activity types: read by everyone, configured by administrators. */
export class ActivityTypeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UserDirectory,
  ) {}

  async list(includeArchived: boolean): Promise<ActivityType[]> {
    const rows = await this.dataSource.query(
      `SELECT ${ACTIVITY_TYPE_COLUMNS} FROM activities.activity_type t ${includeArchived ? '' : 'WHERE t.active'} ORDER BY t.sequence, t.name`,
    );
    return rows.map(toActivityType);
  }

  async findByIds(ids: readonly string[]): Promise<(ActivityType | null)[]> {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.dataSource.query(`SELECT ${ACTIVITY_TYPE_COLUMNS} FROM activities.activity_type t WHERE t.id = ANY($1::uuid[])`, [valid]) : [];
    const byId = new Map<string, ActivityType>(rows.map((r: Record<string, unknown>) => [r['id'], toActivityType(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async get(runner: Runner, id: string): Promise<ActivityType | null> {
    const rows = await runner.query(`SELECT ${ACTIVITY_TYPE_COLUMNS} FROM activities.activity_type t WHERE t.id = $1`, [id]);
    return rows[0] ? toActivityType(rows[0]) : null;
  }

  async create(input: ActivityTypeInput, ctx: BaseContext): Promise<ActivityType> {
    const user = requireRole(ctx, ['admin']);
    if (!input.name?.trim()) throw badInput('name', 'name must not be empty');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const draft = await this.validate(manager, input, null, user);
      const id = uuidv7(now.getTime());
      const [{ next }] = await manager.query(`SELECT COALESCE(max(sequence), 0) + 1 AS next FROM activities.activity_type`);
      await manager.query(
        `INSERT INTO activities.activity_type (id, name, summary, icon, category, sequence, active, delay_count, delay_unit, delay_from,
           default_user_id, default_note, chaining_type, triggered_next_type_id, suggested_next_type_ids, resource_types,
           created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::uuid[], $16::text[], $17, $17, $18, $18)`,
        [
          id, draft.name, draft.summary, draft.icon, draft.category ?? 'DEFAULT', draft.sequence ?? next, draft.active ?? true,
          draft.delayCount ?? 0, draft.delayUnit ?? 'DAYS', draft.delayFrom ?? 'AFTER_COMPLETION', draft.defaultUserId, draft.defaultNote,
          draft.chainingType ?? 'SUGGEST', draft.triggeredNextTypeId, draft.suggestedNextTypeIds ?? [], draft.resourceTypes ?? [], now, user.id,
        ],
      );
      return (await this.get(manager, id))!;
    });
  }

  async update(input: ActivityTypeInput, ctx: BaseContext): Promise<ActivityType> {
    const user = requireRole(ctx, ['admin']);
    const id = requireUuid(input.id, 'id', 'activity type');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(`SELECT ${ACTIVITY_TYPE_COLUMNS} FROM activities.activity_type t WHERE t.id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) throw notFound('ActivityType', id);
      const current = toActivityType(rows[0]);
      if (input.expectedVersion != null && input.expectedVersion !== current.version) {
        throw staleVersion('ActivityType', id, input.expectedVersion, current.version);
      }
      const d = await this.validate(manager, input, current, user);
      const merged = {
        name: d.name ?? current.name,
        summary: d.summary !== undefined ? d.summary : current.summary,
        icon: d.icon !== undefined ? d.icon : current.icon,
        category: d.category ?? current.category,
        sequence: d.sequence ?? current.sequence,
        active: d.active ?? current.active,
        delayCount: d.delayCount ?? current.delayCount,
        delayUnit: d.delayUnit ?? current.delayUnit,
        delayFrom: d.delayFrom ?? current.delayFrom,
        defaultUserId: d.defaultUserId !== undefined ? d.defaultUserId : current.defaultUserId,
        defaultNote: d.defaultNote !== undefined ? d.defaultNote : current.defaultNote,
        chainingType: d.chainingType ?? current.chainingType,
        triggeredNextTypeId: d.triggeredNextTypeId !== undefined ? d.triggeredNextTypeId : current.triggeredNextTypeId,
        suggestedNextTypeIds: d.suggestedNextTypeIds ?? current.suggestedNextTypeIds,
        resourceTypes: d.resourceTypes ?? current.resourceTypes,
      };
      if (merged.chainingType === 'TRIGGER' && !merged.triggeredNextTypeId) {
        throw badInput('triggeredNextTypeId', 'a TRIGGER chaining needs the type to trigger');
      }
      if (merged.triggeredNextTypeId === id) throw badInput('triggeredNextTypeId', 'a type cannot trigger itself');
      await manager.query(
        `UPDATE activities.activity_type SET name = $2, summary = $3, icon = $4, category = $5, sequence = $6, active = $7,
           delay_count = $8, delay_unit = $9, delay_from = $10, default_user_id = $11, default_note = $12, chaining_type = $13,
           triggered_next_type_id = $14, suggested_next_type_ids = $15::uuid[], resource_types = $16::text[],
           version = version + 1, updated_at = $17, updated_by = $18
         WHERE id = $1`,
        [
          id, merged.name, merged.summary, merged.icon, merged.category, merged.sequence, merged.active, merged.delayCount,
          merged.delayUnit, merged.delayFrom, merged.defaultUserId, merged.defaultNote, merged.chainingType,
          merged.triggeredNextTypeId, merged.suggestedNextTypeIds, merged.resourceTypes, now, user.id,
        ],
      );
      return (await this.get(manager, id))!;
    });
  }

  /** Field checks shared by create and update; undefined = not given. */
  private async validate(manager: EntityManager, input: ActivityTypeInput, current: ActivityType | null, user: AuthUser) {
    const name = input.name === undefined || input.name === null ? undefined : input.name.trim();
    if (name !== undefined) {
      if (name === '') throw badInput('name', 'name must not be empty');
      if (name.length > 100) throw badInput('name', 'name is longer than 100 characters');
      const clash = await manager.query(
        `SELECT 1 FROM activities.activity_type WHERE active AND lower(name) = lower($1) AND id <> COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000')`,
        [name, current?.id ?? null],
      );
      if (clash.length) throw badInput('name', `an activity type named "${name}" exists`);
    }
    if (input.delayCount != null && (!Number.isInteger(input.delayCount) || input.delayCount < 0 || input.delayCount > 3650)) {
      throw badInput('delayCount', 'delayCount must be a whole number from 0 to 3650');
    }
    if (input.sequence != null && !Number.isInteger(input.sequence)) throw badInput('sequence', 'sequence must be an integer');
    let defaultUserId: string | null | undefined = undefined;
    if (input.defaultUserId !== undefined) {
      defaultUserId = input.defaultUserId === null ? null : requireUuid(input.defaultUserId, 'defaultUserId', 'user');
      if (defaultUserId && defaultUserId !== user.id) {
        const profile = await this.users.get(manager, defaultUserId);
        if (!profile || !profile.active) throw badInput('defaultUserId', `unknown or archived user ${defaultUserId}`);
      }
    }
    const ids = [...(input.suggestedNextTypeIds ?? []), ...(input.triggeredNextTypeId ? [input.triggeredNextTypeId] : [])];
    for (const [i, typeId] of (input.suggestedNextTypeIds ?? []).entries()) requireUuid(typeId, `suggestedNextTypeIds.${i}`, 'activity type');
    if (input.triggeredNextTypeId) requireUuid(input.triggeredNextTypeId, 'triggeredNextTypeId', 'activity type');
    if (ids.length) {
      const found = await manager.query(`SELECT id FROM activities.activity_type WHERE id = ANY($1::uuid[]) AND active`, [ids]);
      const known = new Set(found.map((r: { id: string }) => r.id));
      (input.suggestedNextTypeIds ?? []).forEach((t, i) => {
        if (!known.has(t)) throw badInput(`suggestedNextTypeIds.${i}`, `unknown activity type ${t}`);
      });
      if (input.triggeredNextTypeId && !known.has(input.triggeredNextTypeId)) {
        throw badInput('triggeredNextTypeId', `unknown activity type ${input.triggeredNextTypeId}`);
      }
    }
    (input.resourceTypes ?? []).forEach((t, i) => {
      if (!RESOURCE_TYPES[t]) throw badInput(`resourceTypes.${i}`, `unknown resource type "${t}"`);
    });
    if (current === null && input.chainingType === 'TRIGGER' && !input.triggeredNextTypeId) {
      throw badInput('triggeredNextTypeId', 'a TRIGGER chaining needs the type to trigger');
    }
    return {
      name,
      summary: input.summary === undefined ? undefined : optionalText(input.summary, 'summary', 500),
      icon: input.icon === undefined ? undefined : optionalText(input.icon, 'icon', 100),
      category: input.category ?? undefined,
      sequence: input.sequence ?? undefined,
      active: input.active ?? undefined,
      delayCount: input.delayCount ?? undefined,
      delayUnit: input.delayUnit ?? undefined,
      delayFrom: input.delayFrom ?? undefined,
      defaultUserId,
      defaultNote: input.defaultNote === undefined ? undefined : optionalText(input.defaultNote, 'defaultNote', 20_000),
      chainingType: input.chainingType ?? undefined,
      triggeredNextTypeId: input.triggeredNextTypeId === undefined ? undefined : (input.triggeredNextTypeId ?? null),
      suggestedNextTypeIds: input.suggestedNextTypeIds ?? undefined,
      resourceTypes: input.resourceTypes ?? undefined,
    };
  }
}
