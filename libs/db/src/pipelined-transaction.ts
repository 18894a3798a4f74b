import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/** The part of node-postgres's Client this module drives (pg ≥ 8.23: `pipeline`). */
interface PgClient {
  pipeline: boolean;
  connection: { stream: { cork?: () => void; uncork?: () => void }; parsedStatements: Record<string, string> };
  query(text: unknown, values?: unknown, callback?: unknown): unknown;
}

interface PgResult {
  command: string;
  rowCount: number | null;
  rows: unknown[];
  fields: unknown[];
}

/** A result for statements that were held back and not sent (TypeORM only reads its shape). */
const NOT_SENT = (command: string): PgResult => ({ command, rowCount: null, rows: [], fields: [] });

/** Executions of a statement text in this process after which it is prepared on each connection (as pgjdbc's prepareThreshold). */
const PREPARE_AFTER = 3;
/** Prepared statements per connection at most (they hold plans in the server's memory). */
const PREPARED_PER_CONNECTION = 200;
/** Statement texts counted at most; past that the counts start over (texts built with varying shapes must not grow it). */
const COUNTED_TEXTS = 5_000;
/** Per statement text: how often it ran, or (once hot) its prepared statement's name. */
const executions = new Map<string, number | string>();

/**
 * The name to run a parameterised statement as a prepared statement under, once its text is
 * hot: Postgres then parses and plans it once per connection instead of on every execution
 * (planning a statement over a table with many indexes costs more than running it).
 */
function preparedName(client: PgClient, sql: string, params: unknown): string | undefined {
  if (!Array.isArray(params) || params.length === 0) return undefined;
  const seen = executions.get(sql) ?? 0;
  let name: string;
  if (typeof seen === 'number') {
    if (seen < PREPARE_AFTER) {
      if (executions.size >= COUNTED_TEXTS) executions.clear();
      executions.set(sql, seen + 1);
      return undefined;
    }
    name = `crm_${createHash('sha1').update(sql).digest('hex')}`;
    executions.set(sql, name);
  } else {
    name = seen;
  }
  const parsed = client.connection.parsedStatements;
  if (parsed[name] === undefined && Object.keys(parsed).length >= PREPARED_PER_CONNECTION) return undefined;
  return name;
}

/** The transaction of one query runner: what has gone to Postgres and what waits to go. */
class Pipeline {
  /** BEGIN has been asked for but not sent: it travels with the first statement. */
  beginHeld = false;
  beginSent = false;
  /** Writes nobody reads the result of (`deferWrite`): they travel with the next statement or COMMIT. */
  readonly held: { sql: string; params: unknown[] }[] = [];

  constructor(private readonly client: PgClient) {}

  /**
   * Sends the held BEGIN and writes and then `text`, in one write to the socket (pipelined:
   * Postgres runs them in order and answers each), and returns the answer to `text`. When a
   * held write failed, its error is the one thrown: the statements after it only failed
   * because the transaction was aborted.
   */
  async send(text: string | null, values?: unknown): Promise<PgResult | undefined> {
    const results = await this.sendAll(text === null ? [] : [[text, values]]);
    return results[0];
  }

  /** As `send`, for several statements in order; their answers in the same order. */
  async sendAll(mine: [string, unknown][]): Promise<PgResult[]> {
    const statements: [string, unknown][] = [];
    if (this.beginHeld) statements.push(['START TRANSACTION', undefined]);
    for (const write of this.held.splice(0)) statements.push([write.sql, write.params]);
    const first = statements.length;
    statements.push(...mine);
    if (statements.length === 0) return [];
    this.beginSent ||= this.beginHeld;
    this.beginHeld = false;
    const stream = this.client.connection.stream;
    stream.cork?.();
    let answers: Promise<PgResult>[];
    try {
      answers = statements.map(([sql, params]) => {
        const name = preparedName(this.client, sql, params);
        return (name ? this.client.query({ name, text: sql, values: params }) : this.client.query(sql, params)) as Promise<PgResult>;
      });
    } finally {
      stream.uncork?.();
    }
    const settled = await Promise.allSettled(answers);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.slice(first).map((s) => (s as PromiseFulfilledResult<PgResult>).value);
  }
}

const pipelines = new WeakMap<QueryRunner, Pipeline>();

/**
 * The pg client as TypeORM's query runner sees it during a pipelined transaction: statements
 * go through the pipeline; START TRANSACTION is held until there is a statement to send it
 * with, and a transaction that sent nothing commits or rolls back without a round trip.
 */
function pipelinedClient(client: PgClient, pipeline: Pipeline): PgClient {
  const query = (text: unknown, values?: unknown, callback?: unknown): unknown => {
    if (typeof text !== 'string' || typeof values === 'function' || callback !== undefined) {
      // Not TypeORM's (text, params) form: what is held goes first, then this as it is.
      return pipeline.send(null).then(() => client.query(text, values, callback));
    }
    if (text === 'START TRANSACTION' && !pipeline.beginSent && !pipeline.beginHeld) {
      pipeline.beginHeld = true;
      return Promise.resolve(NOT_SENT('BEGIN'));
    }
    // Held writes of a transaction that rolls back are never sent.
    if (text === 'ROLLBACK') pipeline.held.length = 0;
    if (!pipeline.beginSent && (text === 'COMMIT' || text === 'ROLLBACK') && pipeline.held.length === 0) {
      // Nothing was sent: nothing to end on the server.
      pipeline.beginHeld = false;
      return Promise.resolve(NOT_SENT(text));
    }
    return pipeline.send(text, values);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Runs `work` in one transaction that needs fewer round trips to Postgres than TypeORM's
 * `dataSource.transaction`: BEGIN travels with the first statement, and the writes queued with
 * `deferWrite` travel with the next statement or with COMMIT (node-postgres's pipelining,
 * switched on for this transaction's connection only). A move of a kanban card is then three
 * round trips instead of six. Semantics are those of an ordinary transaction: statements run
 * in order, any failure rolls everything back, and `work`'s reads see its earlier writes.
 * Not for work that streams (cursors, COPY): node-postgres refuses those in pipeline mode.
 */
export async function pipelinedTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PgClient;
  const pipeline = new Pipeline(client);
  const internals = runner as unknown as { databaseConnection: PgClient };
  client.pipeline = true;
  internals.databaseConnection = pipelinedClient(client, pipeline);
  pipelines.set(runner, pipeline);
  try {
    await runner.startTransaction();
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    pipelines.delete(runner);
    internals.databaseConnection = client;
    client.pipeline = false;
    await runner.release();
  }
}

/**
 * A write whose result nobody reads (an outbox row, a row update): inside a
 * `pipelinedTransaction` it is sent with the transaction's next statement or its COMMIT, and
 * a failure fails that statement (so the transaction rolls back); elsewhere it runs now.
 */
export async function deferWrite(manager: EntityManager, sql: string, params: unknown[]): Promise<void> {
  const runner = manager.queryRunner;
  const pipeline = runner ? pipelines.get(runner) : undefined;
  if (!runner || !pipeline || !runner.isTransactionActive) {
    await manager.query(sql, params);
    return;
  }
  // Counted like any statement (queryCount), when it is queued.
  manager.connection.logger.logQuery(sql, params, runner);
  pipeline.held.push({ sql, params });
}

/**
 * Reads whose answers are all needed, sent together (one trip in a `pipelinedTransaction`,
 * one after the other elsewhere) and run in this order; the rows of each. For a read that
 * must follow a lock: sent after it, it runs after the lock is held.
 */
export async function queryInOrder(manager: EntityManager, statements: { sql: string; params: unknown[] }[]): Promise<Record<string, unknown>[][]> {
  const runner = manager.queryRunner;
  const pipeline = runner ? pipelines.get(runner) : undefined;
  if (!runner || !pipeline || !runner.isTransactionActive) {
    const rows: Record<string, unknown>[][] = [];
    for (const { sql, params } of statements) rows.push((await manager.query(sql, params)) as Record<string, unknown>[]);
    return rows;
  }
  for (const { sql, params } of statements) manager.connection.logger.logQuery(sql, params, runner);
  try {
    const results = await pipeline.sendAll(statements.map(({ sql, params }) => [sql, params]));
    return results.map((r) => r.rows as Record<string, unknown>[]);
  } catch (error) {
    const failed = statements[statements.length - 1]!;
    throw new QueryFailedError(failed.sql, failed.params, error as Error);
  }
}
