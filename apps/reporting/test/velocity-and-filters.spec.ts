import { ManualClock, uuidv7 } from '@crm/runtime';
import { stateEvent, type CloudEvent } from '@crm/events';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { EventPublisher, activityState, event, next, opportunityEvent, opportunityState, stageChanged, stageState, teamState } from './support/contract-events';
import { waitApplied } from './support/wait';

/**
 * Two pipelines, two leads converted the way the pipeline converts them (a stage change from no
 * stage, then `converted`), a won opportunity: stage velocity names the time before conversion,
 * the pipeline filter and group-by, prorated revenue, an explicit date field, and freshness on
 * every opportunity report.
 */
describe('stage velocity of converted leads, pipeline filter, prorated revenue, date fields, freshness (contract events)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const clock = new ManualClock('2026-02-01T03:00:00.000Z');
  const at = (day: string) => `${day}T03:00:00.000Z`;
  const p1 = uuidv7();
  const p2 = uuidv7();
  const stages = {
    new: stageState('New', 1, { pipelineId: p1, probability: '10' }),
    qualified: stageState('Qualified', 2, { pipelineId: p1, probability: '30' }),
    intake: stageState('Intake', 1, { pipelineId: p2, probability: '50' }),
  };
  const team = teamState('Direct Sales');
  const events: CloudEvent[] = [
    ...Object.values(stages).map((s) => event('pipeline', 'stage', 'created', s, '2026-01-01T00:00:00.000Z')),
    event('pipeline', 'team', 'created', team, '2026-01-01T00:00:00.000Z'),
  ];

  /** A lead converted on `day` after `days` as a lead: stage_changed (no stage → New), then converted. */
  function convert(lead: ReturnType<typeof opportunityState>, day: string, days: number) {
    const [moved, changed] = stageChanged({ ...lead, type: 'opportunity' }, null, stages.new, at(day), days * 86400);
    const converted = next(moved, {}, at(day));
    events.push(changed, opportunityEvent('converted', converted, { mergedIds: [], createdCustomerId: null }));
    return converted;
  }
  const lead = (name: string, day: string, revenue: string) =>
    opportunityState({ name, type: 'lead', teamId: team.id, pipelineId: p1, expectedRevenue: revenue, probability: '10', createdAt: at(day), dateOpened: at(day), dateLastStageUpdate: at(day) });

  // L1: a lead 3 days, then 10 days in New, now in Qualified (30 %).
  const salesperson = uuidv7();
  let l1: ReturnType<typeof opportunityState> = { ...lead('Chairs', '2026-01-05', '4000000'), salespersonId: salesperson, tagIds: ['furniture'] };
  events.push(opportunityEvent('created', l1));
  l1 = convert(l1, '2026-01-08', 3);
  const [, toQualified] = stageChanged(l1, stages.new, stages.qualified, at('2026-01-18'), 10 * 86400);
  events.push(toQualified);
  // L2: a lead 1 day, still in New (10 %).
  const l2 = lead('Desks', '2026-01-10', '2000000');
  events.push(opportunityEvent('created', l2));
  convert(l2, '2026-01-11', 1);
  // O3: the other pipeline, won on 22 January.
  const o3 = opportunityState({
    name: 'Fleet',
    teamId: team.id,
    pipelineId: p2,
    stageId: stages.intake.id,
    stageName: 'Intake',
    expectedRevenue: '1000000',
    probability: '50',
    createdAt: at('2026-01-12'),
    dateOpened: at('2026-01-12'),
    dateLastStageUpdate: at('2026-01-12'),
  });
  events.push(opportunityEvent('created', o3));
  events.push(opportunityEvent('won', next(o3, { status: 'won', probability: '100', dateClosed: at('2026-01-22') }, at('2026-01-22'))));
  const newest = at('2026-01-22');

  // Activities: done on L1, L2 and O3 and on a contact; one on L1 still open (never counted).
  const done = (resourceType: string, resourceId: string, day: string, extra: Record<string, unknown> = {}) =>
    event('activities', 'activity', 'done', activityState({ resourceType, resourceId, dueDate: day, status: 'done', doneAt: at(day), doneById: salesperson, assigneeId: salesperson, ...extra }), at(day));
  events.push(
    // the copy of L1's branch the activity carries is stale: L1 has none now
    done('Opportunity', l1.id, '2026-01-15', { branchId: 'OLD01' }),
    done('Opportunity', l2.id, '2026-01-16'),
    done('Opportunity', o3.id, '2026-01-20'),
    // a contact of the team's, in branch SAM01 (the activity's events carry the record's scope)
    done('Contact', uuidv7(), '2026-01-20', { teamId: team.id, branchId: 'SAM01' }),
    event('activities', 'activity', 'scheduled', activityState({ resourceType: 'Opportunity', resourceId: l1.id, dueDate: '2026-01-21' }), at('2026-01-14')),
  );

  beforeAll(async () => {
    env = await createTestEnv('rpt-velocity');
    stack = await startStack({ env, modules: [reportingModule], clock });
    await stack.subgraph('reporting').consumersReady();
    admin = stack.client(await testToken({ role: 'admin', tz: 'UTC' }));
    const publisher = new EventPublisher(env);
    await publisher.publish(...events);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, events);
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  const WIN_LOSS = `query($filter: ReportFilter) { winLoss(filter: $filter) {
    won funnel { leads converted } stageVelocity { stage { value label } transitions avgDays minDays maxDays } newestEventAt } }`;

  it('names the time leads spent before their conversion, first, apart from the stages', async () => {
    const w = (await admin.data(WIN_LOSS, { filter: { from: '2026-01-01', to: '2026-01-31' } })).winLoss;
    expect(w.stageVelocity).toEqual([
      { stage: { value: null, label: 'Lead (before conversion)' }, transitions: 2, avgDays: 2, minDays: 1, maxDays: 3 },
      { stage: { value: stages.new.id, label: 'New' }, transitions: 1, avgDays: 10, minDays: 10, maxDays: 10 },
    ]);
    expect(w.stageVelocity.map((v: any) => v.stage.label)).not.toContain('None');
    expect(w.funnel).toEqual({ leads: 2, converted: 2 });
    // the conversions happened before the 9th: only the stay in New ended in the range
    const late = (await admin.data(WIN_LOSS, { filter: { from: '2026-01-12', to: '2026-01-31' } })).winLoss;
    expect(late.stageVelocity.map((v: any) => [v.stage.label, v.transitions])).toEqual([['New', 1]]);
  });

  const PIPELINE = `query($filter: ReportFilter, $groupBy: [String!], $measure: String!) {
    pipelineAnalysis(filter: $filter, groupBy: $groupBy) {
      rows { keys { value } measures { count proratedRevenue { amount currency } wonRevenue { amount currency } } }
      total { count proratedRevenue { amount currency } }
      chart(measure: $measure) { measure currency series { values } }
      newestEventAt } }`;
  const analyse = async (vars: Record<string, unknown>) => (await admin.data(PIPELINE, { measure: 'count', ...vars })).pipelineAnalysis;

  it('filters and groups by pipeline, with prorated revenue and its chart', async () => {
    expect((await analyse({ filter: { pipelineIds: [p1] } })).total.count).toBe(2);
    expect((await analyse({ filter: { pipelineIds: [p2] } })).total.count).toBe(1);
    expect((await analyse({ filter: { pipelineIds: [p1, p2] } })).total.count).toBe(3);
    expect((await analyse({ filter: { pipelineIds: [uuidv7()] } })).total.count).toBe(0);

    const byPipeline = await analyse({ groupBy: ['pipeline'], measure: 'proratedRevenue' });
    const row = (id: string) => byPipeline.rows.find((r: any) => r.keys[0].value === id);
    // 4,000,000 × 30 % + 2,000,000 × 10 %; the won one at 100 %
    expect(Number(row(p1).measures.proratedRevenue[0].amount)).toBe(1_400_000);
    expect(Number(row(p2).measures.proratedRevenue[0].amount)).toBe(1_000_000);
    expect(Number(row(p2).measures.wonRevenue[0].amount)).toBe(1_000_000);
    expect(row(p1).measures.wonRevenue.map((m: any) => Number(m.amount))).toEqual([0]);
    expect(Number(byPipeline.total.proratedRevenue[0].amount)).toBe(2_400_000);
    expect(byPipeline.chart.measure).toBe('proratedRevenue');
    expect(byPipeline.chart.currency).toBe('IDR');
    expect(byPipeline.chart.series[0].values.map(Number)).toEqual(byPipeline.rows.map((r: any) => Number(r.measures.proratedRevenue[0].amount)));
  });

  it('applies the range to the date field asked for', async () => {
    const range = { from: '2026-01-20', to: '2026-01-31' };
    expect((await analyse({ filter: { ...range, dateField: 'CREATED' } })).total.count).toBe(0);
    expect((await analyse({ filter: { ...range, dateField: 'CLOSED' } })).total.count).toBe(1);
    expect((await analyse({ filter: { from: '2026-01-05', to: '2026-01-05', dateField: 'CREATED' } })).total.count).toBe(1);
    const bad = await admin.request(PIPELINE, { measure: 'count', filter: { from: '2026-01-31', to: '2026-01-20', dateField: 'CLOSED' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('carries the time of the newest event on every opportunity report', async () => {
    expect((await analyse({})).newestEventAt).toBe(newest);
    expect((await admin.data(WIN_LOSS, {})).winLoss.newestEventAt).toBe(newest);
    expect((await admin.data(`{ forecast { newestEventAt } }`)).forecast.newestEventAt).toBe(newest);
    expect((await admin.data(`{ pipelineAsOf(date: "2026-01-15") { total newestEventAt } }`)).pipelineAsOf).toEqual({ total: 3, newestEventAt: newest });
    // its filter takes tags too (those the records carry now)
    expect((await admin.data(`{ pipelineAsOf(date: "2026-01-15", filter: { tagIds: ["furniture"] }) { total } }`)).pipelineAsOf.total).toBe(1);
  });

  it('filters the activity analysis by the pipeline, stage, salesperson, tags and type of the record the activity is on', async () => {
    const q = `query($filter: ActivityAnalysisFilter) { activityAnalysis(filter: $filter, groupBy: []) { total { count } } }`;
    const count = async (filter: Record<string, unknown>) => (await admin.data(q, { filter })).activityAnalysis.total.count;
    expect(await count({})).toBe(4);
    expect(await count({ pipelineIds: [p1] })).toBe(2);
    expect(await count({ pipelineIds: [p2] })).toBe(1);
    expect(await count({ stageIds: [stages.qualified.id] })).toBe(1);
    expect(await count({ stageIds: [stages.new.id, stages.intake.id] })).toBe(2);
    expect(await count({ salespersonIds: [salesperson] })).toBe(1);
    expect(await count({ tagIds: ['furniture'] })).toBe(1);
    expect(await count({ recordType: 'OPPORTUNITY' })).toBe(3);
    expect(await count({ recordType: 'LEAD' })).toBe(0);
    expect(await count({ pipelineIds: [p1], from: '2026-01-16', to: '2026-01-31' })).toBe(1);
    // team and branch are the record's, as the scope sees them: the opportunity's now, else the activity's copy
    expect(await count({ teamIds: [team.id] })).toBe(4);
    expect(await count({ branchIds: ['SAM01'] })).toBe(1);
    expect(await count({ branchIds: ['OLD01'] })).toBe(0);
    const byTeam = `{ activityAnalysis(groupBy: ["team", "branch"]) { rows { keys { value } measures { count } } } }`;
    expect((await admin.data(byTeam)).activityAnalysis.rows.map((r: any) => [...r.keys.map((k: any) => k.value), r.measures.count])).toEqual([
      [team.id, 'SAM01', 1],
      [team.id, null, 3],
    ]);
    const bad = await admin.request(q, { filter: { stageIds: ['New'] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.stageIds' });
  });

  it('answers bad input with typed errors naming the field on every query', async () => {
    const error = async (q: string) => (await admin.request(q)).errors?.[0]?.extensions;
    const backwards = 'from: "2026-01-31", to: "2026-01-01"';
    expect(await error(`{ forecast(filter: { ${backwards} }) { total { count } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error(`{ winLoss(filter: { ${backwards} }) { won } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error(`{ activityAnalysis(filter: { ${backwards} }) { total { count } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error(`{ followUpMonitoring(filter: { ${backwards} }) { rows { week } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(await error(`{ activityAnalysis(groupBy: ["type", "user", "month"]) { total { count } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error(`{ activityAnalysis(groupBy: ["stage"]) { total { count } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error(`{ pipelineAnalysis(groupBy: ["stage", "stage"]) { total { count } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await error(`{ pipelineAsOf(date: "2026-01-15", at: "2026-01-15T00:00:00Z") { total } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(await error(`{ teamDashboard(teamIds: ["x"]) { teams { team { id } } } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamIds' });
  });

  it('counts the exchange rates among the events an answer reflects when it converts amounts', async () => {
    const rateAt = '2026-01-25T00:00:00.000Z';
    const rate = stateEvent({ subgraph: 'pipeline', aggregate: 'currency_rate', event: 'set', state: { id: 'IDR', currency: 'IDR', rate: '1', validFrom: '2026-01-01' }, time: new Date(rateAt) });
    const publisher = new EventPublisher(env);
    await publisher.publish(rate);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, [rate]);
    const converted = (await admin.data(`{ pipelineAnalysis(currency: "IDR") { total { count } newestEventAt } }`)).pipelineAnalysis;
    expect(converted).toEqual({ total: { count: 3 }, newestEventAt: rateAt });
    expect((await analyse({})).newestEventAt).toBe(newest);
    expect((await admin.data(`{ forecast(currency: "IDR") { newestEventAt } }`)).forecast.newestEventAt).toBe(rateAt);
    expect((await admin.data(`{ forecast { newestEventAt } }`)).forecast.newestEventAt).toBe(newest);
    expect((await admin.data(`{ winLoss(currency: "IDR") { newestEventAt } }`)).winLoss.newestEventAt).toBe(rateAt);
    // the team dashboard converts the won revenue into the target's currency
    expect((await admin.data(`{ teamDashboard { newestEventAt } }`)).teamDashboard.newestEventAt).toBe(rateAt);
  });
});
