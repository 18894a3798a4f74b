import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import type { ActivitiesContext } from '../context';
import { ActivityTypeEntity } from '../entities/activity-type.entity';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    activityTypes: (_: unknown, args: { includeArchived?: boolean }, ctx: ActivitiesContext) => {
      requireUser(ctx);
      return ctx.dataSource.getRepository(ActivityTypeEntity).find({
        where: args.includeArchived ? {} : { active: true },
        order: { sequence: 'ASC', name: 'ASC' },
      });
    },
  },
};
