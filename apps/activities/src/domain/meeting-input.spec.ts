import type { GraphQLError } from 'graphql';
import { overlaps, validateMeetingInput, type MeetingInput } from './meeting-input';

const JKT = 'Asia/Jakarta';
const pepper = '01934d6e-0000-7000-8000-0000000000c1';

function fieldOf(input: MeetingInput): unknown {
  try {
    validateMeetingInput(input, JKT);
    return null;
  } catch (e) {
    return (e as GraphQLError).extensions['field'];
  }
}

describe('meeting input', () => {
  it('takes a duration or a stop, and refuses one that ends before it starts', () => {
    const start = new Date('2026-11-25T03:00:00Z');
    const draft = validateMeetingInput({ title: ' Meeting with Bu Pepper Potts ', start, durationMinutes: 60, attendees: [{ kind: 'CONTACT', id: pepper }, { kind: 'contact', id: pepper }] }, JKT);
    expect(draft.title).toBe('Meeting with Bu Pepper Potts');
    expect(draft.stop.toISOString()).toBe('2026-11-25T04:00:00.000Z');
    expect(draft.attendees).toEqual([{ kind: 'contact', id: pepper }]);
    expect(fieldOf({ title: 'x', start, stop: new Date('2026-11-25T02:00:00Z') })).toBe('stop');
    expect(fieldOf({ title: 'x', start, stop: start })).toBe('stop');
    expect(fieldOf({ title: 'x', start, durationMinutes: 0 })).toBe('durationMinutes');
    expect(fieldOf({ title: 'x', start })).toBe('stop');
    expect(fieldOf({ title: '', start, durationMinutes: 30 })).toBe('title');
    expect(fieldOf({ title: 'x', start, durationMinutes: 30, attendees: [{ kind: 'robot', id: pepper }] })).toBe('attendees.0.kind');
    expect(fieldOf({ title: 'x', start, durationMinutes: 30, attendees: [{ kind: 'user', id: 'me' }] })).toBe('attendees.0.id');
    expect(fieldOf({ title: 'x', start, durationMinutes: 30, resourceType: 'Opportunity', resourceId: 'nope' })).toBe('resourceId');
  });

  it('makes all-day meetings whole local days in the organiser’s zone', () => {
    const draft = validateMeetingInput({ title: 'Dealer day', allDay: true, startDate: '2026-12-01', stopDate: '2026-12-02' }, JKT);
    expect(draft.start.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(draft.stop.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(fieldOf({ title: 'x', allDay: true, startDate: '2026-12-02', stopDate: '2026-12-01' })).toBe('stopDate');
  });

  it('detects overlaps of half-open intervals', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 25, h));
    expect(overlaps({ start: at(3), stop: at(4) }, { start: at(3), stop: at(5) })).toBe(true);
    expect(overlaps({ start: at(3), stop: at(4) }, { start: at(4), stop: at(5) })).toBe(false);
    expect(overlaps({ start: at(2), stop: at(6) }, { start: at(3), stop: at(4) })).toBe(true);
  });
});
