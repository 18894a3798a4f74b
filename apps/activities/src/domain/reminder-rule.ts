import { badInput } from '@crm/graphql';
import { addDays, isValidTimeOfDay, zonedInstant } from './calendar';
import { isKnownDateField, readDate, readPath, RESOURCE_TYPES, validateResourceRef } from './resource-types';

export type ConditionOperator = 'EQ' | 'NEQ' | 'IN' | 'NOT_IN' | 'SET' | 'NOT_SET';
export interface RuleCondition {
  field: string;
  operator: ConditionOperator;
  values: string[];
}
export type AssigneeKind = 'SALESPERSON' | 'BRANCH_ROLE';

export interface RuleTiming {
  /** Days relative to the anchor date: −7, −3, 0, +3 … */
  offsetDays: number;
  /** Local time of day (HH:MM) the activity is due at, e.g. 08:00 on the booking day. */
  atTime: string | null;
}

export interface RuleDue {
  dueDate: string;
  dueTime: string | null;
  /** The instant of dueDate + dueTime in the record's time zone (null without a time). */
  dueAt: Date | null;
}

/** Where a rule puts its activity: anchor date + offset days, at the rule's local time if it has one. */
export function ruleDue(anchor: string, timing: RuleTiming, tz: string): RuleDue {
  const dueDate = addDays(anchor, timing.offsetDays);
  return { dueDate, dueTime: timing.atTime, dueAt: timing.atTime ? zonedInstant(dueDate, timing.atTime, tz) : null };
}

/** "H-7", "H+3", "H" (the dealer's notation for offsets from the day). */
export function offsetLabel(offsetDays: number): string {
  return offsetDays === 0 ? 'H' : offsetDays > 0 ? `H+${offsetDays}` : `H${offsetDays}`;
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function conditionHolds(c: RuleCondition, state: Record<string, unknown>): boolean {
  const value = asText(readPath(state, c.field));
  switch (c.operator) {
    case 'SET':
      return value !== null;
    case 'NOT_SET':
      return value === null;
    case 'EQ':
    case 'IN':
      return value !== null && c.values.includes(value);
    case 'NEQ':
    case 'NOT_IN':
      return value === null || !c.values.includes(value);
  }
}

export function conditionsHold(conditions: RuleCondition[], state: Record<string, unknown>): boolean {
  return conditions.every((c) => conditionHolds(c, state));
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Fills `{{path}}` placeholders from the record's state (plus `date`, the anchor); unknown ones stay empty. */
export function renderTemplate(template: string, state: Record<string, unknown>, extra: Record<string, string> = {}): string {
  return template.replace(PLACEHOLDER, (_, path: string) => extra[path] ?? asText(readPath(state, path)) ?? '').trim();
}

export interface RuleDefinition extends RuleTiming {
  name: string;
  resourceType: string;
  dateField: string;
  activityTypeId: string;
  summaryTemplate: string;
  noteTemplate: string | null;
  assigneeKind: AssigneeKind;
  assigneeRole: string | null;
  conditions: RuleCondition[];
}

const OPERATORS: ConditionOperator[] = ['EQ', 'NEQ', 'IN', 'NOT_IN', 'SET', 'NOT_SET'];
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Validates a rule definition; BAD_USER_INPUT naming the field (e.g. an unknown date field). */
export function validateRule(rule: RuleDefinition): RuleDefinition {
  const name = rule.name.trim();
  if (name === '') throw badInput('name', 'name must not be empty');
  if (!RESOURCE_TYPES[rule.resourceType]) validateResourceRef(rule.resourceType, null);
  const def = RESOURCE_TYPES[rule.resourceType]!;
  if (!isKnownDateField(def, rule.dateField)) {
    const known = [...Object.keys(def.dateFields), ...(def.dateProperties ? ['properties.<key>'] : [])];
    throw badInput('dateField', `unknown date field "${rule.dateField}" of ${def.name}; known: ${known.join(', ')}`);
  }
  if (!Number.isInteger(rule.offsetDays) || Math.abs(rule.offsetDays) > 366) {
    throw badInput('offsetDays', 'offsetDays must be a whole number of days within a year');
  }
  if (rule.atTime !== null && !isValidTimeOfDay(rule.atTime)) throw badInput('atTime', 'atTime must be HH:MM (00:00–23:59)');
  if (rule.summaryTemplate.trim() === '') throw badInput('summaryTemplate', 'summaryTemplate must not be empty');
  if (rule.assigneeKind === 'BRANCH_ROLE' && !rule.assigneeRole?.trim()) {
    throw badInput('assigneeRole', 'a BRANCH_ROLE assignee needs the role name');
  }
  rule.conditions.forEach((c, i) => {
    if (!FIELD_PATH.test(c.field)) throw badInput(`conditions.${i}.field`, `"${c.field}" is not a field path`);
    if (!OPERATORS.includes(c.operator)) throw badInput(`conditions.${i}.operator`, `unknown operator ${c.operator}`);
    if (!['SET', 'NOT_SET'].includes(c.operator) && c.values.length === 0) {
      throw badInput(`conditions.${i}.values`, `${c.operator} needs at least one value`);
    }
  });
  return { ...rule, name, assigneeRole: rule.assigneeKind === 'BRANCH_ROLE' ? rule.assigneeRole!.trim() : null };
}

/** The rule's activity for one record, as it stands. */
export interface ExistingRuleActivity {
  id: string;
  status: 'open' | 'done' | 'cancelled';
  anchor: string;
  dueDate: string;
  /** Cancelled by the rule engine (condition stopped holding), not by a person. */
  cancelledByRule: boolean;
}

export type RulePlan =
  | { action: 'none'; reason: string }
  | { action: 'create'; anchor: string; due: RuleDue }
  | { action: 'reschedule'; id: string; anchor: string; due: RuleDue }
  | { action: 'cancel'; id: string; reason: string };

/**
 * What a rule does for one record after one of its events: create the reminder, move it when
 * the date moved, cancel it when the condition stopped holding, or nothing. Pure; `today` is
 * the day in the record's time zone. A reminder whose day has already passed is not created.
 */
export function planRule(
  rule: RuleTiming & { dateField: string; conditions: RuleCondition[] },
  record: { state: Record<string, unknown>; active: boolean },
  existing: ExistingRuleActivity | null,
  today: string,
  tz: string,
): RulePlan {
  const anchor = readDate(record.state, rule.dateField, tz);
  const holds = record.active && anchor !== null && conditionsHold(rule.conditions, record.state);
  if (!holds) {
    if (existing?.status === 'open') {
      const reason = !record.active ? 'the record was archived or cancelled' : anchor === null ? `${rule.dateField} is empty` : 'the condition no longer holds';
      return { action: 'cancel', id: existing.id, reason };
    }
    return { action: 'none', reason: 'condition does not hold' };
  }
  const due = ruleDue(anchor, rule, tz);
  if (existing?.status === 'open') {
    return existing.anchor === anchor ? { action: 'none', reason: 'already scheduled' } : { action: 'reschedule', id: existing.id, anchor, due };
  }
  if (existing && existing.anchor === anchor && !(existing.status === 'cancelled' && existing.cancelledByRule)) {
    return { action: 'none', reason: `already ${existing.status} for this date` };
  }
  if (due.dueDate < today) return { action: 'none', reason: 'the reminder day has passed' };
  return { action: 'create', anchor, due };
}
