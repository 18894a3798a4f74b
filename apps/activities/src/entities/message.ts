import type { Row } from './row';
import type { TrackedChange } from '../domain/tracking';

export type MessageKind = 'note' | 'message' | 'tracking';

export interface Attachment {
  name: string;
  mimeType: string | null;
  sizeBytes: number | null;
  url: string | null;
}

/** activities.message: one chatter entry on a record's timeline. */
export interface Message {
  id: string;
  resourceType: string;
  resourceId: string;
  kind: MessageKind;
  authorId: string | null;
  authorName: string | null;
  subject: string | null;
  body: string | null;
  trackedChanges: TrackedChange[];
  attachments: Attachment[];
  activityId: string | null;
  activityTypeId: string | null;
  sourceEventType: string | null;
  createdAt: Date;
}

export const MESSAGE_COLUMNS = `g.id, g.resource_type, g.resource_id, g.kind, g.author_id, au.name AS author_name, g.subject, g.body,
  g.tracked_changes, g.attachments, g.activity_id, g.activity_type_id, g.source_event_type, g.created_at`;
export const MESSAGE_JOINS = `LEFT JOIN activities.user_profile au ON au.id = g.author_id`;

export function toMessage(r: Row): Message {
  return {
    id: r['id'],
    resourceType: r['resource_type'],
    resourceId: r['resource_id'],
    kind: r['kind'],
    authorId: r['author_id'],
    authorName: r['author_name'] ?? null,
    subject: r['subject'],
    body: r['body'],
    trackedChanges: r['tracked_changes'] ?? [],
    attachments: r['attachments'] ?? [],
    activityId: r['activity_id'],
    activityTypeId: r['activity_type_id'],
    sourceEventType: r['source_event_type'],
    createdAt: r['created_at'],
  };
}
