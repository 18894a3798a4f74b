import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@crm/runtime';
import type { TrackedChange } from '../domain/tracking';
import { MESSAGE_COLUMNS, MESSAGE_JOINS, toMessage, type Attachment, type Message, type MessageKind } from '../entities/message';

export interface NewMessage {
  resourceType: string;
  resourceId: string;
  kind: MessageKind;
  authorId: string | null;
  subject?: string | null;
  body: string | null;
  trackedChanges?: TrackedChange[];
  attachments?: Attachment[];
  activityId?: string | null;
  activityTypeId?: string | null;
  sourceEventId?: string | null;
  sourceEventType?: string | null;
  createdAt: Date;
}

/** Chatter rows, written inside the caller's transaction. */
export class MessageStore {
  async insert(manager: EntityManager, m: NewMessage): Promise<Message> {
    const id = uuidv7(m.createdAt.getTime());
    const rows = await manager.query(
      `WITH g AS (
         INSERT INTO activities.message (id, resource_type, resource_id, kind, author_id, subject, body, tracked_changes, attachments,
           activity_id, activity_type_id, source_event_id, source_event_type, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13, $14) RETURNING *)
       SELECT ${MESSAGE_COLUMNS} FROM g ${MESSAGE_JOINS}`,
      [
        id, m.resourceType, m.resourceId, m.kind, m.authorId, m.subject ?? null, m.body,
        JSON.stringify(m.trackedChanges ?? []), JSON.stringify(m.attachments ?? []),
        m.activityId ?? null, m.activityTypeId ?? null, m.sourceEventId ?? null, m.sourceEventType ?? null, m.createdAt,
      ],
    );
    return toMessage(rows[0]);
  }
}
