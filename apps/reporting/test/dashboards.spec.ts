import { ManualClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import type { CloudEvent } from '@crm/events';
import { reportingModule } from '../src/module';
import { activityState, event, EventPublisher, quotationState } from './support/contract-events';
import { knownDataset, type KnownDataset } from './support/dataset';
import { dealerDataset } from './support/dealer-dataset';
import { waitApplied } from './support/wait';

describe('activity analysis, team dashboard and follow-up monitoring (fed by contract events)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let data: KnownDataset;
  let dealer: ReturnType<typeof dealerDataset>;
  // Friday 27 February 2026, noon in Jakarta
  const clock = new ManualClock('2026-02-27T05:00:00.000Z');

  beforeAll(async () => {
    env = await createTestEnv('rpt-dashboards');
    stack = await startStack({ env, modules: [reportingModule], clock });
    await stack.subgraph('reporting').consumersReady();
    admin = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    data = knownDataset();
    const { o1, o2, o3 } = data.opportunities;
    const { alice, bob, carol } = data.users;
    const { direct, dealers } = data.teams;
    const activity = (kind: string, extra: Record<string, unknown>, time = '2026-02-01T00:00:00.000Z') => event('activities', 'activity', kind, activityState(extra), time);
    const call = { typeId: '01934d6e-0000-7000-8000-00000000c411', typeName: 'Call', category: 'PHONE_CALL' };
    const email = { typeId: '01934d6e-0000-7000-8000-00000000c412', typeName: 'Email', category: 'DEFAULT' };
    const activities: CloudEvent[] = [
      activity('scheduled', { ...call, resourceId: o2.id, assigneeId: bob.id, dueDate: '2026-02-20' }),
      activity('scheduled', { ...call, resourceId: o2.id, assigneeId: bob.id, dueDate: '2026-02-27' }),
      activity('scheduled', { ...call, resourceId: o3.id, assigneeId: carol.id, dueDate: '2026-02-25' }),
      activity('done', { ...call, resourceId: o1.id, assigneeId: alice.id, dueDate: '2026-02-10', status: 'done', doneAt: '2026-02-10T02:00:00.000Z', doneById: alice.id }),
      activity('scheduled', { ...email, resourceType: 'Contact', resourceId: '01934d6e-0000-7000-8000-00000000cc01', assigneeId: bob.id, dueDate: '2026-02-01' }),
      activity('cancelled', { ...call, resourceId: o2.id, assigneeId: bob.id, dueDate: '2026-02-02', status: 'cancelled' }),
      activity('done', { ...email, resourceId: o2.id, assigneeId: bob.id, dueDate: '2026-02-11', status: 'done', doneAt: '2026-02-12T04:00:00.000Z', doneById: bob.id }),
      activity('done', { ...call, resourceId: o3.id, assigneeId: carol.id, dueDate: '2026-02-01', status: 'done', doneAt: '2026-01-30T04:00:00.000Z', doneById: carol.id }),
    ];
    const quotation = (kind: string, extra: Record<string, unknown>) => event('sales', 'quotation', kind, quotationState(extra), '2026-02-20T00:00:00.000Z');
    const quotations: CloudEvent[] = [
      quotation('created', { teamId: direct.id, salespersonId: alice.id, amountUntaxed: '10000000', amountTotal: '11100000', state: 'draft' }),
      quotation('sent', { teamId: direct.id, salespersonId: bob.id, amountUntaxed: '5000000', amountTotal: '5550000', state: 'sent' }),
      quotation('confirmed', { teamId: direct.id, salespersonId: alice.id, amountUntaxed: '20000000', amountTotal: '22200000', state: 'sale', orderDate: '2026-02-20T03:00:00.000Z' }),
      quotation('confirmed', { teamId: dealers.id, salespersonId: carol.id, amountUntaxed: '7000000', amountTotal: '7770000', state: 'sale', orderDate: '2026-01-15T03:00:00.000Z' }),
      quotation('cancelled', { teamId: direct.id, salespersonId: bob.id, amountUntaxed: '3000000', amountTotal: '3330000', state: 'cancelled' }),
    ];
    dealer = dealerDataset();
    const all = [...data.events, ...activities, ...quotations, ...dealer.events];
    const publisher = new EventPublisher(env);
    await publisher.publish(...all);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, all);
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('counts done activities only, by type, user and month, on time or late', async () => {
    const q = `query($groupBy: [String!], $filter: ActivityAnalysisFilter) { activityAnalysis(groupBy: $groupBy, filter: $filter) {
      rows { keys { value label } measures { count onTime late avgDelayDays } } total { count onTime late avgDelayDays } newestEventAt } }`;
    const byType = (await admin.data(q, { groupBy: ['type'] })).activityAnalysis;
    expect(byType.rows).toEqual([
      { keys: [{ value: '01934d6e-0000-7000-8000-00000000c411', label: 'Call' }], measures: { count: 2, onTime: 2, late: 0, avgDelayDays: -1 } },
      { keys: [{ value: '01934d6e-0000-7000-8000-00000000c412', label: 'Email' }], measures: { count: 1, onTime: 0, late: 1, avgDelayDays: 1 } },
    ]);
    expect(byType.total).toEqual({ count: 3, onTime: 2, late: 1, avgDelayDays: -0.33 });
    expect(byType.newestEventAt).not.toBeNull();
    const byUserMonth = (await admin.data(q, { groupBy: ['user', 'month'] })).activityAnalysis;
    expect(byUserMonth.rows.map((r: any) => [r.keys[0].label, r.keys[1].value, r.measures.count])).toEqual([
      ['Alice', '2026-02', 1],
      ['Bob', '2026-02', 1],
      ['Carol', '2026-01', 1],
    ]);
    const february = (await admin.data(q, { groupBy: ['team'], filter: { from: '2026-02-01', to: '2026-02-28' } })).activityAnalysis;
    expect(february.rows.map((r: any) => [r.keys[0].label, r.measures.count])).toEqual([['Direct Sales', 2]]);

    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    expect((await bob.data(q, { groupBy: ['user'] })).activityAnalysis.total.count).toBe(1);
    const bad = await admin.request(q, { groupBy: ['type', 'user', 'month'] });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  });

  it('shows each team its open pipeline, won this month against the target, quotations, orders, overdue activities and unassigned leads', async () => {
    const q = `{ teamDashboard { teams { team { name } invoicingTarget { amount currency }
      openPipeline { count amount { amount currency } } wonThisMonth { count amount { amount currency } } targetProgress
      quotations { count amount { amount currency } } ordersThisMonth { count amount { amount currency } }
      overdueActivities unassignedLeads } newestEventAt } }`;
    const d = (await admin.data(q)).teamDashboard;
    expect(d.teams).toEqual([
      {
        team: { name: 'Dealers' },
        invoicingTarget: { amount: '50000000', currency: 'IDR' },
        openPipeline: { count: 2, amount: [{ amount: '10000000', currency: 'IDR' }, { amount: '2000', currency: 'USD' }] },
        wonThisMonth: { count: 0, amount: [] },
        targetProgress: 0,
        quotations: { count: 0, amount: [] },
        ordersThisMonth: { count: 0, amount: [] },
        overdueActivities: 1,
        unassignedLeads: 0,
      },
      {
        team: { name: 'Direct Sales' },
        invoicingTarget: { amount: '300000000', currency: 'IDR' },
        openPipeline: { count: 1, amount: [{ amount: '45000000', currency: 'IDR' }] },
        wonThisMonth: { count: 1, amount: [{ amount: '100000000', currency: 'IDR' }] },
        targetProgress: 0.3333,
        quotations: { count: 2, amount: [{ amount: '15000000', currency: 'IDR' }] },
        ordersThisMonth: { count: 1, amount: [{ amount: '20000000', currency: 'IDR' }] },
        overdueActivities: 2,
        unassignedLeads: 1,
      },
    ]);
    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    const own = (await bob.data(q)).teamDashboard.teams;
    expect(own.map((t: any) => [t.team.name, t.openPipeline.count, t.wonThisMonth.count, t.quotations.count, t.overdueActivities, t.unassignedLeads])).toEqual([
      ['Direct Sales', 1, 0, 1, 2, 1],
    ]);
  });

  it('narrows the team dashboard by salesperson, branch, type, tag and team; the target and overdue activities are not filtered', async () => {
    const q = `query($filter: ReportFilter) { teamDashboard(filter: $filter) { teams { team { name } invoicingTarget { amount }
      openPipeline { count amount { amount currency } } wonThisMonth { count amount { amount currency } } targetProgress
      quotations { count amount { amount currency } } ordersThisMonth { count amount { amount currency } }
      overdueActivities unassignedLeads } } }`;
    type Figures = [string, number, number, number | null, number, number, number, number];
    const figures = (t: any): Figures => [
      t.team.name,
      t.openPipeline.count,
      t.wonThisMonth.count,
      t.targetProgress,
      t.quotations.count,
      t.ordersThisMonth.count,
      t.overdueActivities,
      t.unassignedLeads,
    ];
    const board = async (filter: Record<string, unknown>, client = admin) => (await client.data(q, { filter })).teamDashboard.teams;
    const alice = await board({ salespersonIds: [data.users.alice.id] });
    // Alice: o1 won this month, a draft quotation of 10 M, an order of 20 M; no open opportunity, no unassigned lead
    expect(alice.map(figures)).toEqual([
      ['Dealers', 0, 0, 0, 0, 0, 1, 0],
      ['Direct Sales', 0, 1, 0.3333, 1, 1, 2, 0],
    ]);
    expect(alice[1].quotations.amount).toEqual([{ amount: '10000000', currency: 'IDR' }]);
    expect(alice[1].invoicingTarget).toEqual({ amount: '300000000' });
    // Manado: the Dealers' two open opportunities; the quotations carry no branch
    const manado = await board({ branchIds: ['MAN01'] });
    expect(manado.map(figures)).toEqual([
      ['Dealers', 2, 0, 0, 0, 0, 1, 0],
      ['Direct Sales', 0, 0, 0, 0, 0, 2, 0],
    ]);
    expect(manado[0].openPipeline.amount).toEqual([{ amount: '10000000', currency: 'IDR' }, { amount: '2000', currency: 'USD' }]);
    // leads only: no open opportunities, the walk-in lead still unassigned
    expect((await board({ type: 'LEAD' })).map(figures)).toEqual([
      ['Dealers', 0, 0, 0, 0, 0, 1, 0],
      ['Direct Sales', 0, 0, 0, 0, 0, 2, 1],
    ]);
    // furniture: o1 (won) and o3 (open, USD); no quotation was made from them
    expect((await board({ tagIds: ['furniture'] })).map(figures)).toEqual([
      ['Dealers', 1, 0, 0, 0, 0, 1, 0],
      ['Direct Sales', 0, 1, 0.3333, 0, 0, 2, 0],
    ]);
    expect((await board({ teamIds: [data.teams.dealers.id] })).map((t: any) => t.team.name)).toEqual(['Dealers']);
    // Bob (own documents) filtering on Alice sees none of her records
    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    expect((await board({ salespersonIds: [data.users.alice.id] }, bob)).map(figures)).toEqual([['Direct Sales', 0, 0, 0, 0, 0, 2, 0]]);
    expect((await board({ salespersonIds: [data.users.bob.id] }, bob)).map(figures)).toEqual([['Direct Sales', 1, 0, 0, 1, 0, 2, 0]]);

    const error = async (filter: Record<string, unknown>) => (await admin.request(q, { filter })).errors?.[0]?.extensions;
    expect(await error({ from: '2026-02-01' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error({ statuses: ['WON'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.statuses' });
    expect(await error({ includeArchived: true })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.includeArchived' });
    expect(await error({ salespersonIds: ['alice'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.salespersonIds' });
  });

  it('monitors the dealer follow-up per branch and week: statuses, steps, who came for service and why not', async () => {
    const q = `query($filter: FollowUpFilter) { followUpMonitoring(filter: $filter) {
      rows { branch { value label } week weekStart figures { leads customerStatuses { status count } reached followUps { step count } cameForService notCameForService notCameReasons { reason count } } }
      total { leads reached cameForService notCameForService customerStatuses { status count } followUps { step count } notCameReasons { reason count } }
      config { customerStatusKey version } newestEventAt } }`;
    const filter = { branchIds: ['IND01', 'BAN04'] };
    const m = (await admin.data(q, { filter })).followUpMonitoring;
    const statuses = (t: number, n: number, r: number, u: number) => [
      { status: 'Terhubung', count: t },
      { status: 'Tidak Terhubung', count: n },
      { status: 'Rejected', count: r },
      { status: 'Not set', count: u },
    ];
    const steps = (a: number, b: number, c: number) => [
      { step: 'Follow Up 1', count: a },
      { step: 'Follow Up 2', count: b },
      { step: 'Follow Up 3', count: c },
    ];
    expect(m.rows).toEqual([
      {
        branch: { value: 'BAN04', label: 'Soekarno Hatta' },
        week: '2026-W10',
        weekStart: '2026-03-02',
        figures: { leads: 2, customerStatuses: statuses(2, 0, 0, 0), reached: 2, followUps: steps(2, 1, 0), cameForService: 1, notCameForService: 1, notCameReasons: [{ reason: 'Motor dijual', count: 1 }] },
      },
      {
        branch: { value: 'IND01', label: 'Indramayu' },
        week: '2026-W10',
        weekStart: '2026-03-02',
        figures: {
          leads: 4,
          customerStatuses: statuses(2, 1, 0, 1),
          reached: 2,
          followUps: steps(3, 1, 0),
          cameForService: 1,
          notCameForService: 3,
          notCameReasons: [
            { reason: 'Not followed up', count: 1 },
            { reason: 'Sudah servis di bengkel lain', count: 1 },
            { reason: 'Tidak Terhubung', count: 1 },
          ],
        },
      },
      {
        branch: { value: 'IND01', label: 'Indramayu' },
        week: '2026-W11',
        weekStart: '2026-03-09',
        figures: { leads: 1, customerStatuses: statuses(0, 0, 1, 0), reached: 0, followUps: steps(1, 0, 0), cameForService: 0, notCameForService: 1, notCameReasons: [{ reason: 'Rejected', count: 1 }] },
      },
    ]);
    expect(m.total).toMatchObject({ leads: 7, reached: 4, cameForService: 2, notCameForService: 5, customerStatuses: statuses(4, 1, 1, 1), followUps: steps(6, 2, 0) });
    expect(m.total.notCameReasons.map((r: any) => r.reason)).toEqual(['Motor dijual', 'Not followed up', 'Rejected', 'Sudah servis di bengkel lain', 'Tidak Terhubung']);
    expect(m.config).toEqual({ customerStatusKey: 'customerStatus', version: 0 });

    // the keys are configuration: steps by stage only, and another status property
    const configure = `mutation($input: ConfigureFollowUpMonitoringInput!) { configureFollowUpMonitoring(input: $input) { config { version steps { name stageName dateKey } } } }`;
    const forbidden = await stack.client(await testToken({ role: 'user_all' })).request(configure, { input: { customerStatusKey: 'x' } });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badKey = await admin.request(configure, { input: { customerStatusKey: 'no spaces allowed' } });
    expect(badKey.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerStatusKey' });
    const stale = await admin.request(configure, { input: { customerStatusKey: 'status', expectedVersion: 7 } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await admin.data(configure, {
      input: { expectedVersion: 0, customerStatusKey: 'statusCustomer', steps: [{ name: 'FU1 (stage)', stageName: 'follow up 1' }, { name: 'FU2 (stage)', stageName: 'Follow Up 2' }] },
    });
    const changed = (await admin.data(q, { filter })).followUpMonitoring;
    expect(changed.total.followUps).toEqual([
      { step: 'FU1 (stage)', count: 1 },
      { step: 'FU2 (stage)', count: 1 },
    ]);
    expect(changed.total.customerStatuses.find((s: any) => s.status === 'Not set').count).toBe(7);
    expect(changed.config.version).toBe(1);

    const bad = await admin.request(q, { filter: { from: '2026-03-10', to: '2026-03-01' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('narrows the follow-up monitoring by pipeline, salesperson, stage and tag, within the caller scope', async () => {
    const q = `query($filter: FollowUpFilter) { followUpMonitoring(filter: $filter) { rows { branch { value } week figures { leads } } total { leads } } }`;
    const leads = async (filter: Record<string, unknown>, client = admin) => (await client.data(q, { filter })).followUpMonitoring;
    const dealers = { branchIds: ['IND01', 'BAN04'] };
    // DAYAT (IND01, week 10) is the one lead now in Follow Up 2
    const fu2 = await leads({ ...dealers, stageIds: [dealer.stages.fu2.id] });
    expect(fu2.rows).toEqual([{ branch: { value: 'IND01' }, week: '2026-W10', figures: { leads: 1 } }]);
    expect(fu2.total.leads).toBe(1);
    expect((await leads({ ...dealers, stageIds: [dealer.stages.fu1.id, dealer.stages.fu3.id] })).total.leads).toBe(0);
    // the known dataset: Alice's live records are o1 and o4; furniture tags o1 and o3
    expect((await leads({ salespersonIds: [data.users.alice.id] })).total.leads).toBe(2);
    expect((await leads({ tagIds: ['furniture'] })).total.leads).toBe(2);
    expect((await leads({ tagIds: ['furniture'], salespersonIds: [data.users.alice.id] })).total.leads).toBe(1);
    expect((await leads({ tagIds: ['furniture'], type: 'LEAD' })).total.leads).toBe(0);
    // no record is in a pipeline
    expect((await leads({ pipelineIds: ['01934d6e-0000-7000-8000-00000000aa01'] })).total.leads).toBe(0);
    // Bob (own documents): neither Alice's records nor the tagged ones are his
    const bob = stack.client(await testToken({ role: 'user_own', id: data.users.bob.id, teamIds: [data.teams.direct.id] }));
    expect((await leads({ salespersonIds: [data.users.alice.id] }, bob)).total.leads).toBe(0);
    expect((await leads({ tagIds: ['furniture'] }, bob)).total.leads).toBe(0);
    expect((await leads({ salespersonIds: [data.users.bob.id] }, bob)).total.leads).toBe(2);

    const error = async (filter: Record<string, unknown>) => (await admin.request(q, { filter })).errors?.[0]?.extensions;
    expect(await error({ salespersonIds: ['bob'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.salespersonIds' });
    expect(await error({ stageIds: ['x'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.stageIds' });
    expect(await error({ pipelineIds: ['x'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.pipelineIds' });
    expect(await error({ teamIds: ['x'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.teamIds' });
  });
});
