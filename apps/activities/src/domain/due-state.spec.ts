import { colorOf, daysLeft, dueState, effectiveTimeZone, mostUrgent } from './due-state';

describe('due state in the assignee’s time zone', () => {
  const due = '2026-11-25';

  it('is planned before the day, today on it, overdue after — in Jakarta (UTC+7)', () => {
    expect(dueState(due, new Date('2026-11-24T16:59:59Z'), 'Asia/Jakarta')).toBe('PLANNED'); // 23:59:59 on the 24th
    expect(dueState(due, new Date('2026-11-24T17:00:00Z'), 'Asia/Jakarta')).toBe('TODAY'); // midnight, the 25th
    expect(dueState(due, new Date('2026-11-25T16:59:59Z'), 'Asia/Jakarta')).toBe('TODAY');
    expect(dueState(due, new Date('2026-11-25T17:00:00Z'), 'Asia/Jakarta')).toBe('OVERDUE');
  });

  it('gives different answers at one instant for assignees in different zones', () => {
    const instant = new Date('2026-11-25T02:00:00Z'); // 09:00 Jakarta, 21:00 (24th) New York, 15:00 Auckland
    expect(dueState(due, instant, 'Asia/Jakarta')).toBe('TODAY');
    expect(dueState(due, instant, 'America/New_York')).toBe('PLANNED');
    expect(dueState('2026-11-24', instant, 'America/New_York')).toBe('TODAY');
    expect(dueState(due, instant, 'Pacific/Auckland')).toBe('TODAY');
    expect(dueState('2026-11-24', instant, 'Pacific/Auckland')).toBe('OVERDUE');
    expect(dueState(due, instant, 'UTC')).toBe('TODAY');
  });

  it('crosses midnight across a daylight-saving change and a year end', () => {
    // Berlin leaves summer time on 2026-10-25 at 03:00 (CEST) → 02:00 (CET).
    expect(dueState('2026-10-25', new Date('2026-10-24T21:59:59Z'), 'Europe/Berlin')).toBe('PLANNED');
    expect(dueState('2026-10-25', new Date('2026-10-24T22:00:00Z'), 'Europe/Berlin')).toBe('TODAY');
    expect(dueState('2026-10-25', new Date('2026-10-25T22:59:59Z'), 'Europe/Berlin')).toBe('TODAY');
    expect(dueState('2026-10-25', new Date('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('OVERDUE');
    expect(dueState('2027-01-01', new Date('2026-12-31T17:00:00Z'), 'Asia/Jakarta')).toBe('TODAY');
    expect(daysLeft('2027-01-01', new Date('2026-12-30T17:00:00Z'), 'Asia/Jakarta')).toBe(1);
    expect(daysLeft('2026-12-01', new Date('2027-01-01T00:00:00Z'), 'UTC')).toBe(-31);
  });

  it('uses the assignee’s zone, else the caller’s, else UTC; unknown zones are ignored', () => {
    expect(effectiveTimeZone('Asia/Makassar', 'Asia/Jakarta')).toBe('Asia/Makassar');
    expect(effectiveTimeZone(null, 'Asia/Jakarta')).toBe('Asia/Jakarta');
    expect(effectiveTimeZone('Mars/Olympus', 'Not/AZone')).toBe('UTC');
  });

  it('shows the most urgent open activity on the card, in Odoo’s colours', () => {
    expect(mostUrgent([])).toBe('NONE');
    expect(mostUrgent(['PLANNED', 'TODAY', 'PLANNED'])).toBe('TODAY');
    expect(mostUrgent(['PLANNED', 'OVERDUE', 'TODAY'])).toBe('OVERDUE');
    expect(['OVERDUE', 'TODAY', 'PLANNED', 'NONE'].map((s) => colorOf(s as never))).toEqual(['RED', 'YELLOW', 'GREEN', 'GREY']);
  });
});
