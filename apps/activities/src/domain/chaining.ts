import { addDays, addMonths } from './calendar';

export type DelayUnit = 'DAYS' | 'WEEKS' | 'MONTHS';
/** Odoo's delay_from: after the completion date ("current_date") or after the previous deadline. */
export type DelayFrom = 'AFTER_COMPLETION' | 'AFTER_PREVIOUS_DEADLINE';
export type ChainingType = 'SUGGEST' | 'TRIGGER';

export interface Delay {
  delayCount: number;
  delayUnit: DelayUnit;
  delayFrom: DelayFrom;
}

export function addDelay(date: string, count: number, unit: DelayUnit): string {
  switch (unit) {
    case 'DAYS':
      return addDays(date, count);
    case 'WEEKS':
      return addDays(date, count * 7);
    case 'MONTHS':
      return addMonths(date, count);
  }
}

/**
 * The due date a type proposes for a new activity: `delay` after today (the completion day of
 * the previous activity, or simply the day it is scheduled), or after the previous activity's
 * deadline when the type says so and there is one.
 */
export function proposedDueDate(type: Delay, today: string, previousDeadline?: string | null): string {
  const base = type.delayFrom === 'AFTER_PREVIOUS_DEADLINE' && previousDeadline ? previousDeadline : today;
  return addDelay(base, type.delayCount, type.delayUnit);
}

export interface ChainSource {
  chainingType: ChainingType;
  triggeredNextTypeId: string | null;
  suggestedNextTypeIds: string[];
}

/** What marking an activity of this type done leads to: an automatic next one, or suggestions. */
export function chainAfterDone(type: ChainSource): { trigger: string | null; suggestions: string[] } {
  if (type.chainingType === 'TRIGGER' && type.triggeredNextTypeId) return { trigger: type.triggeredNextTypeId, suggestions: [] };
  return { trigger: null, suggestions: type.chainingType === 'SUGGEST' ? type.suggestedNextTypeIds : [] };
}
