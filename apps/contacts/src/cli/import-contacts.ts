/**
 * npm run import:contacts -- <file.csv> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]
 *
 * Imports a CSV of any size straight into the contacts schema (DATABASE_URL), with the same
 * rules as the importContacts mutation, as the system (no branch limits; createdBy = --user).
 * Events go through the outbox; unless --no-publish, they are published to Kafka
 * (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX) before the command ends; otherwise the running
 * contacts service's relay publishes them.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createSchemaDataSource, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { OutboxRelay, createKafka, messagingConfigFromEnv } from '@crm/messaging';
import { createLogger, databaseUrl, isUuid, systemClock } from '@crm/runtime';
import { migrations } from '../migrations';
import { contactsConfigFromEnv } from '../services/config';
import { SCHEMA } from '../services/contact-service';
import { ImportService } from '../services/import-service';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run import:contacts -- <file.csv> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && !['--user', '--errors'].includes(args[i - 1] ?? ''));
  if (!file) usage('no file given');
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const userId = option('--user');
  if (userId !== undefined && !isUuid(userId)) usage('--user must be a user id (uuid)');
  const logger = createLogger('contacts-import');
  const url = databaseUrl();
  await ensureDatabase(url);
  const dataSource = createSchemaDataSource({ schema: SCHEMA, entities: [], migrations, url, logger, poolSize: 4 });
  await initializeWithMigrations(dataSource);
  const started = Date.now();
  try {
    const service = new ImportService(dataSource, systemClock, contactsConfigFromEnv());
    const result = await service.importStream(createReadStream(file), {
      user: userId ? { id: userId, role: 'admin', branchIds: [], teamIds: [], tz: 'UTC' } : null,
      dryRun: args.includes('--dry-run'),
    });
    const { errors, ...summary } = result;
    console.log(JSON.stringify({ file, ...summary, errorCount: errors.length, seconds: (Date.now() - started) / 1000 }));
    const errorsFile = option('--errors');
    if (errorsFile) {
      const quote = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
      writeFileSync(errorsFile, ['line,field,message', ...errors.map((e) => [e.line, e.field, e.message].map(quote).join(','))].join('\n') + '\n');
    } else {
      for (const e of errors.slice(0, 50)) console.log(`line ${e.line}, ${e.field}: ${e.message}`);
      if (errors.length > 50) console.log(`… and ${errors.length - 50} more (use --errors <file>)`);
    }
    if (!result.dryRun && !args.includes('--no-publish')) {
      const messaging = messagingConfigFromEnv('crm-contacts-import');
      const relay = new OutboxRelay({ dataSource, schema: SCHEMA, kafka: createKafka(messaging, logger), config: messaging, logger });
      await relay.flush(120_000).catch((error) => console.error(`events stay in the outbox for the contacts service to publish: ${(error as Error).message}`));
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
