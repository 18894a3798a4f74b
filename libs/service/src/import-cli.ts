import { writeFileSync } from 'node:fs';
import type { DataSource, MixedList } from 'typeorm';
import { createSchemaDataSource, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { OutboxRelay, createKafka, messagingConfigFromEnv } from '@crm/messaging';
import { createLogger, databaseUrl, isUuid } from '@crm/runtime';

/** One refused row of an import, as every import reports it. */
export interface ImportRowError {
  line: number;
  field: string;
  message: string;
  code?: string;
}

export interface ImportCliSpec {
  /** `contacts-import`: the logger's name and (as crm-<name>) the Kafka client id. */
  name: string;
  /** The subgraph's schema and migrations: the command writes there directly. */
  schema: string;
  migrations: MixedList<Function | string>;
  /** The usage line printed with a wrong call. */
  usage: string;
  /** Options that take a value besides --user and --errors (so their value is not the file). */
  valuedOptions?: string[];
  /** Columns of the --errors file, in order. */
  errorColumns: (keyof ImportRowError)[];
  /** Who publishes what --no-publish leaves in the outbox ("the contacts service"). */
  publisher: string;
}

export interface ImportCliCall {
  file: string;
  dataSource: DataSource;
  /** --user, when given (createdBy of what the import writes). */
  userId: string | undefined;
  dryRun: boolean;
  option(name: string): string | undefined;
  usage(message: string): never;
}

/**
 * The frame of the import commands (npm run import:contacts, import:service-history): reads
 * the arguments, migrates and opens the subgraph's schema, runs the import, prints a JSON
 * summary and the row errors (or writes them to --errors <file>), then publishes the outbox
 * unless --dry-run or --no-publish. `run` returns the import's result; its `errors` are
 * reported, the rest of it (less `omit`) is the summary.
 */
export async function runImportCli<R extends { errors: ImportRowError[]; dryRun: boolean }>(
  spec: ImportCliSpec,
  run: (call: ImportCliCall) => Promise<{ result: R; summary?: Record<string, unknown>; omit?: (keyof R)[] }>,
): Promise<void> {
  const usage = (message: string): never => {
    console.error(`${message}\n${spec.usage}`);
    process.exit(2);
  };
  const args = process.argv.slice(2);
  const valued = ['--user', '--errors', ...(spec.valuedOptions ?? [])];
  const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? ''));
  if (!file) usage('no file given');
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const userId = option('--user');
  if (userId !== undefined && !isUuid(userId)) usage('--user must be a user id (uuid)');
  const logger = createLogger(spec.name);
  const url = databaseUrl();
  await ensureDatabase(url);
  const dataSource = createSchemaDataSource({ schema: spec.schema, entities: [], migrations: spec.migrations, url, logger, poolSize: 4 });
  await initializeWithMigrations(dataSource);
  const started = Date.now();
  try {
    const { result, summary: extra = {}, omit = [] } = await run({ file: file!, dataSource, userId, dryRun: args.includes('--dry-run'), option, usage });
    const summary: Record<string, unknown> = { ...result };
    for (const key of ['errors', ...omit] as string[]) delete summary[key];
    const { errors } = result;
    console.log(JSON.stringify({ file, ...extra, ...summary, errorCount: errors.length, seconds: (Date.now() - started) / 1000 }));
    const errorsFile = option('--errors');
    if (errorsFile) {
      const quote = (v: string | number | undefined) => `"${String(v ?? '').replace(/"/g, '""')}"`;
      const lines = errors.map((e) => spec.errorColumns.map((c) => quote(e[c])).join(','));
      writeFileSync(errorsFile, [spec.errorColumns.join(','), ...lines].join('\n') + '\n');
    } else {
      for (const e of errors.slice(0, 50)) console.log(`line ${e.line}, ${e.field}: ${e.message}`);
      if (errors.length > 50) console.log(`… and ${errors.length - 50} more (use --errors <file>)`);
    }
    if (!result.dryRun && !args.includes('--no-publish')) {
      const messaging = messagingConfigFromEnv(`crm-${spec.name}`);
      const relay = new OutboxRelay({ dataSource, schema: spec.schema, kafka: createKafka(messaging, logger), config: messaging, logger });
      await relay.flush(120_000).catch((error) => console.error(`events stay in the outbox for ${spec.publisher} to publish: ${(error as Error).message}`));
      await relay.stop();
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Runs a command's main, printing its error and exiting 1 when it fails. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
