import { join } from 'node:path';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { reportingConfigFromEnv } from './config';
import type { ReportingContext, ReportingServices } from './context';
import { migrations } from './migrations';
import { consumerSpecs } from './projections';
import { projectionTarget } from './projections/target';
import { resolvers } from './resolvers';
import { ContactReportService } from './services/contact-report-service';
import { CurrencyService } from './services/currency';
import { PipelineAnalysisService } from './services/pipeline-analysis-service';
import { WinLossService } from './services/win-loss-service';

export const reportingModule: SubgraphModule<ReportingContext> = {
  name: 'reporting',
  schema: 'reporting',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [],
  create(deps) {
    const config = reportingConfigFromEnv();
    const services: ReportingServices = {
      clock: deps.clock,
      contactReports: new ContactReportService(deps.dataSource),
      pipeline: new PipelineAnalysisService(deps.dataSource, deps.clock),
      winLoss: new WinLossService(deps.dataSource, deps.clock),
      currencies: new CurrencyService(deps.dataSource),
    };
    const target = projectionTarget('reporting', true, config.defaultCurrency, config.cubeTimeZone);
    return {
      resolvers,
      consumers: consumerSpecs(target),
      context: (base) => ({ ...base, services }),
    };
  },
};
