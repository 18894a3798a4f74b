import { ManualClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { PipelineAnalysisService } from '../src/services/pipeline-analysis-service';
import { EventPublisher } from './support/contract-events';
import { knownDataset, type KnownDataset } from './support/dataset';
import { waitApplied } from './support/wait';

const PIPELINE = `query($filter: ReportFilter, $groupBy: [String!], $currency: String) {
  pipelineAnalysis(filter: $filter, groupBy: $groupBy, currency: $currency) {
    groupBy source currency newestEventAt
    rows { keys { dimension value label } measures { count wonCount lostCount expectedRevenue { amount currency } proratedRevenue { amount currency } wonRevenue { amount currency } avgDaysToClose avgDaysInStage } }
    total { count wonCount lostCount expectedRevenue { amount currency } wonRevenue { amount currency } }
  } }`;

describe('pipelineAnalysis over the opportunity read model (fed by contract events)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let data: KnownDataset;
  const clock = new ManualClock('2026-03-01T03:00:00.000Z');

  beforeAll(async () => {
    env = await createTestEnv('rpt-pipeline');
    stack = await startStack({ env, modules: [reportingModule], clock });
    await stack.subgraph('reporting').consumersReady();
    admin = stack.client(await testToken({ role: 'admin' }));
    data = knownDataset();
    const publisher = new EventPublisher(env);
    await publisher.publish(...data.events);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, data.events);
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  const stageRow = (rows: any[], label: string) => rows.find((r) => r.keys[0].label === label);

  it('groups by stage in stage order, with per-currency sums and names from the stage events', async () => {
    const { pipelineAnalysis: p } = await admin.data(PIPELINE, { groupBy: ['stage'] });
    expect(p.rows.map((r: any) => r.keys[0].label)).toEqual(['New', 'Qualified', 'Won', 'None']);
    const newStage = stageRow(p.rows, 'New');
    expect(newStage.keys[0].value).toBe(data.stages.new.id);
    expect(newStage.measures).toMatchObject({
      count: 5,
      lostCount: 3,
      expectedRevenue: [
        { amount: '65000000', currency: 'IDR' },
        { amount: '2000', currency: 'USD' },
      ],
    });
    expect(stageRow(p.rows, 'Qualified').measures).toMatchObject({ count: 1, expectedRevenue: [{ amount: '45000000', currency: 'IDR' }], avgDaysInStage: 28 });
    expect(stageRow(p.rows, 'Won').measures).toMatchObject({ count: 1, wonCount: 1, wonRevenue: [{ amount: '100000000', currency: 'IDR' }], avgDaysToClose: 30 });
    expect(p.total).toMatchObject({ count: 8, wonCount: 1, lostCount: 3 });
    expect(p.total.expectedRevenue).toEqual([
      { amount: '210000000', currency: 'IDR' },
      { amount: '2000', currency: 'USD' },
    ]);
    // the open ones in New: o3 (26 days) and o8 (28 days since its conversion)
    expect(newStage.measures.avgDaysInStage).toBe(27);
    expect(p.newestEventAt).toBe('2026-02-26T03:00:00.000Z');
  });

  it('converts into one currency with the rate table, and refuses when a rate is missing', async () => {
    const missing = await admin.request(PIPELINE, { groupBy: ['stage'], currency: 'IDR' });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency', missingRates: ['IDR', 'USD'] });

    const forbidden = await stack.client(await testToken({ role: 'user_all' })).request(
      `mutation { setCurrencyRate(input: { currency: "USD", rate: "16000" }) { rate { currency } } }`,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await admin.data(`mutation { a: setCurrencyRate(input: { currency: "USD", rate: "16000" }) { rate { currency rate } } }`);
    const half = await admin.request(PIPELINE, { groupBy: ['stage'], currency: 'IDR' });
    expect(half.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency', missingRates: ['IDR'] });
    await admin.data(`mutation { b: setCurrencyRate(input: { currency: "IDR", rate: "1" }) { rate { currency rate } } }`);
    expect((await admin.data(`{ currencyRates { currency rate } }`)).currencyRates).toEqual([
      { currency: 'IDR', rate: '1' },
      { currency: 'USD', rate: '16000' },
    ]);
    const { pipelineAnalysis: p } = await admin.data(PIPELINE, { groupBy: ['stage'], currency: 'IDR' });
    expect(p.currency).toBe('IDR');
    expect(stageRow(p.rows, 'New').measures.expectedRevenue).toEqual([{ amount: '97000000.00', currency: 'IDR' }]);
    expect(p.total.expectedRevenue).toEqual([{ amount: '242000000.00', currency: 'IDR' }]);
  });

  it('counts and sums only what the caller may read (scope inside the SQL)', async () => {
    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    const own = (await bob.data(PIPELINE, { groupBy: ['salesperson'] })).pipelineAnalysis;
    // his two (o2, o6) and the unassigned lead of his team (o7)
    expect(own.total.count).toBe(3);
    expect(own.total.expectedRevenue).toEqual([{ amount: '50000000', currency: 'IDR' }]);
    expect(own.rows.map((r: any) => [r.keys[0].label, r.measures.count])).toEqual([
      ['Bob', 2],
      ['None', 1],
    ]);

    const carolTeam = stack.client(await testToken({ role: 'user_team', id: data.users.carol.id, teamIds: [data.teams.dealers.id] }));
    expect((await carolTeam.data(PIPELINE, {})).pipelineAnalysis.total.count).toBe(3);

    const manado = stack.client(await testToken({ role: 'user_all', branchIds: ['MAN01'] }));
    const branch = (await manado.data(PIPELINE, { groupBy: ['branch'] })).pipelineAnalysis;
    expect(branch.rows.map((r: any) => [r.keys[0].value, r.keys[0].label, r.measures.count])).toEqual([['MAN01', 'Manado', 3]]);

    const nobody = stack.client(await testToken({ role: 'none' }));
    expect((await nobody.data(PIPELINE, {})).pipelineAnalysis.total.count).toBe(0);
    expect((await stack.client().request(PIPELINE, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('filters by team, salesperson, branch, stage, tag, type, status and creation range', async () => {
    const count = async (filter: Record<string, unknown>) => (await admin.data(PIPELINE, { filter })).pipelineAnalysis.total.count;
    expect(await count({ teamIds: [data.teams.dealers.id] })).toBe(3);
    expect(await count({ salespersonIds: [data.users.alice.id] })).toBe(2);
    expect(await count({ branchIds: ['SAM01'] })).toBe(5);
    expect(await count({ stageIds: [data.stages.qualified.id, data.stages.won.id] })).toBe(2);
    expect(await count({ tagIds: ['furniture'] })).toBe(2);
    expect(await count({ type: 'LEAD' })).toBe(1);
    expect(await count({ statuses: ['LOST'] })).toBe(3);
    expect(await count({ from: '2026-02-01', to: '2026-02-28' })).toBe(5);
    expect(await count({ from: '2026-02-10', to: '2026-02-10' })).toBe(1);
  });

  it('groups by two dimensions, by tag (a record counts once per tag), and by month', async () => {
    const byTag = (await admin.data(PIPELINE, { groupBy: ['tag'] })).pipelineAnalysis;
    expect(byTag.rows.map((r: any) => [r.keys[0].label, r.measures.count])).toEqual([
      ['furniture', 2],
      ['it', 1],
      ['None', 6],
    ]);
    expect(byTag.total.count).toBe(8);

    const teamStatus = (await admin.data(PIPELINE, { groupBy: ['team', 'status'] })).pipelineAnalysis;
    expect(teamStatus.rows.map((r: any) => [r.keys[0].label, r.keys[1].label, r.measures.count])).toEqual([
      ['Dealers', 'Open', 2],
      ['Dealers', 'Lost', 1],
      ['Direct Sales', 'Open', 2],
      ['Direct Sales', 'Won', 1],
      ['Direct Sales', 'Lost', 2],
    ]);

    const byMonth = (await admin.data(PIPELINE, { groupBy: ['month'] })).pipelineAnalysis;
    expect(byMonth.rows.map((r: any) => [r.keys[0].value, r.measures.count])).toEqual([
      ['2026-01', 3],
      ['2026-02', 5],
    ]);
  });

  it('answers stage × month from the cube when it can, equal to the answer from the records', async () => {
    const utc = stack.client(await testToken({ role: 'admin', tz: 'UTC' }));
    const fromCube = (await utc.data(PIPELINE, { groupBy: ['stage', 'month'], filter: { from: '2026-01-01', to: '2026-02-28' } })).pipelineAnalysis;
    expect(fromCube.source).toBe('cube');
    const service = new PipelineAnalysisService(stack.subgraph('reporting').deps.dataSource, clock);
    for (const user of [
      { id: data.users.bob.id, role: 'user_own' as const, teamIds: [data.teams.direct.id], branchIds: [], tz: 'UTC' },
      { id: data.users.carol.id, role: 'user_all' as const, teamIds: [], branchIds: ['MAN01'], tz: 'UTC' },
      { id: data.users.alice.id, role: 'admin' as const, teamIds: [], branchIds: [], tz: 'UTC' },
    ]) {
      for (const groupBy of [['stage', 'month'], ['team', 'status'], ['salesperson'], []]) {
        const args = { groupBy, filter: { from: '2026-01-01', to: '2026-02-28' } };
        const cube = await service.pipelineAnalysis(user, args);
        const records = await service.pipelineAnalysis(user, args, { forceRecords: true });
        expect(cube.source).toBe('cube');
        expect(records.source).toBe('records');
        expect({ ...cube, source: 'x' }).toEqual({ ...records, source: 'x' });
      }
    }
    const partial = (await utc.data(PIPELINE, { groupBy: ['stage'], filter: { from: '2026-01-16', to: '2026-02-28' } })).pipelineAnalysis;
    expect(partial.source).toBe('records');
  });

  it('rejects bad input with typed errors', async () => {
    const error = async (vars: Record<string, unknown>) => (await admin.request(PIPELINE, vars)).errors?.[0]?.extensions;
    expect(await error({ filter: { from: '2026-03-01', to: '2026-02-01' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error({ groupBy: ['colour'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error({ groupBy: ['stage', 'team', 'month'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error({ filter: { teamIds: ['not-a-uuid'] } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.teamIds' });
    expect(await error({ currency: 'rupiah' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  });

  it('draws chart series', async () => {
    const q = `{ pipelineAnalysis(groupBy: ["stage", "status"]) { chart(measure: "count") { labels series { name values } } } }`;
    const chart = (await admin.data(q)).pipelineAnalysis.chart;
    expect(chart.labels).toEqual(['New', 'Qualified', 'Won', 'None']);
    expect(chart.series).toEqual([
      { name: 'Open', values: ['2', '1', '0', '1'] },
      { name: 'Won', values: ['0', '0', '1', '0'] },
      { name: 'Lost', values: ['3', '0', '0', '0'] },
    ]);
    const mixed = await admin.request(`{ pipelineAnalysis(groupBy: ["stage"]) { chart(measure: "expectedRevenue") { labels } } }`);
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'measure' });
  });
});
