/**
 * Reporting end to end: records created through the gateway by the real subgraphs (contacts,
 * pipeline) travel outbox → Kafka → reporting's projections, and the reports, the export and
 * the rebuild answer for them through the gateway. Every event is the real subgraph's; the
 * wider dataset (activities, sales, the dealer's follow-up) is reporting-real-events.spec.ts.
 */
import ExcelJS from 'exceljs';
import { ManualClock, createLogger } from '@crm/runtime';
import { eventually, testToken, createTestEnv, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { rebuildReadModels } from '@crm/reporting/src/replay/rebuild';
import { startFullStack } from '../src/full-stack';

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;
const CREATE_OPPORTUNITY = `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id name version createdAt } } }`;
const PIPELINE = `query($groupBy: [String!], $currency: String) { pipelineAnalysis(groupBy: $groupBy, currency: $currency) {
  rows { keys { label } measures { count expectedRevenue { amount currency } } } total { count expectedRevenue { amount currency } } newestEventAt } }`;

describe('reporting through the gateway, fed by events of the real subgraphs', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const clock = new ManualClock('2026-05-04T03:00:00.000Z');
  const created: { id: string; name: string; version: number; createdAt: string }[] = [];

  beforeAll(async () => {
    env = await createTestEnv('rpt-e2e');
    stack = await startFullStack(env, clock);
    admin = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    const customer = (await admin.data(CREATE_CONTACT, { input: { name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id' } })).createContact.contact.id;
    for (const [name, revenue, currency] of [
      ['200 Office Chairs', '100000000', 'IDR'],
      ['Service contract 2027', '45000000', 'IDR'],
      ['Laptops for the Stark office', '2500', 'USD'],
    ] as const) {
      clock.advance(60_000);
      created.push((await admin.data(CREATE_OPPORTUNITY, { input: { name, customerId: customer, expectedRevenue: revenue, currency } })).createOpportunity.opportunity);
    }
    await eventually(async () => {
      const { pipelineAnalysis } = await admin.data(PIPELINE, { groupBy: [] });
      expect(pipelineAnalysis.total.count).toBe(3);
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('analyses the opportunities the pipeline created, per currency, with the time of the newest event', async () => {
    const { pipelineAnalysis: p } = await admin.data(PIPELINE, { groupBy: ['month'] });
    expect(p.rows).toEqual([
      { keys: [{ label: '2026-05' }], measures: { count: 3, expectedRevenue: [{ amount: '145000000.00', currency: 'IDR' }, { amount: '2500.00', currency: 'USD' }] } },
    ]);
    // It reflects the opportunities (and the stages and teams the pipeline set up at start).
    expect(new Date(p.newestEventAt).getTime()).toBeGreaterThanOrEqual(new Date(created[2]!.createdAt).getTime());
    // The pipeline owns the rates; reporting converts with them once their event arrives.
    await admin.data(`mutation { setCurrencyRate(input: { currency: "USD", rate: "16000" }) { currencyRate { currency rate } } }`);
    await eventually(async () => {
      const converted = (await admin.data(PIPELINE, { groupBy: [], currency: 'IDR' })).pipelineAnalysis;
      expect(converted.total.expectedRevenue).toEqual([{ amount: '185000000.00', currency: 'IDR' }]);
    });
    // an own-documents user without teams reads none of the admin's unassigned records
    const own = stack.client(await testToken({ role: 'user_own' }));
    expect((await own.data(PIPELINE, { groupBy: [] })).pipelineAnalysis.total.count).toBe(0);
  });

  it('follows the real opportunities through a stage move and a win made in the pipeline', async () => {
    const board = (await admin.data(`{ pipelineBoard { columns { stage { id name } } } }`)).pipelineBoard;
    const stages: Record<string, string> = Object.fromEntries(board.columns.map((c: any) => [c.stage.name, c.stage.id]));
    const [chairs] = created;
    clock.set('2026-05-06T03:00:00.000Z');
    await admin.data(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { id } } }`, {
      input: { id: chairs!.id, stageId: stages['Qualified'] },
    });
    clock.set('2026-05-10T03:00:00.000Z');
    await admin.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { status } } }`, { id: chairs!.id });

    await eventually(async () => {
      const byStage = (await admin.data(PIPELINE, { groupBy: ['stage'] })).pipelineAnalysis;
      expect(byStage.rows.map((r: any) => [r.keys[0].label, r.measures.count])).toEqual([
        ['New', 2],
        ['Won', 1],
      ]);
    });
    const w = (await admin.data(`{ winLoss(filter: { from: "2026-05-01", to: "2026-05-31" }) { won lost winRate stageVelocity { stage { label } avgDays } } }`)).winLoss;
    expect(w).toMatchObject({ won: 1, lost: 0, winRate: 1 });
    // Two days in New (04 → 06), four in Qualified (06 → 10).
    expect(w.stageVelocity).toEqual(
      expect.arrayContaining([
        { stage: { label: 'New' }, avgDays: 2 },
        { stage: { label: 'Qualified' }, avgDays: 4 },
      ]),
    );
    const asOf = (await admin.data(`{ pipelineAsOf(date: "2026-05-07") { columns { stage { label } cards { name } } } }`)).pipelineAsOf;
    expect(asOf.columns).toEqual([
      { stage: { label: 'New' }, cards: [{ name: 'Service contract 2027' }, { name: 'Laptops for the Stark office' }] },
      { stage: { label: 'Qualified' }, cards: [{ name: '200 Office Chairs' }] },
    ]);
  });

  it('exports the opportunities as XLSX from the link the gateway mutation returns', async () => {
    const ticket = (
      await admin.data(`mutation { requestCrmExport(input: { format: XLSX, type: OPPORTUNITY, from: "2026-05-01", to: "2026-05-31" }) { url rowCount fileName } }`)
    ).requestCrmExport;
    expect(ticket.rowCount).toBe(3);
    const response = await fetch(ticket.url);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Laporan CRM')!;
    const rows = [2, 3, 4].map((r) => [sheet.getRow(r).getCell(6).value, sheet.getRow(r).getCell(15).value, sheet.getRow(r).getCell(16).value]);
    expect(rows).toEqual([
      ['200 Office Chairs', 100000000, 'IDR'],
      ['Service contract 2027', 45000000, 'IDR'],
      ['Laptops for the Stark office', 2500, 'USD'],
    ]);
    expect((sheet.getRow(2).getCell(1).value as Date).toISOString()).toBe('2026-05-04T10:01:00.000Z');
  });

  it('rebuilds from the topics to the same answers', async () => {
    const before = await admin.data(PIPELINE, { groupBy: ['stage', 'month'] });
    const report = await rebuildReadModels({
      dataSource: stack.subgraph('reporting').deps.dataSource,
      messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix, clientId: 'crm-reporting' },
      logger: createLogger('rebuild-e2e'),
      defaultCurrency: 'IDR',
      cubeTimeZone: 'UTC',
    });
    expect(report.applied).toBeGreaterThanOrEqual(9);
    expect(await admin.data(PIPELINE, { groupBy: ['stage', 'month'] })).toEqual(before);
    expect((await admin.data(`{ contactReport { totalContacts } }`)).contactReport.totalContacts).toBe(1);
  });
});
