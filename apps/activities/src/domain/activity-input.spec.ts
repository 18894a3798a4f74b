import type { GraphQLError } from 'graphql';
import { addDays } from './calendar';
import { snoozedDueDate, validateScheduleInput, type ScheduleActivityInput } from './activity-input';

const base: ScheduleActivityInput = {
  resourceType: 'Opportunity',
  resourceId: '01934D6E-0000-7000-8000-0000000000AA',
  typeId: '01934d6e-0000-7000-8000-000000000002',
  summary: '  Discuss the 200 chairs  ',
  dueDate: '2026-11-25',
};

function fieldOf(input: ScheduleActivityInput): unknown {
  try {
    validateScheduleInput(input);
    return null;
  } catch (e) {
    return (e as GraphQLError).extensions['field'];
  }
}

describe('activity input', () => {
  it('normalises a valid activity', () => {
    const draft = validateScheduleInput(base);
    expect(draft).toMatchObject({ resourceId: '01934d6e-0000-7000-8000-0000000000aa', summary: 'Discuss the 200 chairs', dueDate: '2026-11-25', dueTime: null, assigneeId: undefined });
  });

  it.each([
    [{ dueDate: null }, 'dueDate'],
    [{ dueDate: '2026-02-30' }, 'dueDate'],
    [{ dueTime: '25:00' }, 'dueTime'],
    [{ resourceType: 'Spaceship' }, 'resourceType'],
    [{ resourceId: '123' }, 'resourceId'],
    [{ typeId: 'call' }, 'typeId'],
    [{ assigneeId: 'bob' }, 'assigneeId'],
    [{ summary: 'x'.repeat(501) }, 'summary'],
  ])('rejects %j naming %s', (patch, field) => {
    expect(fieldOf({ ...base, ...patch })).toBe(field);
  });

  it('snoozes from the later of the due date and today', () => {
    expect(snoozedDueDate('2026-11-20', '2026-11-25', 7, addDays)).toBe('2026-12-02');
    expect(snoozedDueDate('2026-11-30', '2026-11-25', 1, addDays)).toBe('2026-12-01');
    expect(() => snoozedDueDate('2026-11-30', '2026-11-25', 0, addDays)).toThrow('days');
  });
});
