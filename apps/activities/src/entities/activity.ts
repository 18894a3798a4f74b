import type { Row } from './row';
import type { ActivityStatus } from '../domain/due-state';
import type { ActivityCategory } from './activity-type';

/** activities.activity: a scheduled activity on any record (resourceType + resourceId). */
export interface Activity {
  id: string;
  typeId: string;
  typeName: string;
  category: ActivityCategory;
  resourceType: string;
  resourceId: string;
  summary: string | null;
  note: string | null;
  /** YYYY-MM-DD */
  dueDate: string;
  /** Local HH:MM, optional. */
  dueTime: string | null;
  assigneeId: string | null;
  status: ActivityStatus;
  doneAt: Date | null;
  doneById: string | null;
  feedback: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  cancelledByRule: boolean;
  ruleId: string | null;
  ruleAnchor: string | null;
  previousActivityId: string | null;
  meetingId: string | null;
  recordOwnerId: string | null;
  teamId: string | null;
  branchId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
  /** Joined: the assignee's time zone (from crm.contacts.user), the record's name. */
  assigneeTimeZone: string | null;
  assigneeName: string | null;
  resourceName: string | null;
  /** The type's whole row (joined anyway): primes the request's type loader, so `type { … }` costs no query. */
  typeRow: Row | null;
}

/** Selects an activity with its type, assignee profile and record name: `FROM activity a` + ACTIVITY_JOINS. */
export const ACTIVITY_COLUMNS = `a.id, a.type_id, t.name AS type_name, t.category, a.resource_type, a.resource_id, a.summary, a.note,
  to_char(a.due_date, 'YYYY-MM-DD') AS due_date, a.due_time, a.assignee_id, a.status, a.done_at, a.done_by, a.feedback,
  a.cancelled_at, a.cancel_reason, a.cancelled_by_rule, a.rule_id, to_char(a.rule_anchor, 'YYYY-MM-DD') AS rule_anchor,
  a.previous_activity_id, a.meeting_id, a.record_owner_id, a.team_id, a.branch_id, a.version, a.created_at, a.updated_at,
  a.created_by, a.updated_by, u.time_zone AS assignee_time_zone, u.name AS assignee_name, r.name AS resource_name,
  to_jsonb(t) AS type_row`;

export const ACTIVITY_JOINS = `JOIN activities.activity_type t ON t.id = a.type_id
  LEFT JOIN activities.user_profile u ON u.id = a.assignee_id
  LEFT JOIN activities.resource r ON r.resource_type = a.resource_type AND r.resource_id = a.resource_id`;

export function toActivity(r: Row): Activity {
  return {
    id: r['id'],
    typeId: r['type_id'],
    typeName: r['type_name'],
    category: r['category'],
    resourceType: r['resource_type'],
    resourceId: r['resource_id'],
    summary: r['summary'],
    note: r['note'],
    dueDate: r['due_date'],
    dueTime: r['due_time'],
    assigneeId: r['assignee_id'],
    status: r['status'],
    doneAt: r['done_at'],
    doneById: r['done_by'],
    feedback: r['feedback'],
    cancelledAt: r['cancelled_at'],
    cancelReason: r['cancel_reason'],
    cancelledByRule: r['cancelled_by_rule'],
    ruleId: r['rule_id'],
    ruleAnchor: r['rule_anchor'],
    previousActivityId: r['previous_activity_id'],
    meetingId: r['meeting_id'],
    recordOwnerId: r['record_owner_id'],
    teamId: r['team_id'],
    branchId: r['branch_id'],
    version: r['version'],
    createdAt: r['created_at'],
    updatedAt: r['updated_at'],
    createdBy: r['created_by'],
    updatedBy: r['updated_by'],
    assigneeTimeZone: r['assignee_time_zone'] ?? null,
    assigneeName: r['assignee_name'] ?? null,
    resourceName: r['resource_name'] ?? null,
    typeRow: r['type_row'] ?? null,
  };
}
