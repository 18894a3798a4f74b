import { join } from 'node:path';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { reportingConfigFromEnv } from './config';
import type { ReportingContext } from './context';
import { exportRoute } from './http/export-route';
import { migrations } from './migrations';
import { consumerSpecs } from './projections';
import { CubeCompactor } from './projections/compactor';
import { projectionTarget } from './projections/target';
import { resolvers } from './resolvers';
import { createServices } from './services';

export const reportingModule: SubgraphModule<ReportingContext> = {
  name: 'reporting',
  schema: 'reporting',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [],
  create(deps) {
    const config = reportingConfigFromEnv();
    let listeningAt = `http://127.0.0.1:${process.env['PORT'] ?? 4005}`;
    const services = createServices(deps.dataSource, deps.clock, config, () => config.publicUrl ?? listeningAt);
    const target = projectionTarget('reporting', config.defaultCurrency, config.cubeTimeZone);
    const compactor = new CubeCompactor(deps.dataSource, 'reporting', config.cubeCompactionMs, deps.logger);
    compactor.start();
    return {
      resolvers,
      consumers: consumerSpecs(target),
      context: (base) => ({ ...base, services }),
      routes: [exportRoute(services.exports, config.exportSecret, deps.clock, deps.logger)],
      onListening: (serviceUrl) => {
        listeningAt = new URL(serviceUrl).origin;
      },
      onStop: () => compactor.stop(),
    };
  },
};
