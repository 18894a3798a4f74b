import { join } from 'node:path';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import type { ActivitiesContext } from './context';
import { ActivityTypeEntity } from './entities/activity-type.entity';
import { migrations } from './migrations';
import { resolvers } from './resolvers';

export const activitiesModule: SubgraphModule<ActivitiesContext> = {
  name: 'activities',
  schema: 'activities',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ActivityTypeEntity],
  migrations,
  publishes: [],
  create(deps) {
    return { resolvers, context: (base) => ({ ...base, dataSource: deps.dataSource }) };
  },
};
