import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { appendToOutbox } from '@crm/messaging';
import { toConnection, type Connection, type PageArgs, parsePage } from '@crm/graphql';
import { uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { ContactEntity } from '../entities/contact.entity';
import { validateNewContact } from '../domain/contact-input';
import { contactEvent } from './contact-events';

export const SCHEMA = 'contacts';

export class ContactService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Validates first (nothing is written on bad input), then the row and its event in one transaction. */
  async create(input: { name?: string | null; email?: string | null }, ctx: BaseContext): Promise<ContactEntity> {
    const user = requireUser(ctx);
    const draft = validateNewContact(input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const contact = manager.create(ContactEntity, {
        id: uuidv7(now.getTime()),
        name: draft.name,
        email: draft.email,
        active: true,
        version: 1,
        createdAt: now,
        updatedAt: now,
        createdBy: user.id,
        updatedBy: user.id,
      });
      await manager.insert(ContactEntity, contact);
      await appendToOutbox(manager, SCHEMA, [contactEvent('created', contact, { time: now, traceparent: ctx.traceparent })]);
      return contact;
    });
  }

  /** One query for any number of ids; answers in the order asked, null where missing. */
  async findByIds(ids: readonly string[]): Promise<(ContactEntity | null)[]> {
    const rows = await this.dataSource
      .getRepository(ContactEntity)
      .createQueryBuilder('c')
      .where('c.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Newest first; keyset pagination on the time-ordered id. */
  async list(args: PageArgs): Promise<Connection<ContactEntity>> {
    const page = parsePage(args);
    const repo = this.dataSource.getRepository(ContactEntity);
    const query = repo.createQueryBuilder('c').orderBy('c.id', 'DESC').limit(page.limit + 1);
    if (page.after) query.where('c.id < :after', { after: String(page.after[0]) });
    const rows = await query.getMany();
    return toConnection(rows, page, (c) => [c.id], () => repo.count());
  }
}
