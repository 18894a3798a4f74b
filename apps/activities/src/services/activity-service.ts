import type { DataSource, EntityManager } from 'typeorm';
import { requireUser, type AuthUser } from '@crm/auth';
import { badInput, invalidTransition, notFound, parsePage, staleVersion, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import type { CloudEvent } from '@crm/events';
import { addDays, localDate } from '../domain/calendar';
import { chainAfterDone, proposedDueDate } from '../domain/chaining';
import { effectiveTimeZone } from '../domain/due-state';
import {
  optionalText,
  requireUuid,
  snoozedDueDate,
  validateDueDate,
  validateDueTime,
  validateScheduleInput,
  type ScheduleActivityInput,
} from '../domain/activity-input';
import { ACTIVITY_COLUMNS, ACTIVITY_JOINS, toActivity, type Activity } from '../entities/activity';
import type { ActivityType } from '../entities/activity-type';
import type { Message } from '../entities/message';
import type { ActivityStore, ActivityColumns } from './activity-store';
import type { ActivityTypeService } from './activity-type-service';
import { activityEvent, messageEvent, SCHEMA } from './events';
import type { MessageStore } from './message-store';
import type { ResourceIndex } from './resource-index';
import type { UserDirectory } from './user-directory';
import { activityVisibility, canSeeActivity, canSeeRecord } from './visibility';

export type ActivityStateFilter = 'OVERDUE' | 'TODAY' | 'PLANNED' | 'DONE' | 'CANCELLED';

export interface ActivityFilter {
  assigneeId?: string | null;
  allAssignees?: boolean | null;
  states?: ActivityStateFilter[] | null;
  typeIds?: string[] | null;
  resourceType?: string | null;
  resourceId?: string | null;
  dueFrom?: string | null;
  dueTo?: string | null;
}

export interface NextActivityInput {
  typeId?: string | null;
  summary?: string | null;
  note?: string | null;
  dueDate?: string | null;
  dueTime?: string | null;
  assigneeId?: string | null;
}

export interface SuggestedActivity {
  type: ActivityType;
  dueDate: string;
}

export interface DoneResult {
  activity: Activity;
  message: Message;
  nextActivity: Activity | null;
  suggestedNext: SuggestedActivity[];
}

type Changes = Record<string, { from: unknown; to: unknown }>;

/** Scheduled activities: schedule, done (with chatter and chaining), cancel, reschedule, snooze, lists. */
export class ActivityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly store: ActivityStore,
    private readonly types: ActivityTypeService,
    private readonly resources: ResourceIndex,
    private readonly users: UserDirectory,
    private readonly messages: MessageStore,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /**
   * The assignee must be the caller or a known, active user (from crm.contacts.user). With the
   * record's branch (`recordBranchId`, null for head office's records): a branch user works
   * only in their branches (issue 8), so an activity of another branch cannot be given to them
   * — they could not see it.
   */
  async checkAssignee(
    runner: Pick<EntityManager, 'query'>,
    assigneeId: string | null,
    user: AuthUser,
    field: string,
    recordBranchId?: string | null,
  ): Promise<string | null> {
    if (assigneeId === null || (assigneeId === user.id && recordBranchId === undefined)) return assigneeId;
    const profile = assigneeId === user.id ? { active: true, branchIds: user.branchIds } : await this.users.get(runner, assigneeId);
    if (!profile) throw badInput(field, `unknown user ${assigneeId}`);
    if (!profile.active) throw badInput(field, `user ${assigneeId} is archived`);
    if (recordBranchId !== undefined && profile.branchIds.length > 0 && (recordBranchId === null || !profile.branchIds.includes(recordBranchId))) {
      throw badInput(field, `user ${assigneeId} does not work in ${recordBranchId === null ? 'head office' : `branch ${recordBranchId}`}`);
    }
    return assigneeId;
  }

  async activeType(runner: Pick<EntityManager, 'query'>, typeId: string, resourceType: string, field = 'typeId'): Promise<ActivityType> {
    const type = await this.types.get(runner, typeId);
    if (!type || !type.active) throw badInput(field, `unknown activity type ${typeId}`);
    if (type.resourceTypes.length > 0 && !type.resourceTypes.includes(resourceType)) {
      throw badInput(field, `${type.name} activities are not available on ${resourceType} records`);
    }
    return type;
  }

  async schedule(input: ScheduleActivityInput, ctx: BaseContext): Promise<Activity> {
    const user = requireUser(ctx);
    const draft = validateScheduleInput(input);
    const record = await this.resources.require(draft.resource.name, draft.resourceId, 'resourceId', (r) => canSeeRecord(user, r));
    const type = await this.activeType(this.dataSource, draft.typeId, draft.resource.name);
    const wanted = draft.assigneeId === undefined ? (type.defaultUserId ?? user.id) : draft.assigneeId;
    const assigneeId = await this.checkAssignee(this.dataSource, wanted, user, 'assigneeId', record.branchId);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const activity = await this.store.insert(
        manager,
        {
          typeId: type.id,
          resourceType: record.resourceType,
          resourceId: record.resourceId,
          summary: draft.summary ?? type.summary,
          note: draft.note ?? type.defaultNote,
          dueDate: draft.dueDate,
          dueTime: draft.dueTime,
          assigneeId,
          recordOwnerId: record.ownerId,
          teamId: record.teamId,
          branchId: record.branchId,
        },
        user.id,
        now,
      );
      await appendToOutbox(manager, SCHEMA, [activityEvent('scheduled', activity, { time: now, traceparent: ctx.traceparent })]);
      return activity;
    });
  }

  /** Loads an open activity for a change, locked; NOT_FOUND when the caller may not see it. */
  private async lockForChange(manager: EntityManager, id: string, user: AuthUser, expectedVersion: number | null | undefined, verb: string): Promise<Activity> {
    const activity = await this.store.load(manager, id, true);
    if (!activity || !canSeeActivity(user, activity)) throw notFound('Activity', id);
    if (expectedVersion != null && expectedVersion !== activity.version) throw staleVersion('Activity', id, expectedVersion, activity.version);
    if (activity.status !== 'open') {
      throw invalidTransition(`activity ${id} is already ${activity.status}; it cannot be ${verb}`, { status: activity.status });
    }
    return activity;
  }

  async markDone(
    input: { id?: string; feedback?: string | null; expectedVersion?: number | null; next?: NextActivityInput | null },
    ctx: BaseContext,
  ): Promise<DoneResult> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'activity');
    const feedback = optionalText(input.feedback, 'feedback', 20_000);
    const next = input.next ?? null;
    if (next) {
      requireUuid(next.typeId, 'next.typeId', 'activity type');
      if (next.dueDate) validateDueDate(next.dueDate, 'next.dueDate');
      validateDueTime(next.dueTime, 'next.dueTime');
      optionalText(next.summary, 'next.summary', 500);
      optionalText(next.note, 'next.note', 20_000);
    }
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForChange(manager, id, user, input.expectedVersion, 'marked done');
      const activity = await this.store.update(manager, id, { status: 'done', done_at: now, done_by: user.id, feedback }, user.id, now);
      const lines = [activity.summary, feedback ? `Feedback: ${feedback}` : null, activity.note ? `Original note: ${activity.note}` : null];
      const message = await this.messages.insert(manager, {
        resourceType: activity.resourceType,
        resourceId: activity.resourceId,
        kind: 'note',
        authorId: user.id,
        subject: `${activity.typeName} done`,
        body: lines.filter((l) => l).join('\n') || null,
        activityId: activity.id,
        activityTypeId: activity.typeId,
        createdAt: now,
      });
      const events: CloudEvent[] = [
        activityEvent('done', activity, { time: now, traceparent: ctx.traceparent, changes: { status: { from: before.status, to: 'done' } } }),
        messageEvent(message, { time: now, traceparent: ctx.traceparent }),
      ];

      const type = (await this.types.get(manager, activity.typeId))!;
      const today = localDate(now, effectiveTimeZone(activity.assigneeTimeZone, user.tz));
      const record = await this.resources.find(manager, activity.resourceType, activity.resourceId);
      const recordOpen = record !== null && record.active && !record.deleted;
      const chain = chainAfterDone(type);
      let nextActivity: Activity | null = null;
      const base = {
        resourceType: activity.resourceType,
        resourceId: activity.resourceId,
        previousActivityId: activity.id,
        recordOwnerId: record?.ownerId ?? activity.recordOwnerId,
        teamId: record?.teamId ?? activity.teamId,
        branchId: record?.branchId ?? activity.branchId,
      };
      if (next) {
        // "Done & schedule next": the caller's choice, prefilled from the type where left empty.
        const nextType = await this.activeType(manager, next.typeId!, activity.resourceType, 'next.typeId');
        const wanted = next.assigneeId === undefined ? (nextType.defaultUserId ?? activity.assigneeId ?? user.id) : next.assigneeId;
        nextActivity = await this.store.insert(
          manager,
          {
            ...base,
            typeId: nextType.id,
            summary: optionalText(next.summary, 'next.summary', 500) ?? nextType.summary,
            note: optionalText(next.note, 'next.note', 20_000) ?? nextType.defaultNote,
            dueDate: next.dueDate ?? proposedDueDate(nextType, today, activity.dueDate),
            dueTime: validateDueTime(next.dueTime, 'next.dueTime'),
            assigneeId: await this.checkAssignee(manager, wanted ? requireUuid(wanted, 'next.assigneeId', 'user') : null, user, 'next.assigneeId', base.branchId),
          },
          user.id,
          now,
        );
      } else if (chain.trigger && recordOpen) {
        const nextType = await this.types.get(manager, chain.trigger);
        if (nextType?.active) {
          nextActivity = await this.store.insert(
            manager,
            {
              ...base,
              typeId: nextType.id,
              summary: nextType.summary,
              note: nextType.defaultNote,
              dueDate: proposedDueDate(nextType, today, activity.dueDate),
              dueTime: null,
              assigneeId: nextType.defaultUserId ?? activity.assigneeId,
            },
            user.id,
            now,
          );
        }
      }
      if (nextActivity) events.push(activityEvent('scheduled', nextActivity, { time: now, traceparent: ctx.traceparent }));
      await appendToOutbox(manager, SCHEMA, events);

      const suggestedNext: SuggestedActivity[] = [];
      for (const typeId of chain.suggestions) {
        const t = await this.types.get(manager, typeId);
        if (t?.active) suggestedNext.push({ type: t, dueDate: proposedDueDate(t, today, activity.dueDate) });
      }
      return { activity, message, nextActivity, suggestedNext };
    });
  }

  async cancel(input: { id?: string; reason?: string | null; expectedVersion?: number | null }, ctx: BaseContext): Promise<Activity> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'activity');
    const reason = optionalText(input.reason, 'reason', 2000);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      await this.lockForChange(manager, id, user, input.expectedVersion, 'cancelled');
      const activity = await this.store.update(manager, id, { status: 'cancelled', cancelled_at: now, cancel_reason: reason }, user.id, now);
      await appendToOutbox(manager, SCHEMA, [
        activityEvent('cancelled', activity, { time: now, traceparent: ctx.traceparent, changes: { status: { from: 'open', to: 'cancelled' } } }),
      ]);
      return activity;
    });
  }

  async reschedule(
    input: {
      id?: string;
      dueDate?: string | null;
      dueTime?: string | null;
      assigneeId?: string | null;
      summary?: string | null;
      note?: string | null;
      expectedVersion?: number | null;
    },
    ctx: BaseContext,
  ): Promise<Activity> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'activity');
    const set: ActivityColumns = {};
    if (input.dueDate !== undefined) set.due_date = validateDueDate(input.dueDate);
    if (input.dueTime !== undefined) set.due_time = validateDueTime(input.dueTime);
    if (input.summary !== undefined) set.summary = optionalText(input.summary, 'summary', 500);
    if (input.note !== undefined) set.note = optionalText(input.note, 'note', 20_000);
    if (input.assigneeId !== undefined && input.assigneeId !== null) requireUuid(input.assigneeId, 'assigneeId', 'user');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForChange(manager, id, user, input.expectedVersion, 'rescheduled');
      if (input.assigneeId !== undefined) set.assignee_id = await this.checkAssignee(manager, input.assigneeId, user, 'assigneeId', before.branchId);
      return this.applyReschedule(manager, before, set, user.id, now, ctx.traceparent);
    });
  }

  async snooze(input: { id?: string; days?: number | null; expectedVersion?: number | null }, ctx: BaseContext): Promise<Activity> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'activity');
    const days = input.days ?? 7;
    snoozedDueDate('2000-01-01', '2000-01-01', days, addDays); // validates `days` before anything is read
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForChange(manager, id, user, input.expectedVersion, 'snoozed');
      const today = localDate(now, effectiveTimeZone(before.assigneeTimeZone, user.tz));
      return this.applyReschedule(manager, before, { due_date: snoozedDueDate(before.dueDate, today, days, addDays) }, user.id, now, ctx.traceparent);
    });
  }

  /** Applies the changed columns and publishes `rescheduled` with what changed (nothing changed → no event). */
  async applyReschedule(manager: EntityManager, before: Activity, set: ActivityColumns, actor: string | null, now: Date, traceparent?: string): Promise<Activity> {
    const fields: [keyof ActivityColumns, keyof Activity][] = [
      ['due_date', 'dueDate'],
      ['due_time', 'dueTime'],
      ['assignee_id', 'assigneeId'],
      ['summary', 'summary'],
      ['note', 'note'],
      ['rule_anchor', 'ruleAnchor'],
    ];
    const changes: Changes = {};
    const effective: ActivityColumns = {};
    for (const [column, field] of fields) {
      if (!(column in set)) continue;
      const to = set[column];
      if (to === before[field]) continue;
      changes[field] = { from: before[field], to };
      (effective as Record<string, unknown>)[column] = to;
    }
    if (Object.keys(effective).length === 0) return before;
    const activity = await this.store.update(manager, before.id, effective, actor, now);
    delete changes['ruleAnchor'];
    await appendToOutbox(manager, SCHEMA, [activityEvent('rescheduled', activity, { time: now, traceparent, changes })]);
    return activity;
  }

  /** Activities by id that the caller may see (DataLoader batch: one query). */
  async findByIds(ids: readonly string[], user: AuthUser | null): Promise<(Activity | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const params: unknown[] = [valid];
    const visible = activityVisibility(user, params);
    const rows = await this.dataSource.query(`SELECT ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS} WHERE a.id = ANY($1::uuid[]) AND ${visible}`, params);
    const byId = new Map<string, Activity>(rows.map((r: Record<string, unknown>) => [r['id'], toActivity(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The Meeting activity of each meeting: the open one, else the latest (one query per batch). */
  async byMeetings(ids: readonly string[], user: AuthUser | null): Promise<(Activity | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const params: unknown[] = [valid];
    const visible = activityVisibility(user, params);
    const rows = await this.dataSource.query(
      `SELECT DISTINCT ON (a.meeting_id) ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS}
       WHERE a.meeting_id = ANY($1::uuid[]) AND ${visible}
       ORDER BY a.meeting_id, (a.status = 'open') DESC, a.created_at DESC`,
      params,
    );
    const byMeeting = new Map<string, Activity>(rows.map((r: Record<string, unknown>) => [r['meeting_id'], toActivity(r)]));
    return ids.map((id) => byMeeting.get(id) ?? null);
  }

  /**
   * The open activities of many records at once, by due date — one SQL query for any number of
   * records (the federated fields' DataLoader batch). Keys are "<type>:<id>".
   */
  async openByResources(keys: readonly string[], user: AuthUser | null): Promise<Activity[][]> {
    const types: string[] = [];
    const ids: string[] = [];
    for (const key of keys) {
      const at = key.indexOf(':');
      types.push(key.slice(0, at));
      ids.push(key.slice(at + 1).toLowerCase());
    }
    const params: unknown[] = [types, ids];
    const visible = activityVisibility(user, params);
    const rows = await this.dataSource.query(
      `SELECT ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS}
       WHERE (a.resource_type, a.resource_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND a.status = 'open' AND ${visible}
       ORDER BY a.due_date, a.due_time NULLS LAST, a.id`,
      params,
    );
    const grouped = new Map<string, Activity[]>();
    for (const row of rows) {
      const a = toActivity(row);
      const key = `${a.resourceType}:${a.resourceId}`;
      let list = grouped.get(key);
      if (!list) grouped.set(key, (list = []));
      list.push(a);
    }
    return keys.map((_, i) => grouped.get(`${types[i]}:${ids[i]}`) ?? []);
  }

  /** My Activities (and everyone's, within visibility): filters, due-date order, keyset pages. */
  async list(args: PageArgs & { filter?: ActivityFilter | null; orderBy?: 'DUE_DATE_ASC' | 'DUE_DATE_DESC' | null }, ctx: BaseContext): Promise<Connection<Activity>> {
    const user = requireUser(ctx);
    const page = parsePage(args);
    const f = args.filter ?? {};
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [activityVisibility(user, params)];
    if (!f.allAssignees || f.assigneeId) {
      const assignee = f.assigneeId ?? user.id;
      where.push(`a.assignee_id = ${p(requireUuid(assignee, 'filter.assigneeId', 'user'))}::uuid`);
    }
    let todayExpr: string | undefined;
    // "Today" in each assignee's zone (the caller's when the assignee's is unknown); parameters only when used.
    const today = () => (todayExpr ??= `((${p(this.clock.now())}::timestamptz AT TIME ZONE COALESCE(u.time_zone, ${p(effectiveTimeZone(null, user.tz))}))::date)`);
    const states = f.states?.length ? f.states : ['OVERDUE', 'TODAY', 'PLANNED'];
    const stateClauses = states.map((s) => {
      switch (s) {
        case 'OVERDUE':
          return `(a.status = 'open' AND a.due_date < ${today()})`;
        case 'TODAY':
          return `(a.status = 'open' AND a.due_date = ${today()})`;
        case 'PLANNED':
          return `(a.status = 'open' AND a.due_date > ${today()})`;
        case 'DONE':
          return `a.status = 'done'`;
        case 'CANCELLED':
          return `a.status = 'cancelled'`;
        default:
          throw badInput('filter.states', `unknown state ${String(s)}`);
      }
    });
    where.push(`(${stateClauses.join(' OR ')})`);
    if (f.typeIds?.length) {
      f.typeIds.forEach((t, i) => requireUuid(t, `filter.typeIds.${i}`, 'activity type'));
      where.push(`a.type_id = ANY(${p(f.typeIds)}::uuid[])`);
    }
    if (f.resourceType) where.push(`a.resource_type = ${p(f.resourceType)}`);
    if (f.resourceId) where.push(`a.resource_id = ${p(f.resourceId.toLowerCase())}`);
    if (f.dueFrom) where.push(`a.due_date >= ${p(validateDueDate(f.dueFrom, 'filter.dueFrom'))}::date`);
    if (f.dueTo) where.push(`a.due_date <= ${p(validateDueDate(f.dueTo, 'filter.dueTo'))}::date`);
    const countWhere = where.join(' AND ');
    const countParams = [...params];
    const desc = args.orderBy === 'DUE_DATE_DESC';
    if (page.after) {
      const [due, id] = page.after;
      if (typeof due !== 'string' || !isUuid(id)) throw badInput('after', 'invalid cursor');
      where.push(`(a.due_date, a.id) ${desc ? '<' : '>'} (${p(due)}::date, ${p(id)}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS} WHERE ${where.join(' AND ')}
       ORDER BY a.due_date ${desc ? 'DESC' : 'ASC'}, a.id ${desc ? 'DESC' : 'ASC'} LIMIT ${page.limit + 1}`,
      params,
    );
    return toConnection(rows.map(toActivity), page, (a) => [a.dueDate, a.id], async () => {
      const [{ n }] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM activities.activity a LEFT JOIN activities.user_profile u ON u.id = a.assignee_id WHERE ${countWhere}`,
        countParams,
      );
      return n as number;
    });
  }
}
