import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type PipelineContext } from './context';
import { OpportunityEntity } from './entities/opportunity.entity';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { OpportunityService, SCHEMA } from './services/opportunity-service';

export const pipelineModule: SubgraphModule<PipelineContext> = {
  name: 'pipeline',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [OpportunityEntity],
  migrations,
  publishes: [TOPICS.pipelineOpportunity],
  create(deps) {
    const opportunities = new OpportunityService(deps.dataSource, deps.clock);
    return { resolvers, context: (base) => createContext(base, opportunities) };
  },
};
