import type { Row } from './row';
import type { AssigneeKind, RuleCondition } from '../domain/reminder-rule';

/** activities.reminder_rule: "relative to <a date of a record type>: offset, type, summary, assignee, condition". */
export interface ReminderRule {
  id: string;
  name: string;
  resourceType: string;
  dateField: string;
  offsetDays: number;
  atTime: string | null;
  activityTypeId: string;
  summaryTemplate: string;
  noteTemplate: string | null;
  assigneeKind: AssigneeKind;
  assigneeRole: string | null;
  conditions: RuleCondition[];
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export const RULE_COLUMNS = `id, name, resource_type, date_field, offset_days, at_time, activity_type_id, summary_template,
  note_template, assignee_kind, assignee_role, conditions, active, version, created_at, updated_at, created_by, updated_by`;

export function toReminderRule(r: Row): ReminderRule {
  return {
    id: r['id'],
    name: r['name'],
    resourceType: r['resource_type'],
    dateField: r['date_field'],
    offsetDays: r['offset_days'],
    atTime: r['at_time'],
    activityTypeId: r['activity_type_id'],
    summaryTemplate: r['summary_template'],
    noteTemplate: r['note_template'],
    assigneeKind: r['assignee_kind'],
    assigneeRole: r['assignee_role'],
    conditions: r['conditions'] ?? [],
    active: r['active'],
    version: r['version'],
    createdAt: r['created_at'],
    updatedAt: r['updated_at'],
    createdBy: r['created_by'],
    updatedBy: r['updated_by'],
  };
}
