import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { badInput, parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { optionalText } from '../domain/activity-input';
import { validateResourceRef } from '../domain/resource-types';
import { MESSAGE_COLUMNS, MESSAGE_JOINS, toMessage, type Attachment, type Message } from '../entities/message';
import { messageEvent, SCHEMA } from './events';
import type { MessageStore } from './message-store';
import type { ResourceIndex } from './resource-index';
import { canSeeRecord } from './visibility';

export interface PostMessageInput {
  resourceType?: string;
  resourceId?: string;
  kind?: 'NOTE' | 'MESSAGE' | 'TRACKING' | null;
  subject?: string | null;
  body?: string | null;
  attachments?: { name?: string; mimeType?: string | null; sizeBytes?: number | null; url?: string | null }[] | null;
}

function validateAttachments(input: PostMessageInput['attachments']): Attachment[] {
  const list = input ?? [];
  if (list.length > 20) throw badInput('attachments', 'at most 20 attachments');
  return list.map((a, i) => {
    const name = (a.name ?? '').trim();
    if (name === '' || name.length > 255) throw badInput(`attachments.${i}.name`, 'an attachment needs a name of at most 255 characters');
    if (a.sizeBytes != null && (!Number.isInteger(a.sizeBytes) || a.sizeBytes < 0)) {
      throw badInput(`attachments.${i}.sizeBytes`, 'sizeBytes must be a non-negative integer');
    }
    const url = optionalText(a.url, `attachments.${i}.url`, 2000);
    if (url !== null && !/^https?:\/\//i.test(url)) throw badInput(`attachments.${i}.url`, 'url must be http(s)');
    return { name, mimeType: optionalText(a.mimeType, `attachments.${i}.mimeType`, 100), sizeBytes: a.sizeBytes ?? null, url };
  });
}

/** The chatter: notes and messages people post, beside the tracked changes written from events. */
export class MessageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly store: MessageStore,
    private readonly resources: ResourceIndex,
  ) {}

  async post(input: PostMessageInput, ctx: BaseContext): Promise<Message> {
    const user = requireUser(ctx);
    const def = validateResourceRef(input.resourceType, input.resourceId);
    if (input.kind && input.kind !== 'NOTE' && input.kind !== 'MESSAGE') throw badInput('kind', 'post a NOTE or a MESSAGE; tracking entries come from events');
    const body = optionalText(input.body, 'body', 50_000);
    const subject = optionalText(input.subject, 'subject', 500);
    const attachments = validateAttachments(input.attachments);
    if (body === null && attachments.length === 0) throw badInput('body', 'a message needs a body or an attachment');
    const record = await this.resources.require(def.name, input.resourceId!.toLowerCase(), 'resourceId', (r) => canSeeRecord(user, r));
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const message = await this.store.insert(manager, {
        resourceType: record.resourceType,
        resourceId: record.resourceId,
        kind: input.kind === 'MESSAGE' ? 'message' : 'note',
        authorId: user.id,
        subject,
        body,
        attachments,
        createdAt: now,
      });
      await appendToOutbox(manager, SCHEMA, [messageEvent(message, { time: now, traceparent: ctx.traceparent })]);
      return message;
    });
  }

  /** A record's timeline, newest first. */
  async list(args: PageArgs & { resourceType: string; resourceId: string; kinds?: ('NOTE' | 'MESSAGE' | 'TRACKING')[] | null }, ctx: BaseContext): Promise<Connection<Message>> {
    const user = requireUser(ctx);
    const def = validateResourceRef(args.resourceType, args.resourceId);
    const resourceId = args.resourceId.toLowerCase();
    const page = parsePage(args);
    const record = await this.resources.find(this.dataSource, def.name, resourceId);
    const params: unknown[] = [def.name, resourceId];
    const where = ['g.resource_type = $1', 'g.resource_id = $2'];
    // A record the caller may not see has, for them, no timeline — as one that does not exist.
    if (record && !canSeeRecord(user, record)) where.push('FALSE');
    if (args.kinds?.length) {
      params.push(args.kinds.map((k) => k.toLowerCase()));
      where.push(`g.kind = ANY($${params.length}::text[])`);
    }
    const countWhere = where.join(' AND ');
    const countParams = [...params];
    if (page.after) {
      const [at, id] = page.after;
      if (typeof at !== 'string' || !isUuid(id)) throw badInput('after', 'invalid cursor');
      params.push(at, id);
      where.push(`(g.created_at, g.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM activities.message g ${MESSAGE_JOINS} WHERE ${where.join(' AND ')}
       ORDER BY g.created_at DESC, g.id DESC LIMIT ${page.limit + 1}`,
      params,
    );
    return toConnection(rows.map(toMessage), page, (m) => [m.createdAt.toISOString(), m.id], async () => {
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM activities.message g WHERE ${countWhere}`, countParams);
      return n as number;
    });
  }
}
