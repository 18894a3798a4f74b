/**
 * npm run reporting:rebuild — drops and rebuilds reporting's read models from the Kafka topics
 * (a fresh consumer group from the beginning into fresh tables, then a swap), while the
 * reporting service keeps running. DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX,
 * REPORTING_TIME_ZONE and DEFAULT_CURRENCY as for the service.
 */
import { createSchemaDataSource, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { messagingConfigFromEnv } from '@crm/messaging';
import { createLogger, databaseUrl } from '@crm/runtime';
import { reportingConfigFromEnv } from './config';
import { migrations } from './migrations';
import { rebuildReadModels } from './replay/rebuild';

async function main(): Promise<void> {
  const logger = createLogger('reporting-rebuild');
  const config = reportingConfigFromEnv();
  const url = databaseUrl();
  await ensureDatabase(url);
  const dataSource = createSchemaDataSource({ schema: 'reporting', entities: [], migrations, url, logger });
  await initializeWithMigrations(dataSource);
  try {
    const report = await rebuildReadModels({
      dataSource,
      messaging: messagingConfigFromEnv('crm-reporting'),
      logger,
      defaultCurrency: config.defaultCurrency,
      cubeTimeZone: config.cubeTimeZone,
    });
    console.log(
      `[reporting:rebuild] ${report.applied} events applied (${report.skipped} of other types, ${report.invalid} malformed, ${report.failed} failing) into ${report.tables} tables in ${report.millis} ms`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error('[reporting:rebuild] failed:', error);
    process.exit(1);
  });
