import type { Row } from './row';
import type { ChainingType, DelayFrom, DelayUnit } from '../domain/chaining';

export type ActivityCategory = 'DEFAULT' | 'MEETING' | 'UPLOAD_DOCUMENT' | 'PHONE_CALL';

/** activities.activity_type: a kind of activity (Email, Call, Meeting, To-Do, Upload Document …). */
export interface ActivityType {
  id: string;
  name: string;
  summary: string | null;
  icon: string | null;
  category: ActivityCategory;
  sequence: number;
  active: boolean;
  delayCount: number;
  delayUnit: DelayUnit;
  delayFrom: DelayFrom;
  defaultUserId: string | null;
  defaultNote: string | null;
  chainingType: ChainingType;
  triggeredNextTypeId: string | null;
  suggestedNextTypeIds: string[];
  resourceTypes: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export const ACTIVITY_TYPE_COLUMNS = `t.id, t.name, t.summary, t.icon, t.category, t.sequence, t.active, t.delay_count, t.delay_unit,
  t.delay_from, t.default_user_id, t.default_note, t.chaining_type, t.triggered_next_type_id, t.suggested_next_type_ids,
  t.resource_types, t.version, t.created_at, t.updated_at, t.created_by, t.updated_by`;

export function toActivityType(r: Row): ActivityType {
  return {
    id: r['id'],
    name: r['name'],
    summary: r['summary'],
    icon: r['icon'],
    category: r['category'],
    sequence: r['sequence'],
    active: r['active'],
    delayCount: r['delay_count'],
    delayUnit: r['delay_unit'],
    delayFrom: r['delay_from'],
    defaultUserId: r['default_user_id'],
    defaultNote: r['default_note'],
    chainingType: r['chaining_type'],
    triggeredNextTypeId: r['triggered_next_type_id'],
    suggestedNextTypeIds: r['suggested_next_type_ids'] ?? [],
    resourceTypes: r['resource_types'] ?? [],
    version: r['version'],
    // A Date from a column, an ISO string from to_jsonb(t) (see ACTIVITY_COLUMNS).
    createdAt: new Date(r['created_at']),
    updatedAt: new Date(r['updated_at']),
    createdBy: r['created_by'],
    updatedBy: r['updated_by'],
  };
}
