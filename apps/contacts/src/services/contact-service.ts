import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { appendToOutbox } from '@crm/messaging';
import type { Connection, PageArgs } from '@crm/graphql';
import { loadByIds } from '@crm/db';
import { uuidv7, type Clock } from '@crm/runtime';
import { listNewestFirst, type BaseContext } from '@crm/service';
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

  findByIds(ids: readonly string[]): Promise<(ContactEntity | null)[]> {
    return loadByIds(this.dataSource.getRepository(ContactEntity), ids);
  }

  list(args: PageArgs): Promise<Connection<ContactEntity>> {
    return listNewestFirst(this.dataSource.getRepository(ContactEntity), args);
  }
}
