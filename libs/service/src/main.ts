import { DEFAULT_PORTS, createLogger, envInt, envString, type Logger } from '@crm/runtime';
import { startSubgraph, type BaseContext, type SubgraphModule } from './subgraph';

/** Wires SIGTERM/SIGINT to a graceful stop, then exits. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

/** The process entry of a subgraph: PORT (or its default port), graceful shutdown on signals. */
export function runSubgraphMain<Ctx extends BaseContext>(module: SubgraphModule<Ctx>): void {
  const logger = createLogger(module.name);
  startSubgraph(module, { port: envInt('PORT', DEFAULT_PORTS[module.name]), host: envString('HOST', '127.0.0.1'), logger })
    .then((running) => stopOnSignals(running.stop, logger))
    .catch((error) => {
      logger.error({ err: error }, `${module.name} failed to start`);
      process.exit(1);
    });
}
