import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Background work (the outbox relay, event consumers) runs on query runners marked
 * `background`, so that `queryCount` measures what requests cost and nothing else.
 */
function backgroundRunner(dataSource: DataSource): QueryRunner {
  const runner = dataSource.createQueryRunner();
  runner.data = { ...runner.data, background: true };
  return runner;
}

export function isBackground(runner: QueryRunner | undefined): boolean {
  return (runner?.data as { background?: boolean } | undefined)?.background === true;
}

export async function backgroundTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = backgroundRunner(dataSource);
  await runner.connect();
  await runner.startTransaction();
  try {
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

export async function backgroundQuery<T = Record<string, unknown>[]>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T> {
  const runner = backgroundRunner(dataSource);
  await runner.connect();
  try {
    return (await runner.query(sql, params)) as T;
  } finally {
    await runner.release();
  }
}
