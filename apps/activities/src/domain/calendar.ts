/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) and IANA time zones, without a date library:
 * Intl answers "what is the wall-clock date/time in zone Z at instant T", everything else is
 * UTC arithmetic on calendar days.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when the runtime knows the IANA zone (e.g. Asia/Jakarta). */
export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    formatterOf(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallClock {
  date: string;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock date and time in `tz` at `instant`. */
export function wallClock(instant: Date, tz: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(tz).formatToParts(instant)) parts[p.type] = p.value;
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

/** The calendar day in `tz` at `instant` (what "today" means for a user of that zone). */
export function localDate(instant: Date, tz: string): string {
  return wallClock(instant, tz).date;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * 86_400_000);
}

/** Months added like dateutil's relativedelta: Jan 31 + 1 month = Feb 28 (or 29). */
export function addMonths(date: string, months: number): string {
  const d = new Date(toUtcMs(date));
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(targetYear, targetMonth, Math.min(d.getUTCDate(), lastDay)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / 86_400_000);
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isValidTimeOfDay(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

/**
 * The instant at which the wall clock in `tz` shows `date` `time` (HH:MM). In a DST gap the
 * instant after the gap; in an overlap the first occurrence.
 */
export function zonedInstant(date: string, time: string, tz: string): Date {
  const m = HH_MM.exec(time);
  if (!m) throw new Error(`not a time of day HH:MM: ${time}`);
  const wanted = toUtcMs(date) + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  // Offset of the zone near the wanted instant, then correct once for a DST change in between.
  let guess = wanted - offsetMs(new Date(wanted), tz);
  const second = wanted - offsetMs(new Date(guess), tz);
  if (second !== guess) guess = Math.min(guess, second);
  return new Date(guess);
}

/** The zone's offset from UTC at `instant`, in ms (Asia/Jakarta: +7 h). */
export function offsetMs(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = toUtcMs(w.date) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}
