import type { DataSource, EntityManager } from 'typeorm';
import { requireUser, type AuthUser } from '@crm/auth';
import { badInput, forbidden, invalidTransition, notFound, parsePage, staleVersion, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import type { CloudEvent } from '@crm/events';
import { requireUuid } from '../domain/activity-input';
import { localDate, wallClock } from '../domain/calendar';
import { effectiveTimeZone } from '../domain/due-state';
import { validateMeetingInput, type AttendeeRef, type AttendeeResponse, type MeetingDraft, type MeetingInput } from '../domain/meeting-input';
import { MEETING_COLUMNS, toMeeting, type Meeting } from '../entities/meeting';
import type { Activity } from '../entities/activity';
import type { ResourceRecord } from '../entities/resource';
import type { Row } from '../entities/row';
import type { ActivityService } from './activity-service';
import type { ActivityStore } from './activity-store';
import { activityEvent, meetingEvent, SCHEMA } from './events';
import type { ResourceIndex } from './resource-index';
import type { UserDirectory } from './user-directory';
import { canSeeRecord, meetingVisibility } from './visibility';

type Runner = Pick<EntityManager, 'query'>;

export interface MeetingWarning {
  code: 'OVERLAP';
  message: string;
  attendee: { kind: 'user' | 'contact'; id: string; name: string | null };
  meetingId: string;
  title: string | null;
  start: Date;
  stop: Date;
}

export interface MeetingResult {
  meeting: Meeting;
  activity: Activity | null;
  warnings: MeetingWarning[];
}

const RESPONSES: Record<string, AttendeeResponse> = {
  NEEDS_ACTION: 'needs_action',
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

/** Meetings (calendar events) with attendees, their linked Meeting activity, and overlap warnings. */
export class MeetingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly activities: ActivityService,
    private readonly store: ActivityStore,
    private readonly resources: ResourceIndex,
    private readonly users: UserDirectory,
  ) {}

  async load(runner: Runner, id: string, forUpdate = false): Promise<Meeting | null> {
    const rows = await runner.query(`SELECT ${MEETING_COLUMNS} FROM activities.meeting m WHERE m.id = $1 ${forUpdate ? 'FOR UPDATE OF m' : ''}`, [id]);
    return rows[0] ? toMeeting(rows[0]) : null;
  }

  private async organizerTimeZone(runner: Runner, organizerId: string | null, user: AuthUser): Promise<string> {
    const profile = organizerId ? await this.users.get(runner, organizerId) : null;
    return effectiveTimeZone(profile?.timeZone, user.tz);
  }

  /** Users must be the caller or known users; contacts must be known contacts (waiting briefly for fresh ones). */
  private async checkAttendees(attendees: AttendeeRef[], user: AuthUser): Promise<void> {
    for (const [i, a] of attendees.entries()) {
      if (a.kind === 'user') {
        await this.activities.checkAssignee(this.dataSource, a.id, user, `attendees.${i}.id`);
      } else {
        await this.resources.require('Contact', a.id, `attendees.${i}.id`);
      }
    }
  }

  private async linkedRecord(draft: MeetingDraft, user: AuthUser): Promise<ResourceRecord | null> {
    if (!draft.resourceType || !draft.resourceId) return null;
    const record = await this.resources.require(draft.resourceType, draft.resourceId, 'resourceId', (r) => canSeeRecord(user, r));
    return record;
  }

  async meetingTypeId(runner: Runner): Promise<string | null> {
    const rows = await runner.query(`SELECT id FROM activities.activity_type WHERE active AND category = 'MEETING' ORDER BY sequence, name LIMIT 1`);
    return rows[0]?.id ?? null;
  }

  async schedule(input: MeetingInput & { organizerId?: string | null; createActivity?: boolean | null }, ctx: BaseContext): Promise<MeetingResult> {
    const user = requireUser(ctx);
    const organizerId = input.organizerId ? requireUuid(input.organizerId, 'organizerId', 'user') : user.id;
    await this.activities.checkAssignee(this.dataSource, organizerId, user, 'organizerId');
    const tz = await this.organizerTimeZone(this.dataSource, organizerId, user);
    const draft = validateMeetingInput(input, tz);
    await this.checkAttendees(draft.attendees, user);
    const record = await this.linkedRecord(draft, user);
    if (!draft.attendees.some((a) => a.kind === 'user' && a.id === organizerId)) draft.attendees.unshift({ kind: 'user', id: organizerId });
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const id = uuidv7(now.getTime());
      await manager.query(
        `INSERT INTO activities.meeting (id, title, start_at, stop_at, all_day, location, description, organizer_id, resource_type, resource_id,
           record_owner_id, team_id, branch_id, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $15)`,
        [
          id, draft.title, draft.start, draft.stop, draft.allDay, draft.location, draft.description, organizerId, draft.resourceType,
          draft.resourceId, record?.ownerId ?? null, record?.teamId ?? null, record?.branchId ?? null, now, user.id,
        ],
      );
      await this.writeAttendees(manager, id, draft.attendees, organizerId, new Map());
      const meeting = (await this.load(manager, id))!;
      const events: CloudEvent[] = [meetingEvent('created', meeting, { time: now, traceparent: ctx.traceparent })];
      let activity: Activity | null = null;
      const typeId = record && input.createActivity !== false ? await this.meetingTypeId(manager) : null;
      if (record && typeId) {
        // Scheduling a meeting from a record also puts a Meeting activity on it (Odoo does the same).
        const local = wallClock(meeting.start, tz);
        activity = await this.store.insert(
          manager,
          {
            typeId,
            resourceType: record.resourceType,
            resourceId: record.resourceId,
            summary: meeting.title,
            note: meeting.description,
            dueDate: local.date,
            dueTime: meeting.allDay ? null : `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`,
            assigneeId: organizerId,
            meetingId: meeting.id,
            recordOwnerId: record.ownerId,
            teamId: record.teamId,
            branchId: record.branchId,
          },
          user.id,
          now,
        );
        events.push(activityEvent('scheduled', activity, { time: now, traceparent: ctx.traceparent }));
      }
      await appendToOutbox(manager, SCHEMA, events);
      const warnings = await this.overlaps(manager, meeting, user);
      return { meeting, activity, warnings };
    });
  }

  private async writeAttendees(
    manager: EntityManager,
    meetingId: string,
    attendees: AttendeeRef[],
    organizerId: string | null,
    keep: Map<string, AttendeeResponse>,
  ): Promise<void> {
    await manager.query(`DELETE FROM activities.meeting_attendee WHERE meeting_id = $1`, [meetingId]);
    if (attendees.length === 0) return;
    const responses = attendees.map((a) => keep.get(`${a.kind}:${a.id}`) ?? (a.kind === 'user' && a.id === organizerId ? 'accepted' : 'needs_action'));
    await manager.query(
      `INSERT INTO activities.meeting_attendee (meeting_id, kind, attendee_id, response, position)
       SELECT $1, k, i, r, p FROM unnest($2::text[], $3::uuid[], $4::text[], $5::int[]) AS x(k, i, r, p)`,
      [meetingId, attendees.map((a) => a.kind), attendees.map((a) => a.id), responses, attendees.map((_, i) => i)],
    );
  }

  /** Other scheduled meetings, overlapping this one, of any of its attendees (who have not declined either). */
  async overlaps(runner: Runner, meeting: Meeting, user: AuthUser): Promise<MeetingWarning[]> {
    const attending = meeting.attendees.filter((a) => a.response !== 'declined');
    if (meeting.status !== 'scheduled' || attending.length === 0) return [];
    const params: unknown[] = [meeting.id, meeting.start, meeting.stop, attending.map((a) => `${a.kind}:${a.id}`)];
    const visible = meetingVisibility(user, params);
    const rows = await runner.query(
      `SELECT m.id, m.start_at, m.stop_at, ma.kind, ma.attendee_id, CASE WHEN ${visible} THEN m.title END AS title
       FROM activities.meeting m JOIN activities.meeting_attendee ma ON ma.meeting_id = m.id
       WHERE m.status = 'scheduled' AND m.id <> $1 AND m.start_at < $3 AND m.stop_at > $2 AND ma.response <> 'declined'
         AND (ma.kind || ':' || ma.attendee_id::text) = ANY($4::text[])
       ORDER BY m.start_at, m.id, ma.kind, ma.attendee_id`,
      params,
    );
    const order = (kind: string, id: string) => meeting.attendees.findIndex((a) => a.kind === kind && a.id === id);
    rows.sort((x: Row, y: Row) => order(x['kind'], x['attendee_id']) - order(y['kind'], y['attendee_id']));
    return rows.map((r: Row) => {
      const attendee = meeting.attendees.find((a) => a.kind === r['kind'] && a.id === r['attendee_id'])!;
      const who = attendee.name ?? `${attendee.kind} ${attendee.id}`;
      return {
        code: 'OVERLAP' as const,
        message: `${who} has another meeting${r['title'] ? ` "${r['title']}"` : ''} from ${r['start_at'].toISOString()} to ${r['stop_at'].toISOString()}`,
        attendee: { kind: attendee.kind, id: attendee.id, name: attendee.name },
        meetingId: r['id'],
        title: r['title'],
        start: r['start_at'],
        stop: r['stop_at'],
      };
    });
  }

  private async lockForChange(manager: EntityManager, id: string, user: AuthUser, expectedVersion: number | null | undefined): Promise<Meeting> {
    const params: unknown[] = [id];
    const visible = meetingVisibility(user, params);
    const rows = await manager.query(`SELECT ${MEETING_COLUMNS} FROM activities.meeting m WHERE m.id = $1 AND ${visible} FOR UPDATE OF m`, params);
    if (!rows[0]) throw notFound('Meeting', id);
    const meeting = toMeeting(rows[0]);
    if (expectedVersion != null && expectedVersion !== meeting.version) throw staleVersion('Meeting', id, expectedVersion, meeting.version);
    if (meeting.status === 'cancelled') throw invalidTransition(`meeting ${id} is cancelled`, { status: meeting.status });
    return meeting;
  }

  private async linkedActivity(runner: Runner, meetingId: string): Promise<Activity | null> {
    const rows = await runner.query(`SELECT id FROM activities.activity WHERE meeting_id = $1 AND status = 'open' ORDER BY created_at LIMIT 1`, [meetingId]);
    return rows[0] ? this.store.load(runner, rows[0].id, true) : null;
  }

  /** Moves, renames or re-invites; the linked open Meeting activity follows the new date. */
  async update(input: MeetingInput & { id?: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<MeetingResult> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'meeting');
    const now = this.clock.now();
    const current = await this.load(this.dataSource, id);
    if (!current) throw notFound('Meeting', id);
    const tz = await this.organizerTimeZone(this.dataSource, current.organizerId, user);
    const timingGiven = input.start != null || input.stop != null || input.durationMinutes != null || input.allDay != null || input.startDate != null;
    const draft = validateMeetingInput(
      {
        title: input.title ?? current.title,
        allDay: input.allDay ?? current.allDay,
        start: timingGiven ? (input.start ?? current.start) : current.start,
        stop: timingGiven ? (input.stop ?? (input.durationMinutes != null ? null : current.stop)) : current.stop,
        durationMinutes: input.durationMinutes ?? null,
        startDate: input.startDate ?? (current.allDay ? localDate(current.start, tz) : null),
        stopDate: input.stopDate ?? (current.allDay && !input.startDate ? localDate(new Date(current.stop.getTime() - 1), tz) : null),
        location: input.location !== undefined ? input.location : current.location,
        description: input.description !== undefined ? input.description : current.description,
        attendees: input.attendees ?? current.attendees,
        resourceType: current.resourceType,
        resourceId: current.resourceId,
      },
      tz,
    );
    if (input.attendees) await this.checkAttendees(draft.attendees, user);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForChange(manager, id, user, input.expectedVersion);
      if (before.organizerId && !draft.attendees.some((a) => a.kind === 'user' && a.id === before.organizerId)) {
        draft.attendees.unshift({ kind: 'user', id: before.organizerId });
      }
      await manager.query(
        `UPDATE activities.meeting SET title = $2, start_at = $3, stop_at = $4, all_day = $5, location = $6, description = $7,
           version = version + 1, updated_at = $8, updated_by = $9 WHERE id = $1`,
        [id, draft.title, draft.start, draft.stop, draft.allDay, draft.location, draft.description, now, user.id],
      );
      const keep = new Map(before.attendees.map((a) => [`${a.kind}:${a.id}`, a.response] as const));
      const moved = before.start.getTime() !== draft.start.getTime() || before.stop.getTime() !== draft.stop.getTime();
      if (moved) {
        // A moved meeting asks everyone again, except the organiser.
        for (const key of keep.keys()) if (key !== `user:${before.organizerId}`) keep.delete(key);
      }
      await this.writeAttendees(manager, id, draft.attendees, before.organizerId, keep);
      const meeting = (await this.load(manager, id))!;
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const compare: [string, unknown, unknown][] = [
        ['title', before.title, meeting.title],
        ['start', before.start.toISOString(), meeting.start.toISOString()],
        ['stop', before.stop.toISOString(), meeting.stop.toISOString()],
        ['allDay', before.allDay, meeting.allDay],
        ['location', before.location, meeting.location],
        ['description', before.description, meeting.description],
        ['attendees', before.attendees.map((a) => `${a.kind}:${a.id}:${a.response}`), meeting.attendees.map((a) => `${a.kind}:${a.id}:${a.response}`)],
      ];
      for (const [field, from, to] of compare) if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
      await appendToOutbox(manager, SCHEMA, [meetingEvent('updated', meeting, { time: now, traceparent: ctx.traceparent, changes })]);
      let activity = await this.linkedActivity(manager, id);
      if (activity) {
        const local = wallClock(meeting.start, tz);
        activity = await this.activities.applyReschedule(
          manager,
          activity,
          {
            due_date: local.date,
            due_time: meeting.allDay ? null : `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`,
            summary: meeting.title,
          },
          user.id,
          now,
          ctx.traceparent,
        );
      }
      return { meeting, activity, warnings: await this.overlaps(manager, meeting, user) };
    });
  }

  async cancel(input: { id?: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<MeetingResult> {
    const user = requireUser(ctx);
    const id = requireUuid(input.id, 'id', 'meeting');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      await this.lockForChange(manager, id, user, input.expectedVersion);
      await manager.query(`UPDATE activities.meeting SET status = 'cancelled', version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $1`, [id, now, user.id]);
      const meeting = (await this.load(manager, id))!;
      const events: CloudEvent[] = [meetingEvent('cancelled', meeting, { time: now, traceparent: ctx.traceparent, changes: { status: { from: 'scheduled', to: 'cancelled' } } })];
      let activity = await this.linkedActivity(manager, id);
      if (activity) {
        activity = await this.store.update(manager, activity.id, { status: 'cancelled', cancelled_at: now, cancel_reason: 'the meeting was cancelled' }, user.id, now);
        events.push(activityEvent('cancelled', activity, { time: now, traceparent: ctx.traceparent, changes: { status: { from: 'open', to: 'cancelled' } } }));
      }
      await appendToOutbox(manager, SCHEMA, events);
      return { meeting, activity, warnings: [] };
    });
  }

  /** An attendee answers (the caller by default); only that user or the organiser may set a response. */
  async respond(
    input: { meetingId?: string; response?: string; attendee?: { kind: string; id: string } | null; expectedVersion?: number | null },
    ctx: BaseContext,
  ): Promise<MeetingResult> {
    const user = requireUser(ctx);
    const id = requireUuid(input.meetingId, 'meetingId', 'meeting');
    const response = RESPONSES[String(input.response)];
    if (!response) throw badInput('response', 'response is one of NEEDS_ACTION, ACCEPTED, DECLINED, TENTATIVE');
    const kind = (input.attendee?.kind ?? 'user').toLowerCase();
    const attendeeId = input.attendee ? requireUuid(input.attendee.id, 'attendee.id', kind) : user.id;
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForChange(manager, id, user, input.expectedVersion);
      const current = before.attendees.find((a) => a.kind === kind && a.id === attendeeId);
      if (!current) throw badInput('attendee', `${kind} ${attendeeId} is not invited to meeting ${id}`);
      const self = kind === 'user' && attendeeId === user.id;
      if (!self && before.organizerId !== user.id && user.role !== 'admin') throw forbidden('only the attendee or the organiser may answer');
      await manager.query(`UPDATE activities.meeting_attendee SET response = $4 WHERE meeting_id = $1 AND kind = $2 AND attendee_id = $3`, [id, kind, attendeeId, response]);
      await manager.query(`UPDATE activities.meeting SET version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $1`, [id, now, user.id]);
      const meeting = (await this.load(manager, id))!;
      await appendToOutbox(manager, SCHEMA, [
        meetingEvent('updated', meeting, {
          time: now,
          traceparent: ctx.traceparent,
          changes: { [`attendees.${kind}:${attendeeId}.response`]: { from: current.response, to: response } },
        }),
      ]);
      return { meeting, activity: null, warnings: [] };
    });
  }

  async findByIds(ids: readonly string[], user: AuthUser | null): Promise<(Meeting | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const params: unknown[] = [valid];
    const visible = meetingVisibility(user, params);
    const rows = await this.dataSource.query(`SELECT ${MEETING_COLUMNS} FROM activities.meeting m WHERE m.id = ANY($1::uuid[]) AND ${visible}`, params);
    const byId = new Map<string, Meeting>(rows.map((r: Record<string, unknown>) => [r['id'], toMeeting(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The calendar: meetings overlapping a range, optionally of one attendee, by start time. */
  async list(
    args: PageArgs & {
      filter: { from?: Date; to?: Date; attendee?: { kind: string; id: string } | null; resourceType?: string | null; resourceId?: string | null; includeCancelled?: boolean | null };
    },
    ctx: BaseContext,
  ): Promise<Connection<Meeting>> {
    const user = requireUser(ctx);
    const page = parsePage(args);
    const f = args.filter;
    if (!f.from || !f.to) throw badInput(!f.from ? 'filter.from' : 'filter.to', 'a calendar range needs from and to');
    if (f.to.getTime() <= f.from.getTime()) throw badInput('filter.to', 'the range must end after it starts');
    if (f.to.getTime() - f.from.getTime() > 400 * 86_400_000) throw badInput('filter.to', 'a calendar range spans at most 400 days');
    const params: unknown[] = [f.from, f.to];
    const where = ['m.start_at < $2', 'm.stop_at > $1', meetingVisibility(user, params)];
    if (!f.includeCancelled) where.push(`m.status = 'scheduled'`);
    if (f.attendee) {
      const kind = f.attendee.kind.toLowerCase();
      if (kind !== 'user' && kind !== 'contact') throw badInput('filter.attendee.kind', 'an attendee is a USER or a CONTACT');
      params.push(kind, requireUuid(f.attendee.id, 'filter.attendee.id', kind));
      where.push(`EXISTS (SELECT 1 FROM activities.meeting_attendee fa WHERE fa.meeting_id = m.id AND fa.kind = $${params.length - 1} AND fa.attendee_id = $${params.length}::uuid)`);
    }
    if (f.resourceType) {
      params.push(f.resourceType);
      where.push(`m.resource_type = $${params.length}`);
    }
    if (f.resourceId) {
      params.push(f.resourceId.toLowerCase());
      where.push(`m.resource_id = $${params.length}`);
    }
    const countWhere = where.join(' AND ');
    const countParams = [...params];
    if (page.after) {
      const [at, id] = page.after;
      if (typeof at !== 'string' || !isUuid(id)) throw badInput('after', 'invalid cursor');
      params.push(at, id);
      where.push(`(m.start_at, m.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${MEETING_COLUMNS} FROM activities.meeting m WHERE ${where.join(' AND ')} ORDER BY m.start_at, m.id LIMIT ${page.limit + 1}`,
      params,
    );
    return toConnection(rows.map(toMeeting), page, (m) => [m.start.toISOString(), m.id], async () => {
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM activities.meeting m WHERE ${countWhere}`, countParams);
      return n as number;
    });
  }
}
