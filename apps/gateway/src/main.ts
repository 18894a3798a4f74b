import { readFileSync } from 'node:fs';
import { DEFAULT_PORTS, createLogger, envInt, envString } from '@crm/runtime';
import { messagingConfigFromEnv } from '@crm/messaging';
import { stopOnSignals } from '@crm/service';
import { startGateway } from './gateway';
import { SUPERGRAPH_PATH, subgraphUrlsFromEnv } from './subgraphs';

const logger = createLogger('gateway');
startGateway({
  supergraphSdl: readFileSync(envString('SUPERGRAPH_PATH', SUPERGRAPH_PATH), 'utf8'),
  subgraphUrls: subgraphUrlsFromEnv(),
  port: envInt('PORT', DEFAULT_PORTS.gateway),
  host: envString('HOST', '127.0.0.1'),
  logger,
  messaging: messagingConfigFromEnv('crm-gateway'),
})
  .then((gateway) => stopOnSignals(gateway.stop, logger))
  .catch((error) => {
    logger.error({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
