import { addDays, addMonths, daysBetween, isValidTimeOfDay, isValidTimeZone, localDate, zonedInstant } from './calendar';

describe('calendar arithmetic', () => {
  it('adds days and months like relativedelta (month ends clamp)', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-11-23', '2026-11-30')).toBe(7);
  });

  it('knows the local date and the instant of a wall-clock time in a zone', () => {
    expect(localDate(new Date('2026-11-23T17:30:00Z'), 'Asia/Jakarta')).toBe('2026-11-24');
    expect(zonedInstant('2026-11-30', '08:00', 'Asia/Jakarta').toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(zonedInstant('2026-07-01', '08:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T06:00:00.000Z');
    expect(zonedInstant('2026-12-01', '08:00', 'Europe/Berlin').toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(zonedInstant('2026-11-30', '00:00', 'UTC').toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('validates zones and times of day', () => {
    expect(isValidTimeZone('Asia/Jakarta')).toBe(true);
    expect(isValidTimeZone('Asia/Atlantis')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeOfDay('08:00')).toBe(true);
    expect(isValidTimeOfDay('24:00')).toBe(false);
    expect(isValidTimeOfDay('8:00')).toBe(false);
  });
});
