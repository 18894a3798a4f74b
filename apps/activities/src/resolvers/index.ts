import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import { localDate } from '../domain/calendar';
import { proposedDueDate } from '../domain/chaining';
import { effectiveTimeZone } from '../domain/due-state';
import { offsetLabel } from '../domain/reminder-rule';
import { RESOURCE_TYPES } from '../domain/resource-types';
import { changeLine, type TrackedChange } from '../domain/tracking';
import type { ActivitiesContext } from '../context';
import type { ActivityType } from '../entities/activity-type';
import type { Meeting, MeetingAttendee } from '../entities/meeting';
import type { Message } from '../entities/message';
import type { ReminderRule } from '../entities/reminder-rule';
import type { ActivityFilter, NextActivityInput } from '../services/activity-service';
import type { ActivityTypeInput } from '../services/activity-type-service';
import type { MeetingResult, MeetingWarning } from '../services/meeting-service';
import type { PostMessageInput } from '../services/message-service';
import type { ReminderRuleInput } from '../services/reminder-rule-service';
import type { ScheduleActivityInput } from '../domain/activity-input';
import type { MeetingInput } from '../domain/meeting-input';
import { activityResolvers, recordResolverMap } from './activity-fields';

type Ctx = ActivitiesContext;
type Args<T> = { input: T };
type AttendeeArg = { kind: string; id: string };

const lowerAttendees = (list: AttendeeArg[] | null | undefined) => list?.map((a) => ({ kind: a.kind.toLowerCase(), id: a.id }));
const meetingPayload = (r: MeetingResult) => r;
const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

function ruleInput(input: Record<string, unknown>): ReminderRuleInput {
  const { assignee, ...rest } = input;
  return { ...(rest as ReminderRuleInput), ...(assignee !== undefined ? { assigneeKind: assignee as ReminderRuleInput['assigneeKind'] } : {}) };
}

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Query: {
    activityTypes: (_: unknown, args: { includeArchived?: boolean }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.activityTypes.list(args.includeArchived === true);
    },
    activityType: (_: unknown, args: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.activityType.load(args.id);
    },
    activity: (_: unknown, args: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.activity.load(args.id);
    },
    activities: (
      _: unknown,
      args: { filter?: ActivityFilter; orderBy?: 'DUE_DATE_ASC' | 'DUE_DATE_DESC'; first?: number; after?: string },
      ctx: Ctx,
    ) => ctx.activities.list(args, ctx),
    meeting: (_: unknown, args: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.meeting.load(args.id);
    },
    meetings: (
      _: unknown,
      args: { filter: { from: Date; to: Date; attendee?: AttendeeArg | null; resourceType?: string; resourceId?: string; includeCancelled?: boolean }; first?: number; after?: string },
      ctx: Ctx,
    ) => ctx.meetings.list(args, ctx),
    messages: (
      _: unknown,
      args: { resourceType: string; resourceId: string; kinds?: ('NOTE' | 'MESSAGE' | 'TRACKING')[]; first?: number; after?: string },
      ctx: Ctx,
    ) => ctx.messages.list(args, ctx),
    reminderRules: (_: unknown, args: { includeArchived?: boolean }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.rules.list(args.includeArchived === true);
    },
    branchRoles: (_: unknown, args: { branchId?: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.rules.branchRoles(args.branchId);
    },
    activityResourceTypes: (_: unknown, __: unknown, ctx: Ctx) => {
      requireUser(ctx);
      return Object.values(RESOURCE_TYPES).map((d) => ({
        name: d.name,
        label: d.label,
        owner: d.owner,
        dateFields: Object.keys(d.dateFields),
        dateProperties: d.dateProperties,
      }));
    },
  },
  Mutation: {
    createActivityType: async (_: unknown, { input }: Args<ActivityTypeInput>, ctx: Ctx) => ({ activityType: await ctx.activityTypes.create(input, ctx) }),
    updateActivityType: async (_: unknown, { input }: Args<ActivityTypeInput>, ctx: Ctx) => ({ activityType: await ctx.activityTypes.update(input, ctx) }),
    scheduleActivity: async (_: unknown, { input }: Args<ScheduleActivityInput>, ctx: Ctx) => ({ activity: await ctx.activities.schedule(input, ctx) }),
    markActivityDone: (_: unknown, { input }: Args<{ id: string; feedback?: string; expectedVersion?: number; next?: NextActivityInput }>, ctx: Ctx) =>
      ctx.activities.markDone(input, ctx),
    cancelActivity: async (_: unknown, { input }: Args<{ id: string; reason?: string; expectedVersion?: number }>, ctx: Ctx) => ({
      activity: await ctx.activities.cancel(input, ctx),
    }),
    rescheduleActivity: async (_: unknown, { input }: Args<Parameters<Ctx['activities']['reschedule']>[0]>, ctx: Ctx) => ({
      activity: await ctx.activities.reschedule(input, ctx),
    }),
    snoozeActivity: async (_: unknown, { input }: Args<{ id: string; days?: number; expectedVersion?: number }>, ctx: Ctx) => ({
      activity: await ctx.activities.snooze(input, ctx),
    }),
    scheduleMeeting: async (_: unknown, { input }: Args<MeetingInput & { attendees?: AttendeeArg[]; organizerId?: string; createActivity?: boolean }>, ctx: Ctx) =>
      meetingPayload(await ctx.meetings.schedule({ ...input, attendees: lowerAttendees(input.attendees) }, ctx)),
    updateMeeting: async (_: unknown, { input }: Args<MeetingInput & { id: string; expectedVersion?: number; attendees?: AttendeeArg[] }>, ctx: Ctx) =>
      meetingPayload(await ctx.meetings.update({ ...input, attendees: lowerAttendees(input.attendees) }, ctx)),
    cancelMeeting: async (_: unknown, { input }: Args<{ id: string; expectedVersion?: number }>, ctx: Ctx) => meetingPayload(await ctx.meetings.cancel(input, ctx)),
    respondToMeeting: async (_: unknown, { input }: Args<{ meetingId: string; response: string; attendee?: AttendeeArg; expectedVersion?: number }>, ctx: Ctx) =>
      meetingPayload(await ctx.meetings.respond(input, ctx)),
    postMessage: async (_: unknown, { input }: Args<PostMessageInput>, ctx: Ctx) => ({ message: await ctx.messages.post(input, ctx) }),
    createReminderRule: async (_: unknown, { input }: Args<Record<string, unknown>>, ctx: Ctx) => ({ reminderRule: await ctx.rules.create(ruleInput(input), ctx) }),
    updateReminderRule: async (_: unknown, { input }: Args<Record<string, unknown>>, ctx: Ctx) => ({ reminderRule: await ctx.rules.update(ruleInput(input), ctx) }),
    applyReminderRules: (_: unknown, { input }: Args<{ resourceType: string }>, ctx: Ctx) => ctx.rules.applyToAll(input, ctx),
    setBranchRole: (_: unknown, { input }: Args<{ branchId: string; role: string; userId?: string | null }>, ctx: Ctx) => ctx.rules.setBranchRole(input, ctx),
  },
  ...activityResolvers,
  ...recordResolverMap,
  ActivityType: {
    __resolveReference: (r: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.activityType.load(r.id);
    },
    defaultDueDate: (t: ActivityType, _: unknown, ctx: Ctx) => proposedDueDate(t, localDate(ctx.now, effectiveTimeZone(null, ctx.user?.tz))),
    suggestedNextTypes: async (t: ActivityType, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.activityType.loadMany(t.suggestedNextTypeIds)).filter((x): x is ActivityType => !!x && !(x instanceof Error)),
    triggeredNextType: (t: ActivityType, _: unknown, ctx: Ctx) => (t.triggeredNextTypeId ? ctx.loaders.activityType.load(t.triggeredNextTypeId) : null),
  },
  Meeting: {
    __resolveReference: (r: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.meeting.load(r.id);
    },
    status: (m: Meeting) => m.status.toUpperCase(),
    durationMinutes: (m: Meeting) => Math.round((m.stop.getTime() - m.start.getTime()) / 60_000),
    opportunity: (m: Meeting) => (m.resourceType === 'Opportunity' && m.resourceId ? { __typename: 'Opportunity', id: m.resourceId } : null),
    organizer: (m: Meeting) => (m.organizerId ? { __typename: 'User', id: m.organizerId } : null),
    activity: (m: Meeting, _: unknown, ctx: Ctx) => ctx.loaders.meetingActivity.load(m.id),
  },
  MeetingAttendee: {
    kind: (a: MeetingAttendee) => a.kind.toUpperCase(),
    response: (a: MeetingAttendee) => a.response.toUpperCase(),
    contact: (a: MeetingAttendee) => (a.kind === 'contact' ? { __typename: 'Contact', id: a.id } : null),
    user: (a: MeetingAttendee) => (a.kind === 'user' ? { __typename: 'User', id: a.id } : null),
  },
  MeetingWarning: {
    attendeeKind: (w: MeetingWarning) => w.attendee.kind.toUpperCase(),
    attendeeId: (w: MeetingWarning) => w.attendee.id,
    attendeeName: (w: MeetingWarning) => w.attendee.name,
    meeting: (w: MeetingWarning, _: unknown, ctx: Ctx) => ctx.loaders.meeting.load(w.meetingId),
  },
  Message: {
    kind: (g: Message) => g.kind.toUpperCase(),
    activity: (g: Message, _: unknown, ctx: Ctx) => (g.activityId ? ctx.loaders.activity.load(g.activityId) : null),
    activityType: (g: Message, _: unknown, ctx: Ctx) => (g.activityTypeId ? ctx.loaders.activityType.load(g.activityTypeId) : null),
  },
  TrackedChange: {
    fromValue: (c: TrackedChange) => json(c.from),
    toValue: (c: TrackedChange) => json(c.to),
    text: (c: TrackedChange) => changeLine(c),
  },
  ReminderRule: {
    __resolveReference: (r: { id: string }, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.loaders.rule.load(r.id);
    },
    offsetLabel: (r: ReminderRule) => offsetLabel(r.offsetDays),
    activityType: (r: ReminderRule, _: unknown, ctx: Ctx) => ctx.loaders.activityType.load(r.activityTypeId),
    assignee: (r: ReminderRule) => r.assigneeKind,
  },
};
