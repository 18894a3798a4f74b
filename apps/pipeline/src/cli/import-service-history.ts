/**
 * npm run import:service-history -- <file.csv> --pipeline <uuid> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]
 *
 * Generates leads from a sales and service history file straight into the pipeline schema
 * (DATABASE_URL), with the same rules as the importServiceHistory mutation (the pipeline's
 * rules.leadGeneration, its branches and customers as the pipeline knows them), as the system
 * (every branch; createdBy = --user). Events go through the outbox; unless --no-publish, they
 * are published to Kafka (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX) before the command ends;
 * otherwise the running pipeline service's relay publishes them.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createSchemaDataSource, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { OutboxRelay, createKafka, messagingConfigFromEnv } from '@crm/messaging';
import { createLogger, databaseUrl, isUuid, systemClock } from '@crm/runtime';
import { migrations } from '../migrations';
import { ContactsClient } from '../services/contacts-client';
import { HistoryImportService } from '../services/history-import-service';
import { OpportunityService } from '../services/opportunity-service';
import { ScoringRepository } from '../services/scoring-service';
import { SCHEMA, SYSTEM_USER } from '../services/support';

const USAGE = 'usage: npm run import:service-history -- <file.csv> --pipeline <uuid> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]';

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const valued = ['--pipeline', '--user', '--errors'];
  const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? ''));
  if (!file) usage('no file given');
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const pipelineId = option('--pipeline');
  if (!pipelineId || !isUuid(pipelineId)) usage('--pipeline must be a pipeline id (uuid)');
  const userId = option('--user');
  if (userId !== undefined && !isUuid(userId)) usage('--user must be a user id (uuid)');
  const logger = createLogger('pipeline-history-import');
  const url = databaseUrl();
  await ensureDatabase(url);
  const dataSource = createSchemaDataSource({ schema: SCHEMA, entities: [], migrations, url, logger, poolSize: 4 });
  await initializeWithMigrations(dataSource);
  const started = Date.now();
  try {
    const opportunities = new OpportunityService(dataSource, systemClock, new ScoringRepository(), new ContactsClient());
    const service = new HistoryImportService(dataSource, systemClock, opportunities);
    const result = await service.importStream(createReadStream(file), {
      pipelineId,
      user: userId ? { ...SYSTEM_USER, id: userId } : SYSTEM_USER,
      dryRun: args.includes('--dry-run'),
    });
    const { errors, leadIds: _ids, ...summary } = result;
    console.log(JSON.stringify({ file, pipelineId, ...summary, errorCount: errors.length, seconds: (Date.now() - started) / 1000 }));
    const errorsFile = option('--errors');
    if (errorsFile) {
      const quote = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
      writeFileSync(errorsFile, ['line,field,code,message', ...errors.map((e) => [e.line, e.field, e.code, e.message].map(quote).join(','))].join('\n') + '\n');
    } else {
      for (const e of errors.slice(0, 50)) console.log(`line ${e.line}, ${e.field}: ${e.message}`);
      if (errors.length > 50) console.log(`… and ${errors.length - 50} more (use --errors <file>)`);
    }
    if (!result.dryRun && !args.includes('--no-publish')) {
      const messaging = messagingConfigFromEnv('crm-pipeline-history-import');
      const relay = new OutboxRelay({ dataSource, schema: SCHEMA, kafka: createKafka(messaging, logger), config: messaging, logger });
      await relay.flush(120_000).catch((error) => console.error(`events stay in the outbox for the pipeline service to publish: ${(error as Error).message}`));
      await relay.stop();
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
