import { badInput, isValidDate } from '@crm/graphql';
import { addDays, zonedInstant } from './calendar';
import { optionalText, requireUuid } from './activity-input';
import { validateResourceRef } from './resource-types';

export type AttendeeKind = 'user' | 'contact';
export type AttendeeResponse = 'needs_action' | 'accepted' | 'declined' | 'tentative';

export interface AttendeeRef {
  kind: AttendeeKind;
  id: string;
}

export interface MeetingInput {
  title?: string | null;
  start?: Date | null;
  stop?: Date | null;
  durationMinutes?: number | null;
  allDay?: boolean | null;
  startDate?: string | null;
  stopDate?: string | null;
  location?: string | null;
  description?: string | null;
  attendees?: { kind: string; id: string }[] | null;
  resourceType?: string | null;
  resourceId?: string | null;
}

export interface MeetingDraft {
  title: string;
  start: Date;
  stop: Date;
  allDay: boolean;
  location: string | null;
  description: string | null;
  attendees: AttendeeRef[];
  resourceType: string | null;
  resourceId: string | null;
}

const MAX_MINUTES = 31 * 24 * 60;

/**
 * A meeting's fields: a title, and either start + stop or start + duration (timed), or a first
 * and last day (all day, in the organiser's time zone). It must end after it starts.
 */
export function validateMeetingInput(input: MeetingInput, tz: string): MeetingDraft {
  const title = (input.title ?? '').trim();
  if (title === '') throw badInput('title', 'a meeting needs a title');
  if (title.length > 500) throw badInput('title', 'title is longer than 500 characters');
  const allDay = input.allDay === true;
  let start: Date;
  let stop: Date;
  if (allDay) {
    const first = input.startDate ?? (input.start ? null : undefined);
    if (!first || !isValidDate(first)) throw badInput('startDate', 'an all-day meeting needs its first day (YYYY-MM-DD)');
    const last = input.stopDate ?? first;
    if (!isValidDate(last)) throw badInput('stopDate', `"${last}" is not a calendar date YYYY-MM-DD`);
    if (last < first) throw badInput('stopDate', 'a meeting must end after it starts');
    start = zonedInstant(first, '00:00', tz);
    stop = zonedInstant(addDays(last, 1), '00:00', tz);
  } else {
    if (!input.start) throw badInput('start', 'a meeting needs a start');
    start = input.start;
    if (input.stop) {
      stop = input.stop;
      if (stop.getTime() <= start.getTime()) throw badInput('stop', 'a meeting must end after it starts');
    } else if (input.durationMinutes !== null && input.durationMinutes !== undefined) {
      if (!Number.isInteger(input.durationMinutes) || input.durationMinutes <= 0) {
        throw badInput('durationMinutes', 'durationMinutes must be a positive whole number');
      }
      stop = new Date(start.getTime() + input.durationMinutes * 60_000);
    } else {
      throw badInput('stop', 'a meeting needs a stop or a duration');
    }
    if (stop.getTime() - start.getTime() > MAX_MINUTES * 60_000) throw badInput('stop', 'a meeting lasts at most 31 days');
  }
  const attendees: AttendeeRef[] = [];
  const seen = new Set<string>();
  (input.attendees ?? []).forEach((a, i) => {
    const kind = String(a.kind).toLowerCase();
    if (kind !== 'user' && kind !== 'contact') throw badInput(`attendees.${i}.kind`, 'an attendee is a USER or a CONTACT');
    const id = requireUuid(a.id, `attendees.${i}.id`, kind).toLowerCase();
    const key = `${kind}:${id}`;
    if (!seen.has(key)) attendees.push({ kind, id });
    seen.add(key);
  });
  if (attendees.length > 200) throw badInput('attendees', 'at most 200 attendees');
  let resourceType: string | null = null;
  let resourceId: string | null = null;
  if (input.resourceType || input.resourceId) {
    resourceType = validateResourceRef(input.resourceType, input.resourceId).name;
    resourceId = (input.resourceId as string).toLowerCase();
  }
  return {
    title,
    start,
    stop,
    allDay,
    location: optionalText(input.location, 'location', 500),
    description: optionalText(input.description, 'description', 20_000),
    attendees,
    resourceType,
    resourceId,
  };
}

/** Half-open intervals [start, stop) overlap when each starts before the other ends. */
export function overlaps(a: { start: Date; stop: Date }, b: { start: Date; stop: Date }): boolean {
  return a.start.getTime() < b.stop.getTime() && b.start.getTime() < a.stop.getTime();
}
