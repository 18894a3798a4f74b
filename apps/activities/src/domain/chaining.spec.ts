import { addDelay, chainAfterDone, proposedDueDate } from './chaining';

describe('chaining delays', () => {
  it('adds n days, weeks or months', () => {
    expect(addDelay('2026-11-25', 2, 'DAYS')).toBe('2026-11-27');
    expect(addDelay('2026-11-25', 2, 'WEEKS')).toBe('2026-12-09');
    expect(addDelay('2026-12-31', 2, 'MONTHS')).toBe('2027-02-28');
    expect(addDelay('2026-11-25', 0, 'DAYS')).toBe('2026-11-25');
  });

  it('counts from the completion day, or from the previous deadline when the type says so', () => {
    const today = '2026-11-26'; // the previous activity was due on the 25th and done a day late
    expect(proposedDueDate({ delayCount: 3, delayUnit: 'DAYS', delayFrom: 'AFTER_COMPLETION' }, today, '2026-11-25')).toBe('2026-11-29');
    expect(proposedDueDate({ delayCount: 3, delayUnit: 'DAYS', delayFrom: 'AFTER_PREVIOUS_DEADLINE' }, today, '2026-11-25')).toBe('2026-11-28');
    expect(proposedDueDate({ delayCount: 1, delayUnit: 'MONTHS', delayFrom: 'AFTER_PREVIOUS_DEADLINE' }, today, null)).toBe('2026-12-26');
  });

  it('triggers the next type automatically, or only suggests', () => {
    expect(chainAfterDone({ chainingType: 'TRIGGER', triggeredNextTypeId: 'email', suggestedNextTypeIds: ['call'] })).toEqual({ trigger: 'email', suggestions: [] });
    expect(chainAfterDone({ chainingType: 'SUGGEST', triggeredNextTypeId: null, suggestedNextTypeIds: ['call', 'todo'] })).toEqual({ trigger: null, suggestions: ['call', 'todo'] });
    expect(chainAfterDone({ chainingType: 'TRIGGER', triggeredNextTypeId: null, suggestedNextTypeIds: [] })).toEqual({ trigger: null, suggestions: [] });
  });
});
