import type { DataSource } from 'typeorm';
import { createLogger } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { compactCube } from '../src/projections/cube';
import { READ_MODEL_TABLES } from '../src/projections/target';
import { rebuildReadModels } from '../src/replay/rebuild';
import { EventPublisher, next, opportunityEvent, opportunityState } from './support/contract-events';
import { dealerDataset } from './support/dealer-dataset';
import { knownDataset } from './support/dataset';
import { waitApplied } from './support/wait';

/** Every read-model table, rows sorted on all columns (a canonical picture of the model). */
async function snapshot(ds: DataSource): Promise<Record<string, unknown[]>> {
  await ds.transaction((m) => compactCube(m, 'reporting', { wait: true }));
  const picture: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const columns: { column_name: string }[] = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'reporting' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const list = columns.map((c) => `"${c.column_name}"::text`).join(', ');
    picture[table] = await ds.query(`SELECT ${list} FROM reporting.${table} ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`);
  }
  return picture;
}

describe('npm run reporting:rebuild: the read models rebuilt from the topics equal the live ones', () => {
  let env: TestEnv;
  let stack: Stack;
  let ds: DataSource;
  let publisher: EventPublisher;
  const logger = createLogger('rebuild-test');
  let published = 0;

  beforeAll(async () => {
    env = await createTestEnv('rpt-rebuild');
    stack = await startStack({ env, modules: [reportingModule] });
    await stack.subgraph('reporting').consumersReady();
    ds = stack.subgraph('reporting').deps.dataSource;
    publisher = new EventPublisher(env);
    const events = [...knownDataset().events, ...dealerDataset().events];
    await publisher.publish(...events);
    await waitApplied(ds, events);
    published = events.length;
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
    await env?.cleanup();
  });

  const rebuild = (beforeSwap?: () => Promise<void>) =>
    rebuildReadModels({
      dataSource: ds,
      messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix, clientId: 'crm-reporting' },
      logger,
      defaultCurrency: 'IDR',
      cubeTimeZone: 'UTC',
      batchSize: 7,
      beforeSwap,
    });

  it('rebuilds every table to exactly what the live projections built', async () => {
    const api = stack.client(await testToken());
    const query = `{ pipelineAnalysis(groupBy: ["stage", "status"]) { rows { keys { label } measures { count expectedRevenue { amount currency } } } } }`;
    const reportBefore = await api.data(query);
    const before = await snapshot(ds);
    expect(before['opportunity_rm']!.length).toBe(16);
    const report = await rebuild();
    expect(report.applied).toBe(published);
    expect(await snapshot(ds)).toEqual(before);
    expect(await api.data(query)).toEqual(reportBefore);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'reporting_rebuild_%'`);
    expect(n).toBe(0);
  });

  it('loses nothing that arrives while it rebuilds, and duplicates nothing', async () => {
    const during: ReturnType<typeof opportunityEvent>[] = [];
    const late = opportunityState({ name: 'Created during the rebuild', expectedRevenue: '777' });
    await rebuild(async () => {
      // between the first catch-up and the swap: the live consumers apply these, the replay must too
      during.push(opportunityEvent('created', late), opportunityEvent('updated', next(late, { expectedRevenue: '888' }, '2026-03-03T00:00:00.000Z')));
      await publisher.publish(...during);
    });
    await waitApplied(ds, during);
    const after = await ds.query(`SELECT expected_revenue::text AS r, version FROM reporting.opportunity_rm WHERE id = $1`, [late.id]);
    expect(after).toEqual([{ r: '888', version: 2 }]);
    const live = await snapshot(ds);
    await rebuild();
    expect(await snapshot(ds)).toEqual(live);
  });
});
