import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { databaseUrl } from '@crm/runtime';
import { createSchemaDataSource, deferWrite, dropDatabase, ensureDatabase, pipelinedTransaction, queryInOrder } from '../src';

/** Socket writes of the transaction's connection (one write = one trip to Postgres). */
function countWrites(manager: EntityManager): () => number {
  const stream = (manager.queryRunner as unknown as { databaseConnection: { connection: { stream: Record<string, Function> } } })
    .databaseConnection.connection.stream;
  let writes = 0;
  for (const method of ['_write', '_writev']) {
    const original = stream[method]!;
    stream[method] = function (this: unknown, ...args: unknown[]) {
      writes += 1;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

describe('pipelinedTransaction (real Postgres)', () => {
  const url = new URL(databaseUrl());
  url.pathname = `/crm_test_pipelined_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url.toString());
    dataSource = createSchemaDataSource({ schema: 'public', entities: [], migrations: [], url: url.toString(), poolSize: 1 });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id int PRIMARY KEY, note text NOT NULL)');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(url.toString());
  });
  beforeEach(async () => {
    await dataSource.query('TRUNCATE item');
  });
  const count = async () => Number((await dataSource.query('SELECT count(*) AS n FROM item'))[0].n);

  it('sends BEGIN with the first statement and the held writes with the next one or with COMMIT', async () => {
    const trips: number[] = [];
    await pipelinedTransaction(dataSource, async (manager) => {
      const writes = countWrites(manager);
      await manager.query('INSERT INTO item (id, note) VALUES ($1, $2)', [1, 'first']);
      trips.push(writes());
      await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [2, 'held']);
      await deferWrite(manager, 'UPDATE item SET note = $2 WHERE id = $1', [1, 'changed']);
      trips.push(writes());
      // A read after held writes sees them: they go first, in order.
      const rows = await manager.query('SELECT id, note FROM item ORDER BY id');
      expect(rows).toEqual([{ id: 1, note: 'changed' }, { id: 2, note: 'held' }]);
      trips.push(writes());
      await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [3, 'with commit']);
    });
    // BEGIN + INSERT in one write; nothing sent when writes are held; held writes + SELECT in one.
    expect(trips).toEqual([1, 1, 2]);
    expect(await dataSource.query('SELECT id, note FROM item ORDER BY id')).toEqual([
      { id: 1, note: 'changed' },
      { id: 2, note: 'held' },
      { id: 3, note: 'with commit' },
    ]);
  });

  it('a held write that fails fails the commit with its own error, and nothing of the transaction stays', async () => {
    await dataSource.query(`INSERT INTO item (id, note) VALUES (9, 'before')`);
    const attempt = pipelinedTransaction(dataSource, async (manager) => {
      await manager.query('INSERT INTO item (id, note) VALUES ($1, $2)', [1, 'ok']);
      await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [9, 'duplicate']);
    });
    await expect(attempt).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect(await dataSource.query('SELECT id FROM item ORDER BY id')).toEqual([{ id: 9 }]);
  });

  it("a held write that fails is the error of the next statement (not 'transaction aborted')", async () => {
    await dataSource.query(`INSERT INTO item (id, note) VALUES (9, 'before')`);
    let seen: unknown;
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [9, 'duplicate']);
        try {
          await manager.query('SELECT count(*) FROM item WHERE id > $1', [0]);
        } catch (error) {
          seen = error;
          throw error;
        }
      }),
    ).rejects.toBeDefined();
    expect(seen).toMatchObject({ driverError: { code: '23505' } });
  });

  it('rolls back what was sent and drops what was held when the work throws', async () => {
    await expect(
      pipelinedTransaction(dataSource, async (manager) => {
        await manager.query('INSERT INTO item (id, note) VALUES ($1, $2)', [1, 'sent']);
        await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [2, 'held']);
        throw new Error('rule broken');
      }),
    ).rejects.toThrow('rule broken');
    expect(await count()).toBe(0);
  });

  it('a transaction that sent nothing costs no round trip', async () => {
    let writes = () => -1;
    const result = await pipelinedTransaction(dataSource, async (manager) => {
      writes = countWrites(manager);
      return 'nothing to do';
    });
    expect(result).toBe('nothing to do');
    expect(writes()).toBe(0);
  });

  it('prepares hot statements on the connection, and gives the connection back out of pipeline mode', async () => {
    const sql = 'SELECT note FROM item WHERE id = $1 AND note <> $2';
    await pipelinedTransaction(dataSource, async (manager) => {
      for (let i = 0; i < 5; i += 1) await manager.query(sql, [i, 'x']);
    });
    const prepared = await pipelinedTransaction(dataSource, (manager) => manager.query('SELECT statement FROM pg_prepared_statements'));
    expect(prepared.map((r: { statement: string }) => r.statement)).toContain(sql);
    const runner = dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as { pipeline: boolean };
      expect(client.pipeline).toBe(false);
    } finally {
      await runner.release();
    }
  });

  it('queryInOrder sends reads together, in order, after what is held, and answers each', async () => {
    await dataSource.query(`INSERT INTO item (id, note) VALUES (1, 'one'), (2, 'two')`);
    let trips = -1;
    const answers = await pipelinedTransaction(dataSource, async (manager) => {
      const writes = countWrites(manager);
      await deferWrite(manager, 'UPDATE item SET note = $2 WHERE id = $1', [2, 'held']);
      const rows = await queryInOrder(manager, [
        { sql: 'SELECT note FROM item WHERE id = $1 FOR UPDATE', params: [1] },
        { sql: 'SELECT note FROM item WHERE id = $1', params: [2] },
      ]);
      trips = writes();
      return rows;
    });
    expect(answers).toEqual([[{ note: 'one' }], [{ note: 'held' }]]);
    // BEGIN, the held update and both reads: one write.
    expect(trips).toBe(1);
    const outside = await queryInOrder(dataSource.manager, [{ sql: 'SELECT count(*)::int AS n FROM item WHERE id > $1', params: [0] }]);
    expect(outside).toEqual([[{ n: 2 }]]);
  });

  it('deferWrite outside a pipelined transaction runs at once', async () => {
    await deferWrite(dataSource.manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [1, 'now']);
    expect(await count()).toBe(1);
    await dataSource.transaction(async (manager) => {
      await deferWrite(manager, 'INSERT INTO item (id, note) VALUES ($1, $2)', [2, 'now too']);
      expect(Number((await manager.query('SELECT count(*) AS n FROM item'))[0].n)).toBe(2);
    });
  });
});
