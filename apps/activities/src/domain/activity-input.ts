import { badInput, isValidDate } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { isValidTimeOfDay } from './calendar';
import { validateResourceRef, type ResourceTypeDef } from './resource-types';

export interface ScheduleActivityInput {
  resourceType?: string | null;
  resourceId?: string | null;
  typeId?: string | null;
  summary?: string | null;
  note?: string | null;
  dueDate?: string | null;
  dueTime?: string | null;
  assigneeId?: string | null;
}

export interface ActivityDraft {
  resource: ResourceTypeDef;
  resourceId: string;
  typeId: string;
  summary: string | null;
  note: string | null;
  dueDate: string;
  dueTime: string | null;
  /** undefined: not given (the type's default user, else the caller). */
  assigneeId: string | null | undefined;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > max) throw badInput(field, `${field} is longer than ${max} characters`);
  return text === '' ? null : text;
}

export function requireUuid(value: unknown, field: string, what: string): string {
  if (!isUuid(value)) throw badInput(field, `"${String(value ?? '')}" is not a valid ${what} id`);
  return value;
}

export function validateDueDate(value: string | null | undefined, field = 'dueDate'): string {
  if (value === null || value === undefined || value === '') throw badInput(field, 'a due date is required');
  if (!isValidDate(value)) throw badInput(field, `"${value}" is not a calendar date YYYY-MM-DD`);
  return value;
}

export function validateDueTime(value: string | null | undefined, field = 'dueTime'): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isValidTimeOfDay(value)) throw badInput(field, 'dueTime must be HH:MM (00:00–23:59)');
  return value;
}

/** Checks a new activity's fields (the resource's existence is checked against the index after). */
export function validateScheduleInput(input: ScheduleActivityInput): ActivityDraft {
  const resource = validateResourceRef(input.resourceType, input.resourceId);
  return {
    resource,
    resourceId: (input.resourceId as string).toLowerCase(),
    typeId: requireUuid(input.typeId, 'typeId', 'activity type'),
    summary: optionalText(input.summary, 'summary', 500),
    note: optionalText(input.note, 'note', 20_000),
    dueDate: validateDueDate(input.dueDate),
    dueTime: validateDueTime(input.dueTime),
    assigneeId: input.assigneeId === undefined ? undefined : input.assigneeId === null ? null : requireUuid(input.assigneeId, 'assigneeId', 'user'),
  };
}

/** Snoozing moves the due date `days` after the later of the due date and today (Odoo's snooze). */
export function snoozedDueDate(dueDate: string, today: string, days: number, addDays: (d: string, n: number) => string): string {
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badInput('days', 'days must be a whole number from 1 to 365');
  return addDays(dueDate > today ? dueDate : today, days);
}
