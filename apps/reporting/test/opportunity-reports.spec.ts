import { stateEvent } from '@crm/events';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { PipelineAnalysisService } from '../src/services/pipeline-analysis-service';
import { EventPublisher } from './support/contract-events';
import { knownDataset, type KnownDataset } from './support/dataset';
import { waitApplied } from './support/wait';

function rateEvent(currency: string, rate: string, validFrom: string) {
  return stateEvent({
    subgraph: 'pipeline',
    aggregate: 'currency_rate',
    event: 'set',
    state: { id: currency, currency, rate, validFrom },
    time: new Date(),
  });
}

const PIPELINE = `query($filter: ReportFilter, $groupBy: [String!], $currency: String) {
  pipelineAnalysis(filter: $filter, groupBy: $groupBy, currency: $currency) {
    groupBy source currency newestEventAt
    rows { keys { dimension value label } measures { count wonCount lostCount expectedRevenue { amount currency } proratedRevenue { amount currency } wonRevenue { amount currency } avgDaysToClose avgDaysInStage } }
    total { count wonCount lostCount expectedRevenue { amount currency } wonRevenue { amount currency } }
  } }`;

describe('opportunity reports over the read model (fed by contract events): pipelineAnalysis, forecast, winLoss', () => {
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

    // The rates are the pipeline's: reporting keeps them from crm.pipeline.currency_rate events.
    const publisher = new EventPublisher(env);
    const usd = rateEvent('USD', '16000', '2026-01-01');
    await publisher.publish(usd);
    await waitApplied(stack.subgraph('reporting').deps.dataSource, [usd]);
    const half = await admin.request(PIPELINE, { groupBy: ['stage'], currency: 'IDR' });
    expect(half.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency', missingRates: ['IDR'] });
    // A rate from an earlier date arriving late does not replace a newer one.
    const idr = rateEvent('IDR', '1', '2026-01-01');
    const staleUsd = rateEvent('USD', '9999', '2025-01-01');
    await publisher.publish(idr, staleUsd);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, [idr, staleUsd]);
    const rates = await stack.subgraph('reporting').deps.dataSource.query(
      'SELECT currency, rate::text AS rate FROM reporting.currency_rate ORDER BY currency',
    );
    expect(rates).toEqual([
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
    // The access group "none" has no access to the CRM at all (libs/auth requireUser).
    expect((await nobody.request(PIPELINE, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
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
      for (const groupBy of [['stage', 'month'], ['team', 'status'], ['salesperson'], ['branch', 'type'], []]) {
        const args = { groupBy, filter: { from: '2026-01-01', to: '2026-02-28' } };
        const cube = await service.pipelineAnalysis(user, args);
        const records = await service.pipelineAnalysis(user, args, { forceRecords: true });
        expect(cube.source).toBe('cube');
        expect(records.source).toBe('records');
        expect({ ...cube, source: 'x', grain: 'x' }).toEqual({ ...records, source: 'x', grain: 'x' });
      }
    }
    const partial = (await utc.data(PIPELINE, { groupBy: ['stage'], filter: { from: '2026-01-16', to: '2026-02-28' } })).pipelineAnalysis;
    expect(partial.source).toBe('records');
    // the coarsest grain that has the columns of the group-bys, the filter and the caller's scope
    const grain = async (user: Parameters<typeof service.pipelineAnalysis>[0], groupBy: string[], filter = {}) =>
      (await service.pipelineAnalysis(user, { groupBy, filter })).grain;
    const utcAdmin = { id: data.users.alice.id, role: 'admin' as const, teamIds: [], branchIds: [], tz: 'UTC' };
    expect(await grain(utcAdmin, ['stage', 'month'])).toBe('opportunity_cube_top');
    expect(await grain(utcAdmin, ['stage'], { teamIds: [data.teams.direct.id] })).toBe('opportunity_cube_team');
    expect(await grain(utcAdmin, ['salesperson'])).toBe('opportunity_cube');
    expect(await grain({ ...utcAdmin, role: 'user_all', branchIds: ['SAM01'] }, ['stage'])).toBe('opportunity_cube_team');
    expect(await grain({ ...utcAdmin, role: 'user_team', teamIds: [data.teams.direct.id] }, ['stage'])).toBe('opportunity_cube');
    expect(await grain(utcAdmin, ['tag'])).toBe('opportunity_rm');
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

  it('forecasts open opportunities by expected closing month × stage, with prorated revenue', async () => {
    const q = `query($filter: ReportFilter, $currency: String) { forecast(filter: $filter, currency: $currency) {
      rows { month stage { label } count expectedRevenue { amount currency } proratedRevenue { amount currency } }
      months { month count proratedRevenue { amount currency } }
      total { count } newestEventAt } }`;
    const f = (await admin.data(q)).forecast;
    expect(f.rows).toEqual([
      { month: '2026-03', stage: { label: 'New' }, count: 1, expectedRevenue: [{ amount: '2000', currency: 'USD' }], proratedRevenue: [{ amount: '200', currency: 'USD' }] },
      { month: '2026-03', stage: { label: 'Qualified' }, count: 1, expectedRevenue: [{ amount: '45000000', currency: 'IDR' }], proratedRevenue: [{ amount: '13500000', currency: 'IDR' }] },
      { month: null, stage: { label: 'New' }, count: 1, expectedRevenue: [{ amount: '10000000', currency: 'IDR' }], proratedRevenue: [{ amount: '1000000', currency: 'IDR' }] },
    ]);
    expect(f.months.map((m: any) => [m.month, m.count])).toEqual([
      ['2026-03', 2],
      [null, 1],
    ]);
    expect(f.total.count).toBe(3);
    expect(f.newestEventAt).toBe('2026-02-26T03:00:00.000Z');
    const march = (await admin.data(q, { filter: { from: '2026-03-01', to: '2026-03-31' } })).forecast;
    expect(march.total.count).toBe(2);
    const bad = await admin.request(q, { filter: { statuses: ['WON'] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.statuses' });
  });

  it('reports won/lost, lost reasons ranked, win rates, cycle time, the funnel and stage velocity', async () => {
    const q = `query($filter: ReportFilter) { winLoss(filter: $filter) {
      won lost winRate wonRevenue { amount currency } lostRevenue { amount currency } avgCycleDays
      lostReasons { reason { value label } count revenue { amount currency } }
      byTeam { key { label } won lost winRate }
      bySalesperson { key { label } won lost winRate }
      funnel { created leads converted opportunities won leadToOpportunity opportunityToWon }
      stageVelocity { stage { label } transitions avgDays minDays maxDays }
      newestEventAt } }`;
    const w = (await admin.data(q, { filter: { from: '2026-01-01', to: '2026-02-28' } })).winLoss;
    expect(w).toMatchObject({
      won: 1,
      lost: 3,
      winRate: 0.25,
      wonRevenue: [{ amount: '100000000', currency: 'IDR' }],
      lostRevenue: [{ amount: '55000000', currency: 'IDR' }],
      avgCycleDays: 30,
    });
    expect(w.lostReasons).toEqual([
      { reason: { value: data.lost.expensive, label: 'Too expensive' }, count: 2, revenue: [{ amount: '50000000', currency: 'IDR' }] },
      { reason: { value: data.lost.stock, label: 'No stock' }, count: 1, revenue: [{ amount: '5000000', currency: 'IDR' }] },
    ]);
    expect(w.byTeam).toEqual([
      { key: { label: 'Dealers' }, won: 0, lost: 1, winRate: 0 },
      { key: { label: 'Direct Sales' }, won: 1, lost: 2, winRate: 0.3333 },
    ]);
    expect(w.bySalesperson).toEqual([
      { key: { label: 'Alice' }, won: 1, lost: 1, winRate: 0.5 },
      { key: { label: 'Bob' }, won: 0, lost: 1, winRate: 0 },
      { key: { label: 'Carol' }, won: 0, lost: 1, winRate: 0 },
    ]);
    expect(w.funnel).toEqual({ created: 8, leads: 2, converted: 1, opportunities: 7, won: 1, leadToOpportunity: 0.5, opportunityToWon: 0.1429 });
    expect(w.stageVelocity).toEqual([
      { stage: { label: 'New' }, transitions: 2, avgDays: 8.5, minDays: 5, maxDays: 12 },
      { stage: { label: 'Qualified' }, transitions: 1, avgDays: 15, minDays: 15, maxDays: 15 },
      { stage: { label: 'Proposition' }, transitions: 1, avgDays: 10, minDays: 10, maxDays: 10 },
    ]);
    // closed in February only the losses and the win; in January nothing closed
    const jan = (await admin.data(q, { filter: { from: '2026-01-01', to: '2026-01-31' } })).winLoss;
    expect([jan.won, jan.lost, jan.winRate]).toEqual([0, 0, null]);
    expect(jan.stageVelocity.map((s: any) => [s.stage.label, s.transitions])).toEqual([['New', 1]]);

    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    const own = (await bob.data(q, { filter: { from: '2026-01-01', to: '2026-02-28' } })).winLoss;
    expect([own.won, own.lost]).toEqual([0, 1]);
    expect(own.lostReasons.map((r: any) => r.reason.label)).toEqual(['No stock']);
    expect(own.stageVelocity.map((s: any) => [s.stage.label, s.transitions])).toEqual([['New', 1]]);
  });

  it('groups won against lost by up to two dimensions, within the caller scope; bad group-bys are BAD_USER_INPUT', async () => {
    const q = `query($filter: ReportFilter, $groupBy: [String!]) { winLoss(filter: $filter, groupBy: $groupBy) {
      won lost groupBy rows { keys { dimension value label } won lost winRate wonRevenue { amount currency } lostRevenue { amount currency } averageCycleDays } } }`;
    const feb = { from: '2026-01-01', to: '2026-02-28' };
    const idr = (amount: string) => [{ amount, currency: 'IDR' }];
    const w = (await admin.data(q, { filter: feb, groupBy: ['team', 'SALESPERSON'] })).winLoss;
    expect([w.won, w.lost, w.groupBy]).toEqual([1, 3, ['team', 'salesperson']]);
    expect(w.rows).toEqual([
      {
        keys: [
          { dimension: 'team', value: data.teams.dealers.id, label: 'Dealers' },
          { dimension: 'salesperson', value: data.users.carol.id, label: 'Carol' },
        ],
        won: 0, lost: 1, winRate: 0, wonRevenue: [], lostRevenue: idr('30000000'), averageCycleDays: null,
      },
      {
        keys: [
          { dimension: 'team', value: data.teams.direct.id, label: 'Direct Sales' },
          { dimension: 'salesperson', value: data.users.alice.id, label: 'Alice' },
        ],
        won: 1, lost: 1, winRate: 0.5, wonRevenue: idr('100000000'), lostRevenue: idr('20000000'), averageCycleDays: 30,
      },
      {
        keys: [
          { dimension: 'team', value: data.teams.direct.id, label: 'Direct Sales' },
          { dimension: 'salesperson', value: data.users.bob.id, label: 'Bob' },
        ],
        won: 0, lost: 1, winRate: 0, wonRevenue: [], lostRevenue: idr('5000000'), averageCycleDays: null,
      },
    ]);
    // one dimension, with a filter: Direct Sales only, by branch
    const direct = (await admin.data(q, { filter: { ...feb, teamIds: [data.teams.direct.id] }, groupBy: ['branch'] })).winLoss;
    expect(direct.rows).toEqual([
      { keys: [{ dimension: 'branch', value: 'SAM01', label: 'Samarinda' }], won: 1, lost: 2, winRate: 0.3333, wonRevenue: idr('100000000'), lostRevenue: idr('25000000'), averageCycleDays: 30 },
    ]);
    // no group-by: no rows, the rest unchanged
    expect((await admin.data(q, { filter: feb })).winLoss).toMatchObject({ won: 1, lost: 3, groupBy: [], rows: [] });

    // Bob (own documents) sees his own lost Printer only, whatever he groups by
    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    const own = (await bob.data(q, { filter: feb, groupBy: ['salesperson'] })).winLoss;
    expect(own.rows).toEqual([
      { keys: [{ dimension: 'salesperson', value: data.users.bob.id, label: 'Bob' }], won: 0, lost: 1, winRate: 0, wonRevenue: [], lostRevenue: idr('5000000'), averageCycleDays: null },
    ]);
    const ownByTeam = (await bob.data(q, { filter: feb, groupBy: ['team'] })).winLoss;
    expect(ownByTeam.rows.map((r: any) => [r.keys[0].label, r.won, r.lost, r.lostRevenue])).toEqual([['Direct Sales', 0, 1, idr('5000000')]]);

    const error = async (groupBy: string[]) => (await admin.request(q, { filter: feb, groupBy })).errors?.[0]?.extensions;
    expect(await error(['nope'])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error(['team', 'salesperson', 'branch'])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error(['team', 'Team'])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  });

  it('shows the board as it stood on a past date, from the history', async () => {
    const q = `query($date: Date, $at: DateTime, $filter: ReportFilter) { pipelineAsOf(date: $date, at: $at, filter: $filter) {
      total columns { stage { label } count expectedRevenue { amount currency } cards { name version } } newestEventAt } }`;
    const board = async (vars: Record<string, unknown>) => (await admin.data(q, vars)).pipelineAsOf;
    const columns = (b: any) => b.columns.map((c: any) => [c.stage.label, c.cards.map((card: any) => card.name)]);

    const january = await board({ date: '2026-01-31' });
    expect(columns(january)).toEqual([
      ['New', ['Service contract 2027']],
      ['Qualified', ['200 Office Chairs']],
    ]);
    expect(january.total).toBe(2);

    const tenth = await board({ date: '2026-02-10' });
    expect(columns(tenth)).toEqual([
      ['New', ['Canteen chairs', 'Converted lead', 'Fleet laptops']],
      ['Qualified', ['Service contract 2027']],
      ['Proposition', ['200 Office Chairs']],
    ]);
    expect(tenth.columns[0].expectedRevenue).toEqual([
      { amount: '30000000', currency: 'IDR' },
      { amount: '2000', currency: 'USD' },
    ]);
    expect(tenth.columns[2].cards).toEqual([{ name: '200 Office Chairs', version: 3 }]);

    // the deleted deal lived from 1 to 2 February (03:00 UTC)
    const withDeleted = await board({ at: '2026-02-01T12:00:00.000Z' });
    expect(withDeleted.columns[0].cards.map((c: any) => c.name)).toContain('Deleted deal');
    expect((await board({ at: '2026-02-02T12:00:00.000Z' })).columns[0].cards.map((c: any) => c.name)).not.toContain('Deleted deal');

    const now = await board({ date: '2026-03-01' });
    expect(columns(now)).toEqual([
      ['New', ['Converted lead', 'Fleet laptops']],
      ['Qualified', ['Service contract 2027']],
      ['Won', ['200 Office Chairs']],
    ]);

    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    expect(columns((await bob.data(q, { date: '2026-02-10' })).pipelineAsOf)).toEqual([['Qualified', ['Service contract 2027']]]);
    const dealers = await board({ date: '2026-02-10', filter: { teamIds: [data.teams.dealers.id] } });
    expect(dealers.total).toBe(2);

    expect((await admin.request(q, {})).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect((await admin.request(q, { date: '2026-02-10', at: '2026-02-10T00:00:00Z' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
  });
});
