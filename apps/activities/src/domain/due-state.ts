import { daysBetween, isValidTimeZone, localDate } from './calendar';

/** Odoo's activity states: due before today, today, or later — in the assignee's time zone. */
export type DueState = 'OVERDUE' | 'TODAY' | 'PLANNED';
export type ActivityStatus = 'open' | 'done' | 'cancelled';
/** What a record's card shows: its most urgent open activity, or none. */
export type CardState = DueState | 'NONE';
export type CardColor = 'RED' | 'YELLOW' | 'GREEN' | 'GREY';

const URGENCY: Record<CardState, number> = { OVERDUE: 0, TODAY: 1, PLANNED: 2, NONE: 3 };
const COLORS: Record<CardState, CardColor> = { OVERDUE: 'RED', TODAY: 'YELLOW', PLANNED: 'GREEN', NONE: 'GREY' };

/**
 * The time zone an activity's state is computed in: the assignee's (from crm.contacts.user
 * events), else the caller's token `tz`, else UTC.
 */
export function effectiveTimeZone(assigneeTz: string | null | undefined, callerTz: string | null | undefined): string {
  if (isValidTimeZone(assigneeTz)) return assigneeTz;
  if (isValidTimeZone(callerTz)) return callerTz;
  return 'UTC';
}

/** Days until the due date in `tz` (0 today, negative when overdue). */
export function daysLeft(dueDate: string, now: Date, tz: string): number {
  return daysBetween(localDate(now, tz), dueDate);
}

export function dueState(dueDate: string, now: Date, tz: string): DueState {
  const days = daysLeft(dueDate, now, tz);
  return days < 0 ? 'OVERDUE' : days === 0 ? 'TODAY' : 'PLANNED';
}

/** The most urgent of the states of a record's open activities (NONE when there are none). */
export function mostUrgent(states: Iterable<DueState>): CardState {
  let best: CardState = 'NONE';
  for (const s of states) if (URGENCY[s] < URGENCY[best]) best = s;
  return best;
}

export function colorOf(state: CardState): CardColor {
  return COLORS[state];
}
