import { requireUser } from '@crm/auth';
import { zonedInstant } from '../domain/calendar';
import { colorOf, daysLeft, dueState, effectiveTimeZone, mostUrgent, type CardState } from '../domain/due-state';
import type { Activity } from '../entities/activity';
import type { ActivitiesContext } from '../context';

/** The zone an activity's state is computed in: its assignee's, else the caller's (token `tz`). */
export function zoneOf(a: Activity, ctx: ActivitiesContext): string {
  return effectiveTimeZone(a.assigneeTimeZone, ctx.user?.tz);
}

export function stateOf(a: Activity, ctx: ActivitiesContext): 'OVERDUE' | 'TODAY' | 'PLANNED' | 'DONE' | 'CANCELLED' {
  if (a.status === 'done') return 'DONE';
  if (a.status === 'cancelled') return 'CANCELLED';
  return dueState(a.dueDate, ctx.now, zoneOf(a, ctx));
}

/** The card state of a record: its most urgent open activity. */
export function cardStateOf(open: Activity[], ctx: ActivitiesContext): CardState {
  return mostUrgent(open.map((a) => dueState(a.dueDate, ctx.now, zoneOf(a, ctx))));
}

const ref = (typename: string, id: string) => ({ __typename: typename, id });

export const activityResolvers = {
  Activity: {
    __resolveReference: (r: { id: string }, ctx: ActivitiesContext) => {
      requireUser(ctx);
      return ctx.loaders.activity.load(r.id);
    },
    type: (a: Activity, _: unknown, ctx: ActivitiesContext) => ctx.loaders.activityType.load(a.typeId),
    status: (a: Activity) => a.status.toUpperCase(),
    state: (a: Activity, _: unknown, ctx: ActivitiesContext) => stateOf(a, ctx),
    daysLeft: (a: Activity, _: unknown, ctx: ActivitiesContext) => (a.status === 'open' ? daysLeft(a.dueDate, ctx.now, zoneOf(a, ctx)) : null),
    timeZone: (a: Activity, _: unknown, ctx: ActivitiesContext) => zoneOf(a, ctx),
    dueAt: (a: Activity, _: unknown, ctx: ActivitiesContext) => (a.dueTime ? zonedInstant(a.dueDate, a.dueTime, zoneOf(a, ctx)) : null),
    opportunity: (a: Activity) => (a.resourceType === 'Opportunity' ? ref('Opportunity', a.resourceId) : null),
    contact: (a: Activity) => (a.resourceType === 'Contact' ? ref('Contact', a.resourceId) : null),
    assignee: (a: Activity) => (a.assigneeId ? ref('User', a.assigneeId) : null),
    doneBy: (a: Activity) => (a.doneById ? ref('User', a.doneById) : null),
    quotation: (a: Activity) => (a.resourceType === 'Quotation' ? ref('Quotation', a.resourceId) : null),
    meeting: (a: Activity, _: unknown, ctx: ActivitiesContext) => (a.meetingId ? ctx.loaders.meeting.load(a.meetingId) : null),
    rule: (a: Activity, _: unknown, ctx: ActivitiesContext) => (a.ruleId ? ctx.loaders.rule.load(a.ruleId) : null),
  },
};

/** Opportunity / Contact / Quotation: the fields activities contributes, batched per request. */
function recordResolvers(resourceType: string) {
  const open = (r: { id: string }, ctx: ActivitiesContext) => ctx.loaders.openActivities.load(`${resourceType}:${r.id}`);
  return {
    __resolveReference: (r: { id: string }, ctx: ActivitiesContext) => {
      requireUser(ctx);
      return { id: r.id };
    },
    activities: (r: { id: string }, _: unknown, ctx: ActivitiesContext) => open(r, ctx),
    nextActivity: async (r: { id: string }, _: unknown, ctx: ActivitiesContext) => (await open(r, ctx))[0] ?? null,
    activityState: async (r: { id: string }, _: unknown, ctx: ActivitiesContext) => cardStateOf(await open(r, ctx), ctx),
    activityColor: async (r: { id: string }, _: unknown, ctx: ActivitiesContext) => colorOf(cardStateOf(await open(r, ctx), ctx)),
  };
}

export const recordResolverMap = {
  Opportunity: recordResolvers('Opportunity'),
  Contact: recordResolvers('Contact'),
  Quotation: recordResolvers('Quotation'),
};
