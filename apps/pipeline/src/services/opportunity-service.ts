import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { appendToOutbox } from '@crm/messaging';
import type { Connection, PageArgs } from '@crm/graphql';
import { loadByIds } from '@crm/db';
import { envString, uuidv7, type Clock } from '@crm/runtime';
import { listNewestFirst, type BaseContext } from '@crm/service';
import { OpportunityEntity } from '../entities/opportunity.entity';
import { validateNewOpportunity, type NewOpportunityInput } from '../domain/opportunity-input';
import { opportunityEvent } from './opportunity-events';

export const SCHEMA = 'pipeline';

export class OpportunityService {
  private readonly defaultCurrency = envString('DEFAULT_CURRENCY', 'IDR');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: NewOpportunityInput, ctx: BaseContext): Promise<OpportunityEntity> {
    const user = requireUser(ctx);
    const draft = validateNewOpportunity(input, this.defaultCurrency);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const opportunity = manager.create(OpportunityEntity, {
        id: uuidv7(now.getTime()),
        ...draft,
        version: 1,
        createdAt: now,
        updatedAt: now,
        createdBy: user.id,
        updatedBy: user.id,
      });
      await manager.insert(OpportunityEntity, opportunity);
      await appendToOutbox(manager, SCHEMA, [opportunityEvent('created', opportunity, { time: now, traceparent: ctx.traceparent })]);
      return opportunity;
    });
  }

  findByIds(ids: readonly string[]): Promise<(OpportunityEntity | null)[]> {
    return loadByIds(this.dataSource.getRepository(OpportunityEntity), ids);
  }

  list(args: PageArgs): Promise<Connection<OpportunityEntity>> {
    return listNewestFirst(this.dataSource.getRepository(OpportunityEntity), args);
  }
}
