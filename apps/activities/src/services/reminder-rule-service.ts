import type { DataSource, EntityManager } from 'typeorm';
import { requireRole, resolveBranch } from '@crm/auth';
import { badInput, notFound, staleVersion } from '@crm/graphql';
import { uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { optionalText, requireUuid } from '../domain/activity-input';
import { RESOURCE_TYPES } from '../domain/resource-types';
import { validateRule, type AssigneeKind, type ConditionOperator, type RuleDefinition } from '../domain/reminder-rule';
import { RULE_COLUMNS, toReminderRule, type ReminderRule } from '../entities/reminder-rule';
import { branchRoleLockKey, type RuleEngine } from './rule-engine';
import type { UserDirectory } from './user-directory';

export interface ReminderRuleInput {
  id?: string;
  expectedVersion?: number | null;
  name?: string | null;
  resourceType?: string | null;
  dateField?: string | null;
  offsetDays?: number | null;
  atTime?: string | null;
  activityTypeId?: string | null;
  summaryTemplate?: string | null;
  noteTemplate?: string | null;
  assigneeKind?: AssigneeKind | null;
  assigneeRole?: string | null;
  conditions?: { field: string; operator: ConditionOperator; values?: string[] | null }[] | null;
  active?: boolean | null;
}

export interface BranchRole {
  branchId: string;
  role: string;
  userId: string;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** Reminder rules and the branch roles they assign to: configuration, administrators only. */
export class ReminderRuleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UserDirectory,
    private readonly engine: RuleEngine,
  ) {}

  async list(includeArchived: boolean): Promise<ReminderRule[]> {
    const rows = await this.dataSource.query(
      `SELECT ${RULE_COLUMNS} FROM activities.reminder_rule ${includeArchived ? '' : 'WHERE active'} ORDER BY resource_type, offset_days, name`,
    );
    return rows.map(toReminderRule);
  }

  private async get(manager: EntityManager, id: string, lock = false): Promise<ReminderRule | null> {
    const rows = await manager.query(`SELECT ${RULE_COLUMNS} FROM activities.reminder_rule WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ? toReminderRule(rows[0]) : null;
  }

  private async definition(manager: EntityManager, input: ReminderRuleInput, current: ReminderRule | null): Promise<RuleDefinition> {
    const rule = validateRule({
      name: input.name ?? current?.name ?? '',
      resourceType: input.resourceType ?? current?.resourceType ?? '',
      dateField: input.dateField ?? current?.dateField ?? '',
      offsetDays: input.offsetDays ?? current?.offsetDays ?? 0,
      atTime: input.atTime !== undefined ? (input.atTime || null) : (current?.atTime ?? null),
      activityTypeId: input.activityTypeId ?? current?.activityTypeId ?? '',
      summaryTemplate: input.summaryTemplate ?? current?.summaryTemplate ?? '',
      noteTemplate: input.noteTemplate !== undefined ? optionalText(input.noteTemplate, 'noteTemplate', 20_000) : (current?.noteTemplate ?? null),
      assigneeKind: input.assigneeKind ?? current?.assigneeKind ?? 'SALESPERSON',
      assigneeRole: input.assigneeRole !== undefined ? input.assigneeRole : (current?.assigneeRole ?? null),
      conditions: input.conditions ? input.conditions.map((c) => ({ field: c.field, operator: c.operator, values: c.values ?? [] })) : (current?.conditions ?? []),
    });
    requireUuid(rule.activityTypeId, 'activityTypeId', 'activity type');
    const type = await manager.query(`SELECT 1 FROM activities.activity_type WHERE id = $1 AND active`, [rule.activityTypeId]);
    if (!type.length) throw badInput('activityTypeId', `unknown activity type ${rule.activityTypeId}`);
    return rule;
  }

  async create(input: ReminderRuleInput, ctx: BaseContext): Promise<ReminderRule> {
    const user = requireRole(ctx, ['admin']);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const r = await this.definition(manager, input, null);
      const id = uuidv7(now.getTime());
      await manager.query(
        `INSERT INTO activities.reminder_rule (id, name, resource_type, date_field, offset_days, at_time, activity_type_id, summary_template,
           note_template, assignee_kind, assignee_role, conditions, active, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $14, $15, $15)`,
        [id, r.name, r.resourceType, r.dateField, r.offsetDays, r.atTime, r.activityTypeId, r.summaryTemplate, r.noteTemplate, r.assigneeKind,
          r.assigneeRole, JSON.stringify(r.conditions), input.active ?? true, now, user.id],
      );
      return (await this.get(manager, id))!;
    });
  }

  async update(input: ReminderRuleInput, ctx: BaseContext): Promise<ReminderRule> {
    const user = requireRole(ctx, ['admin']);
    const id = requireUuid(input.id, 'id', 'reminder rule');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(manager, id, true);
      if (!current) throw notFound('ReminderRule', id);
      if (input.expectedVersion != null && input.expectedVersion !== current.version) {
        throw staleVersion('ReminderRule', id, input.expectedVersion, current.version);
      }
      const r = await this.definition(manager, input, current);
      await manager.query(
        `UPDATE activities.reminder_rule SET name = $2, resource_type = $3, date_field = $4, offset_days = $5, at_time = $6, activity_type_id = $7,
           summary_template = $8, note_template = $9, assignee_kind = $10, assignee_role = $11, conditions = $12::jsonb, active = $13,
           version = version + 1, updated_at = $14, updated_by = $15
         WHERE id = $1`,
        [id, r.name, r.resourceType, r.dateField, r.offsetDays, r.atTime, r.activityTypeId, r.summaryTemplate, r.noteTemplate, r.assigneeKind,
          r.assigneeRole, JSON.stringify(r.conditions), input.active ?? current.active, now, user.id],
      );
      const updated = (await this.get(manager, id))!;
      // Same date field, new offset or time: the open reminders move with the rule (the next
      // applyReminderRules compares anchors only, so it would leave them where they were).
      if (updated.active && updated.resourceType === current.resourceType && updated.dateField === current.dateField) {
        await this.engine.retime(manager, updated, current, user.id, now);
      }
      return updated;
    });
  }

  /** Runs the active rules of a record type over all its known records now (administrators). */
  async applyToAll(input: { resourceType?: string }, ctx: BaseContext) {
    requireRole(ctx, ['admin']);
    if (!input.resourceType || !RESOURCE_TYPES[input.resourceType]) {
      throw badInput('resourceType', `unknown resource type "${String(input.resourceType)}"`);
    }
    return this.engine.applyToAll(this.dataSource, input.resourceType);
  }

  async branchRoles(branchId: string | null | undefined, runner: Pick<EntityManager, 'query'> = this.dataSource): Promise<BranchRole[]> {
    const rows = await runner.query(
      `SELECT branch_id, role, user_id, version, updated_at, updated_by FROM activities.branch_role
       ${branchId ? 'WHERE branch_id = $1' : ''} ORDER BY branch_id, role`,
      branchId ? [branchId] : [],
    );
    return rows.map((r: Record<string, never>) => ({
      branchId: r['branch_id'],
      role: r['role'],
      userId: r['user_id'],
      version: r['version'],
      updatedAt: r['updated_at'],
      updatedBy: r['updated_by'],
    }));
  }

  /**
   * Who holds a role (e.g. crm_admin, "Admin CRM H23") in a branch; a null user clears it. The
   * open reminders the role's rules gave the previous holder move to the new one (`reassigned`).
   */
  async setBranchRole(
    input: { branchId?: string; role?: string; userId?: string | null },
    ctx: BaseContext,
  ): Promise<{ assignment: BranchRole | null; reassignedReminders: number }> {
    const user = requireRole(ctx, ['admin']);
    // libs/auth's branch rule: a branch administrator sets roles of their own branches only (FORBIDDEN elsewhere).
    const branchId = resolveBranch(user, input.branchId, { required: true })!;
    const role = (input.role ?? '').trim();
    if (!/^[a-z][a-z0-9_]{1,49}$/.test(role)) throw badInput('role', 'a role name like crm_admin (lower case, digits, _)');
    const now = this.clock.now();
    const userId = input.userId ? requireUuid(input.userId, 'userId', 'user') : null;
    if (userId && userId !== user.id) {
      const profile = await this.users.get(this.dataSource, userId);
      if (!profile || !profile.active) throw badInput('userId', `unknown or archived user ${userId}`);
    }
    return this.dataSource.transaction(async (manager) => {
      // One change of a branch's role at a time (the previous holder decides which reminders move).
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [branchRoleLockKey(branchId, role)]);
      const held = await manager.query(`SELECT user_id FROM activities.branch_role WHERE branch_id = $1 AND role = $2`, [branchId, role]);
      const previous: string | null = held[0]?.user_id ?? null;
      if (!userId) {
        await manager.query(`DELETE FROM activities.branch_role WHERE branch_id = $1 AND role = $2`, [branchId, role]);
      } else {
        await manager.query(
          `INSERT INTO activities.branch_role (branch_id, role, user_id, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (branch_id, role) DO UPDATE SET user_id = EXCLUDED.user_id, version = activities.branch_role.version + 1,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [branchId, role, userId, now, user.id],
        );
      }
      const reassignedReminders = await this.engine.reassignRole(manager, branchId, role, previous, userId, user.id, now);
      const assignment = userId ? ((await this.branchRoles(branchId, manager)).find((r) => r.role === role) ?? null) : null;
      return { assignment, reassignedReminders };
    });
  }
}
