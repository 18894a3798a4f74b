import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type PipelineContext } from './context';
import { migrations } from './migrations';
import { contactsProjection } from './projections/contacts-projection';
import { salesProjection } from './projections/sales-projection';
import { resolvers } from './resolvers';
import { ConfigCache } from './services/config-cache';
import { ConfigService } from './services/config-service';
import { ContactsClient } from './services/contacts-client';
import { HistoryImportService } from './services/history-import-service';
import { OpportunityQueries } from './services/opportunity-queries';
import { OpportunityService } from './services/opportunity-service';
import { ScoringRepository } from './services/scoring-service';
import { SCHEMA } from './services/support';

export const pipelineModule: SubgraphModule<PipelineContext> = {
  name: 'pipeline',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [TOPICS.pipelineOpportunity, TOPICS.pipelineTeam, TOPICS.pipelineStage, TOPICS.pipelinePipeline, TOPICS.pipelineCurrencyRate],
  create(deps) {
    const scoring = new ScoringRepository();
    const opportunities = new OpportunityService(deps.dataSource, deps.clock, scoring, new ContactsClient(), new ConfigCache());
    const services = {
      config: new ConfigService(deps.dataSource, deps.clock),
      opportunities,
      queries: new OpportunityQueries(deps.dataSource, deps.clock),
      historyImport: new HistoryImportService(deps.dataSource, deps.clock, opportunities),
    };
    return {
      resolvers,
      consumers: [contactsProjection({ clock: deps.clock, scoring }), salesProjection({ clock: deps.clock, opportunities: services.opportunities })],
      context: (base) => createContext(base, services),
    };
  },
};
