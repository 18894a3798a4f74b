import { readTopic, createTestEnv, startStack, testToken, eventually, type Stack, type TestEnv } from '@crm/testing';
import type { DataSource } from 'typeorm';
import { uuidv7 } from '@crm/runtime';
import { reportingModule } from '../src/module';
import { CUBE_LEVELS, compactCube, recomputeCube, type CubeLevel } from '../src/projections/cube';
import { EventPublisher, next, opportunityEvent, opportunityState, stageChanged, stageState, event } from './support/contract-events';
import { waitApplied } from './support/wait';

const cube = (level: CubeLevel) => `SELECT ${level.keys.map((k) => `${k}::text`).join(', ')},
  n, expected_revenue::text, prorated_revenue::text, closed_n, close_seconds::text, stage_n, stage_epoch::text
  FROM reporting.${level.table} WHERE n <> 0 ORDER BY ${level.keys.map((_, i) => i + 1).join(', ')}`;

/** Every grain of the incremental cube equals one recomputed from opportunity_rm (checked in a rolled-back transaction). */
async function expectCubeConsistent(ds: DataSource): Promise<void> {
  await ds.transaction((m) => compactCube(m, 'reporting', { wait: true }));
  const live = await Promise.all(CUBE_LEVELS.map((level) => ds.query(cube(level))));
  expect(live[0]!.length).toBeGreaterThan(0);
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await recomputeCube(runner.manager, 'reporting');
    for (const [i, level] of CUBE_LEVELS.entries()) expect(await runner.manager.query(cube(level))).toEqual(live[i]);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

describe('reporting projections: idempotent, order-safe, dead-lettering', () => {
  let env: TestEnv;
  let stack: Stack;
  let ds: DataSource;
  let publisher: EventPublisher;

  beforeAll(async () => {
    env = await createTestEnv('rpt-projections');
    stack = await startStack({ env, modules: [reportingModule] });
    await stack.subgraph('reporting').consumersReady();
    ds = stack.subgraph('reporting').deps.dataSource;
    publisher = new EventPublisher(env);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
    await env?.cleanup();
  });

  it('never lets an older version overwrite a newer one, and applies a redelivered event once', async () => {
    const stage = stageState('Qualified', 2);
    const v1 = opportunityState({ name: 'Version one', expectedRevenue: '100' });
    const v2 = next(v1, { name: 'Version two', expectedRevenue: '200' }, '2026-03-03T00:00:00.000Z');
    const [v3, moved] = stageChanged(v2, null, stage, '2026-03-04T00:00:00.000Z', 3600);
    const created = opportunityEvent('created', v1);
    const updated = opportunityEvent('updated', v2);
    // newest first, then the older ones late, one of them twice
    await publisher.publish(moved, updated, created, created);
    await waitApplied(ds, [moved, updated, created]);
    const [row] = await ds.query(`SELECT name, version, expected_revenue::text AS revenue, stage_id FROM reporting.opportunity_rm WHERE id = $1`, [v1.id]);
    expect(row).toEqual({ name: v3['name'], version: 3, revenue: '200', stage_id: stage.id });
    const history = await ds.query(`SELECT version FROM reporting.opportunity_history WHERE opportunity_id = $1 ORDER BY version`, [v1.id]);
    expect(history.map((h: { version: number }) => h.version)).toEqual([1, 2, 3]);
    const [inbox] = await ds.query(`SELECT count(*)::int AS n FROM reporting.inbox WHERE event_id = $1`, [created.id]);
    expect(inbox.n).toBe(1);
    await ds.transaction((m) => compactCube(m, 'reporting', { wait: true }));
    const [cube] = await ds.query(`SELECT sum(n)::int AS n, sum(expected_revenue)::text AS revenue FROM reporting.opportunity_cube`);
    expect(cube).toEqual({ n: 1, revenue: '200' });
    await expectCubeConsistent(ds);

    // a stage renamed: the late older version keeps the newer name
    const renamed = { ...stage, name: 'Qualified lead', version: 2 };
    await publisher.publish(event('pipeline', 'stage', 'updated', renamed, '2026-03-05T00:00:00.000Z'), event('pipeline', 'stage', 'created', stage, '2026-01-01T00:00:00.000Z'));
    await eventually(async () => {
      const [s] = await ds.query(`SELECT name, version FROM reporting.stage_rm WHERE id = $1`, [stage.id]);
      expect(s).toEqual({ name: 'Qualified lead', version: 2 });
    });
  });

  it('takes merged-away records out of every figure, whichever event comes first', async () => {
    const keep = opportunityState({ name: 'Keeper', expectedRevenue: '1000' });
    const early = opportunityState({ name: 'Merged before', expectedRevenue: '10' });
    const late = opportunityState({ name: 'Merged after (its creation comes late)', expectedRevenue: '20' });
    const merged = opportunityEvent('merged', next(keep, { expectedRevenue: '1030' }, '2026-03-06T00:00:00.000Z'), { mergedIds: [early.id, late.id] });
    const events = [opportunityEvent('created', keep), opportunityEvent('created', early), merged, opportunityEvent('created', late)];
    await publisher.publish(...events);
    await waitApplied(ds, events);
    const rows = await ds.query(`SELECT name, merged_into FROM reporting.opportunity_rm WHERE id = ANY($1::uuid[]) ORDER BY name`, [[keep.id, early.id, late.id]]);
    expect(rows).toEqual([
      { name: 'Keeper', merged_into: null },
      { name: 'Merged after (its creation comes late)', merged_into: keep.id },
      { name: 'Merged before', merged_into: keep.id },
    ]);
    const api = stack.client(await testToken());
    const report = await api.data(`{ pipelineAnalysis(groupBy: []) { total { count expectedRevenue { amount } } } }`);
    expect(report.pipelineAnalysis.total).toEqual({ count: 2, expectedRevenue: [{ amount: '1230' }] });
    await expectCubeConsistent(ds);
  });

  it('dead-letters poison events (malformed, schema-breaking, failing the handler) and goes on', async () => {
    const topic = 'crm.pipeline.opportunity';
    const tooBig = opportunityState({ name: 'Version beyond integer range', version: 3_000_000_000 });
    const breaking = opportunityEvent('created', opportunityState({ name: 'Breaks the schema' }));
    (breaking.data as { state: Record<string, unknown> }).state['expectedRevenue'] = 12.5;
    const failing = opportunityEvent('created', tooBig);
    const after = opportunityEvent('created', opportunityState({ name: 'After the poison' }));
    await publisher.raw(topic, [
      { key: 'garbage', value: '{not json', headers: { ce_specversion: '1.0', ce_id: uuidv7(), ce_type: 'crm.pipeline.opportunity.created.v1', ce_source: '/crm/pipeline', ce_subject: 'x', ce_time: new Date().toISOString() } },
    ]);
    await publisher.publish(breaking, failing, after);
    await waitApplied(ds, [after]);
    const dead = await readTopic(env.brokers, `${env.topicPrefix}${topic}.dlq`, (ms) => ms.length >= 3);
    expect(dead.map((m) => m.key).sort()).toEqual(['garbage', breaking.subject, failing.subject].sort());
    const reasons = Object.fromEntries(dead.map((m) => [m.key, m.headers['dlq_reason']]));
    expect(reasons['garbage']).toMatch(/MalformedEventError/);
    expect(reasons[breaking.subject]).toMatch(/EventValidationError/);
    expect(reasons[failing.subject]).toMatch(/out of range/);
    const [rows] = await ds.query(`SELECT count(*)::int AS n FROM reporting.opportunity_rm WHERE name IN ('Breaks the schema', 'Version beyond integer range')`);
    expect(rows.n).toBe(0);
  });
});
