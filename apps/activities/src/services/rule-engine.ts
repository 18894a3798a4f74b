import type { DataSource, EntityManager } from 'typeorm';
import { appendToOutbox } from '@crm/messaging';
import type { CloudEvent } from '@crm/events';
import { envString, type Clock } from '@crm/runtime';
import { isValidTimeZone, localDate } from '../domain/calendar';
import { offsetLabel, planRule, renderTemplate, ruleDue, type ExistingRuleActivity, type RuleTiming } from '../domain/reminder-rule';
import { RESOURCE_COLUMNS, toResource, type ResourceRecord } from '../entities/resource';
import { RULE_COLUMNS, toReminderRule, type ReminderRule } from '../entities/reminder-rule';
import type { Row } from '../entities/row';
import type { ActivityService } from './activity-service';
import type { ActivityStore } from './activity-store';
import { activityEvent, SCHEMA } from './events';
import type { ResourceIndex } from './resource-index';
import type { UserDirectory } from './user-directory';

/** The advisory lock a branch's role is changed under (exclusive) and assigned from (shared). */
export function branchRoleLockKey(branchId: string | null, role: string): string {
  return `crm-branch-role:${branchId ?? ''}:${role}`;
}

/**
 * Runs the reminder rules of a record's type after each of its events, inside the consumer's
 * transaction: creates the reminder activities whose condition holds, moves them when the
 * anchor date moves, cancels them when the condition stops holding. Answers the events to publish.
 */
export class RuleEngine {
  private readonly defaultTz: string;

  constructor(
    private readonly clock: Clock,
    private readonly store: ActivityStore,
    private readonly activities: ActivityService,
    private readonly resources: ResourceIndex,
    private readonly users: UserDirectory,
  ) {
    const tz = envString('ACTIVITIES_DEFAULT_TIME_ZONE', 'UTC');
    this.defaultTz = isValidTimeZone(tz) ? tz : 'UTC';
  }

  async rulesOf(manager: EntityManager, resourceType: string): Promise<ReminderRule[]> {
    const rows = await manager.query(`SELECT ${RULE_COLUMNS} FROM activities.reminder_rule WHERE active AND resource_type = $1 ORDER BY offset_days, id`, [resourceType]);
    return rows.map(toReminderRule);
  }

  /** The record's salesperson; a booking has none of its own, so its opportunity's. */
  private async salesperson(manager: EntityManager, record: ResourceRecord): Promise<string | null> {
    if (record.ownerId) return record.ownerId;
    const opportunityId = record.state['opportunityId'];
    if (typeof opportunityId === 'string') return (await this.resources.find(manager, 'Opportunity', opportunityId.toLowerCase()))?.ownerId ?? null;
    return null;
  }

  private async assignee(manager: EntityManager, rule: ReminderRule, record: ResourceRecord): Promise<string | null> {
    if (rule.assigneeKind === 'BRANCH_ROLE' && rule.assigneeRole && record.branchId) {
      const rows = await manager.query(`SELECT user_id FROM activities.branch_role WHERE branch_id = $1 AND role = $2`, [record.branchId, rule.assigneeRole]);
      if (rows[0]) return rows[0].user_id;
    }
    // No one holds the role in the branch (or the rule names the salesperson): the salesperson.
    return this.salesperson(manager, record);
  }

  async run(manager: EntityManager, record: ResourceRecord, traceparent?: string): Promise<CloudEvent[]> {
    return (await this.evaluate(manager, record, traceparent)).events;
  }

  /** Runs the rules for one record; answers the events to publish and how many reminders moved. */
  async evaluate(manager: EntityManager, record: ResourceRecord, traceparent?: string): Promise<{ events: CloudEvent[]; rescheduled: number }> {
    const rules = await this.rulesOf(manager, record.resourceType);
    if (rules.length === 0) return { events: [], rescheduled: 0 };
    // One evaluation per record at a time (the consumer and an administrator's re-apply may meet).
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`crm-rules:${record.resourceType}:${record.resourceId}`]);
    // The branch roles the rules assign to cannot change hands until this commits (setBranchRole
    // moves the reminders of the previous holder: it must see the ones created here). Taken
    // before any activity row, as setBranchRole does, so the two never wait on each other in a circle.
    const roleKeys = [...new Set(rules.filter((r) => r.assigneeKind === 'BRANCH_ROLE' && r.assigneeRole).map((r) => branchRoleLockKey(record.branchId, r.assigneeRole!)))];
    if (record.branchId && roleKeys.length > 0) {
      await manager.query(`SELECT pg_advisory_xact_lock_shared(hashtext(k)) FROM unnest($1::text[]) AS k ORDER BY k`, [roleKeys.sort()]);
    }
    const existingRows: Row[] = await manager.query(
      `SELECT DISTINCT ON (rule_id) id, rule_id, status, to_char(rule_anchor, 'YYYY-MM-DD') AS anchor, to_char(due_date, 'YYYY-MM-DD') AS due_date, cancelled_by_rule
       FROM activities.activity WHERE rule_id = ANY($1::uuid[]) AND resource_type = $2 AND resource_id = $3
       ORDER BY rule_id, created_at DESC, id DESC`,
      [rules.map((r) => r.id), record.resourceType, record.resourceId],
    );
    const existing = new Map<string, ExistingRuleActivity>(
      existingRows.map((r) => [r['rule_id'], { id: r['id'], status: r['status'], anchor: r['anchor'], dueDate: r['due_date'], cancelledByRule: r['cancelled_by_rule'] }]),
    );
    const tz = (await this.users.branchTimeZone(manager, record.branchId)) ?? this.defaultTz;
    const now = this.clock.now();
    const today = localDate(now, tz);
    const events: CloudEvent[] = [];
    let rescheduled = 0;
    const active = record.active && !record.deleted;
    for (const rule of rules) {
      const plan = planRule(rule, { state: record.state, active }, existing.get(rule.id) ?? null, today, tz);
      if (plan.action === 'create') {
        const extra = { date: plan.anchor, offset: offsetLabel(rule.offsetDays), recordName: record.name ?? '' };
        const activity = await this.store.insert(
          manager,
          {
            typeId: rule.activityTypeId,
            resourceType: record.resourceType,
            resourceId: record.resourceId,
            summary: renderTemplate(rule.summaryTemplate, record.state, extra) || rule.name,
            note: rule.noteTemplate ? renderTemplate(rule.noteTemplate, record.state, extra) || null : null,
            dueDate: plan.due.dueDate,
            dueTime: plan.due.dueTime,
            assigneeId: await this.assignee(manager, rule, record),
            ruleId: rule.id,
            ruleAnchor: plan.anchor,
            recordOwnerId: record.ownerId,
            teamId: record.teamId,
            branchId: record.branchId,
          },
          null,
          now,
        );
        events.push(activityEvent('scheduled', activity, { time: now, traceparent }));
      } else if (plan.action === 'reschedule') {
        const before = await this.store.load(manager, plan.id, true);
        if (before?.status === 'open') {
          const set = { due_date: plan.due.dueDate, due_time: plan.due.dueTime, rule_anchor: plan.anchor };
          // applyReschedule appends its own `rescheduled` event to the outbox.
          if ((await this.activities.applyReschedule(manager, before, set, null, now, traceparent)) !== before) rescheduled += 1;
        }
      } else if (plan.action === 'cancel') {
        // Locked and re-read: someone may have marked it done meanwhile.
        const current = await this.store.load(manager, plan.id, true);
        if (current?.status !== 'open') continue;
        const activity = await this.store.update(
          manager,
          plan.id,
          { status: 'cancelled', cancelled_at: now, cancel_reason: `${rule.name}: ${plan.reason}`, cancelled_by_rule: true },
          null,
          now,
        );
        events.push(activityEvent('cancelled', activity, { time: now, traceparent, changes: { status: { from: 'open', to: 'cancelled' } } }));
      }
    }
    return { events, rescheduled };
  }

  /**
   * An administrator changed a rule's offset or time of day: its open reminders move to where the
   * rule now puts them (anchor + new offset, at the new time), each published as `rescheduled`.
   * A reminder a person has moved since (it is no longer where the old timing put it) stays put.
   * Runs in the rule update's transaction; answers how many moved.
   */
  async retime(manager: EntityManager, rule: ReminderRule, previous: RuleTiming, actor: string, now: Date): Promise<number> {
    if (rule.offsetDays === previous.offsetDays && rule.atTime === previous.atTime) return 0;
    const rows: Row[] = await manager.query(
      `SELECT id FROM activities.activity
       WHERE rule_id = $1 AND status = 'open' AND rule_anchor IS NOT NULL
         AND due_date = rule_anchor + $2::int AND due_time IS NOT DISTINCT FROM $3::text
       ORDER BY id FOR UPDATE`,
      [rule.id, previous.offsetDays, previous.atTime],
    );
    let moved = 0;
    for (const row of rows) {
      const before = await this.store.load(manager, row['id'], true);
      if (before?.status !== 'open' || !before.ruleAnchor) continue;
      // The date is the same in every zone: only dueAt (computed on read) depends on it.
      const due = ruleDue(before.ruleAnchor, rule, 'UTC');
      if ((await this.activities.applyReschedule(manager, before, { due_date: due.dueDate, due_time: due.dueTime }, actor, now)) !== before) moved += 1;
    }
    return moved;
  }

  /**
   * Someone else now holds a role in a branch (or no one does): the open reminders the role's
   * rules gave its previous holder — or, when no one held it, the salesperson they fell back to —
   * go to the new holder (no one: the salesperson), each published as `rescheduled`. Reminders
   * are created ahead of their day, so without this the months of reminders already planned
   * would stay with someone who no longer does the job. One a person gave to someone else stays.
   */
  async reassignRole(manager: EntityManager, branchId: string, role: string, previous: string | null, next: string | null, actor: string, now: Date): Promise<number> {
    if (previous !== null && previous === next) return 0;
    const rows: Row[] = await manager.query(
      `SELECT a.id, a.assignee_id, a.resource_type, a.resource_id FROM activities.activity a JOIN activities.reminder_rule r ON r.id = a.rule_id
       WHERE a.status = 'open' AND a.branch_id = $1 AND r.assignee_kind = 'BRANCH_ROLE' AND r.assignee_role = $2
       ORDER BY a.id FOR UPDATE OF a`,
      [branchId, role],
    );
    let moved = 0;
    for (const row of rows) {
      let fallback: string | null = null;
      if (previous === null || next === null) {
        const record = await this.resources.find(manager, row['resource_type'], row['resource_id']);
        fallback = record ? await this.salesperson(manager, record) : null;
      }
      if (row['assignee_id'] !== (previous ?? fallback)) continue;
      const to = next ?? fallback;
      if (to === row['assignee_id']) continue;
      const before = await this.store.load(manager, row['id'], true);
      if (before?.status !== 'open') continue;
      if ((await this.activities.applyReschedule(manager, before, { assignee_id: to }, actor, now)) !== before) moved += 1;
    }
    return moved;
  }

  /**
   * Applies the rules to every indexed record of a type (after an administrator adds or changes
   * a rule: the rules otherwise only run on a record's next event), in batches of 200 records.
   */
  async applyToAll(dataSource: DataSource, resourceType: string): Promise<{ records: number; scheduled: number; rescheduled: number; cancelled: number }> {
    const totals = { records: 0, scheduled: 0, rescheduled: 0, cancelled: 0 };
    let after = '';
    for (;;) {
      const done = await dataSource.transaction(async (manager) => {
        const rows: Row[] = await manager.query(
          `SELECT ${RESOURCE_COLUMNS} FROM activities.resource WHERE resource_type = $1 AND NOT deleted AND resource_id > $2 ORDER BY resource_id LIMIT 200`,
          [resourceType, after],
        );
        const out: CloudEvent[] = [];
        for (const row of rows) {
          const result = await this.evaluate(manager, toResource(row));
          totals.records += 1;
          totals.rescheduled += result.rescheduled;
          for (const e of result.events) {
            if (e.type.endsWith('.scheduled.v1')) totals.scheduled += 1;
            if (e.type.endsWith('.cancelled.v1')) totals.cancelled += 1;
          }
          out.push(...result.events);
        }
        await appendToOutbox(manager, SCHEMA, out);
        if (rows.length) after = rows[rows.length - 1]!['resource_id'];
        return rows.length < 200;
      });
      if (done) return totals;
    }
  }
}
