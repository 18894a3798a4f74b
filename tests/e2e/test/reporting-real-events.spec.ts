import ExcelJS from 'exceljs';
import { DEFAULT_FOLLOW_UP_CONFIG, normalizeStatus } from '@crm/reporting/src/domain/follow-up-config';
import { rebuildReadModels } from '@crm/reporting/src/replay/rebuild';
import { templateByKey } from '@crm/pipeline/src/config/templates';
import { ManualClock, createLogger } from '@crm/runtime';
import { createTestEnv, eventually, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Reporting over real events only: every record is made through the gateway by the subgraph that
 * owns it — users and branches (contacts), teams, pipelines from the shipped templates, leads,
 * stage moves, conversions, follow-ups, wins and losses (pipeline), activities scheduled, done
 * and cancelled (activities), quotations, an order and a workshop booking (sales) — and
 * reporting's answers through the gateway are checked figure by figure; then the read models are
 * rebuilt from the topics and every answer must come back identical.
 *
 * Two teams in March 2026 (Jakarta time): "Direct Sales" (standard template, invoicing target
 * IDR 300,000,000) and the dealer's "Daya Motor Workshop H23" (dealer-h23-follow-up template,
 * seed 002) with branches IND01 and BAN04.
 */
const TYPES = { email: '01934d6e-0000-7000-8000-000000000001', call: '01934d6e-0000-7000-8000-000000000002', todo: '01934d6e-0000-7000-8000-000000000004' };
const at = (day: string) => `2026-03-${day}T02:00:00.000Z`; // 09:00 in Jakarta

const ACTIVITY = `query($groupBy: [String!], $filter: ActivityAnalysisFilter) { activityAnalysis(groupBy: $groupBy, filter: $filter) {
  rows { keys { value label } measures { count onTime late avgDelayDays } } total { count onTime late avgDelayDays } newestEventAt } }`;
const TEAMS = `query($ids: [ID!]) { teamDashboard(teamIds: $ids) { teams { team { name } invoicingTarget { amount currency }
  openPipeline { count amount { amount currency } } wonThisMonth { count amount { amount currency } } targetProgress
  quotations { count amount { amount currency } } ordersThisMonth { count amount { amount currency } } overdueActivities unassignedLeads } newestEventAt } }`;
const FOLLOW_UP = `query($filter: FollowUpFilter) { followUpMonitoring(filter: $filter) {
  rows { branch { value label } week weekStart figures { leads customerStatuses { status count } reached followUps { step count } cameForService notCameForService notCameReasons { reason count } } }
  total { leads customerStatuses { status count } reached followUps { step count } cameForService notCameForService notCameReasons { reason count } }
  config { customerStatusKey version } newestEventAt } }`;
const WIN_LOSS = `query($filter: ReportFilter) { winLoss(filter: $filter) { won lost winRate wonRevenue { amount currency } lostRevenue { amount currency } avgCycleDays
  lostReasons { reason { label } count revenue { amount currency } } byTeam { key { label } won lost winRate }
  bySalesperson { key { label } won lost winRate } funnel { created leads converted opportunities won }
  stageVelocity { stage { label } transitions avgDays minDays maxDays } newestEventAt } }`;
const FORECAST = `query($filter: ReportFilter) { forecast(filter: $filter) { rows { month stage { label } count expectedRevenue { amount currency } proratedRevenue { amount currency } }
  months { month count expectedRevenue { amount currency } proratedRevenue { amount currency } } newestEventAt } }`;

describe('reporting through the gateway over real events of every subgraph; rebuild == live', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const clock = new ManualClock(at('02'));
  const ids = {} as Record<string, string>;
  /** The answers read live, compared after the rebuild. */
  const live = new Map<string, unknown>();
  const queries: Record<string, [string, Record<string, unknown>]> = {};
  let exported: (string | null)[][] = [];

  const gql = async (query: string, variables?: Record<string, unknown>) => admin.data(query, variables);
  const idOf = async (query: string, variables: Record<string, unknown>, path: string[]) => {
    let v: any = await gql(query, variables);
    for (const p of path) v = v[p];
    return String(v);
  };
  const opportunity = (input: Record<string, unknown>) =>
    idOf(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, { input }, ['createOpportunity', 'opportunity', 'id']);
  const lead = (input: Record<string, unknown>) =>
    idOf(`mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id } } }`, { input }, ['createLead', 'opportunity', 'id']);
  const move = (id: string, stageId: string, properties?: { key: string; value: string }[]) =>
    gql(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { id } } }`, { input: { id, stageId, properties } });
  const update = (id: string, properties: { key: string; value: string }[]) =>
    gql(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, { input: { id, properties } });
  const won = (id: string) => gql(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { status } } }`, { id });
  const lost = (id: string, lostReasonId: string) =>
    gql(`mutation($id: ID!, $r: ID!) { markLost(input: { id: $id, lostReasonId: $r }) { opportunity { status } } }`, { id, r: lostReasonId });
  const convert = (id: string) =>
    gql(`mutation($id: ID!) { convertToOpportunity(input: { id: $id, customer: { action: CREATE } }) { opportunity { type } } }`, { id });
  /** Scheduling waits until the activities subgraph knows the record (from the pipeline's event). */
  const schedule = (input: Record<string, unknown>) =>
    eventually(async () =>
      idOf(`mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`, { input: { resourceType: 'Opportunity', ...input } }, [
        'scheduleActivity',
        'activity',
        'id',
      ]),
    );
  const done = (id: string) => gql(`mutation($id: ID!) { markActivityDone(input: { id: $id, feedback: "done" }) { activity { id } } }`, { id });
  const quotation = (opportunityId: string, quantity: string) =>
    eventually(async () =>
      idOf(
        `mutation($input: NewQuotationFromOpportunityInput!) { newQuotationFromOpportunity(input: $input) { quotation { id } } }`,
        { input: { opportunityId, lines: [{ productId: ids['chair'], quantity }] } },
        ['newQuotationFromOpportunity', 'quotation', 'id'],
      ),
    );
  const prop = (key: string, value: string) => ({ key, value });

  beforeAll(async () => {
    env = await createTestEnv('rpt-real');
    stack = await startFullStack(env, clock);
    await Promise.all(['activities', 'sales', 'pipeline'].map((s) => stack.subgraph(s).consumersReady()));
    // Converting a lead with a new customer calls the contacts subgraph's createContact.
    process.env['CONTACTS_URL'] = stack.subgraph('contacts').url;
    admin = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    await buildTheMonth();
    clock.set('2026-03-10T03:00:00.000Z'); // Tuesday 10:00 in Jakarta: the day the reports are read
  });

  afterAll(async () => {
    delete process.env['CONTACTS_URL'];
    await stack?.stop();
    await env?.cleanup();
  });

  async function buildTheMonth(): Promise<void> {
    // ── Monday 2 March ───────────────────────────────────────────────────────────────────────
    for (const [id, name] of [['IND01', 'INDRAMAYU'], ['BAN04', 'SOEKARNO HATTA']]) {
      await gql(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
        input: { id, name, countryCode: 'ID', timeZone: 'Asia/Jakarta', workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
      });
    }
    for (const [key, name] of [['budi', 'Budi Santoso'], ['sari', 'Sari Wulandari']]) {
      ids[key] = await idOf(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, { input: { login: `${key}@real-events.test`, name, role: 'USER_ALL' } }, [
        'createUser',
        'user',
        'id',
      ]);
    }
    const team = async (input: Record<string, unknown>, templateKey: string) => {
      const teamId = await eventually(async () =>
        idOf(`mutation($input: CreateSalesTeamInput!) { createSalesTeam(input: $input) { salesTeam { id } } }`, { input }, ['createSalesTeam', 'salesTeam', 'id']),
      );
      const pipeline = await gql(
        `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { stages { id name } } } }`,
        { input: { teamId, templateKey, isDefault: true } },
      );
      const stages: Record<string, string> = Object.fromEntries(pipeline.createPipeline.pipeline.stages.map((s: any) => [s.name, s.id]));
      return { teamId, stages };
    };
    const direct = await team({ name: 'Direct Sales', useLeads: true, leaderId: ids['budi'], memberIds: [ids['budi'], ids['sari']], invoicingTarget: '300000000', currency: 'IDR' }, 'standard');
    const dealer = await team({ name: 'Daya Motor Workshop H23', useLeads: true, currency: 'IDR' }, 'dealer-h23-follow-up');
    ids['direct'] = direct.teamId;
    ids['dealer'] = dealer.teamId;
    const reasons: Record<string, string> = Object.fromEntries((await gql(`{ lostReasons { id name } }`)).lostReasons.map((r: any) => [r.name, r.id]));

    const customer = await idOf(`mutation { createContact(input: { name: "PT Avengers Initiative", email: "procurement@avengers.co.id" }) { contact { id } } }`, {}, [
      'createContact',
      'contact',
      'id',
    ]);
    const deal = (name: string, expectedRevenue: string, salesperson: string, expectedClosing: string) =>
      opportunity({ name, customerId: customer, expectedRevenue, currency: 'IDR', salespersonId: ids[salesperson], teamId: ids['direct'], expectedClosing });
    ids['chairs'] = await deal('200 Office Chairs', '100000000', 'budi', '2026-03-20');
    ids['service'] = await deal('Service contract 2027', '45000000', 'sari', '2026-04-15');
    ids['laptops'] = await deal('Laptops for the Stark office', '60000000', 'budi', '2026-03-31');
    ids['meeting'] = await deal('Meeting room chairs', '20000000', 'sari', '2026-03-27');
    ids['desks'] = await deal('Office desks', '30000000', 'budi', '2026-03-25');
    ids['enquiry'] = await lead({ name: 'Website enquiry: standing desks', contactName: 'Natasha Romanoff', teamId: ids['direct'], salespersonId: null });
    ids['fair'] = await lead({ name: 'Trade fair contact', contactName: 'Happy Hogan', teamId: ids['direct'], salespersonId: ids['budi'] });
    const dealerLead = (branchId: string, contactName: string, phone: string) =>
      lead({
        name: `KPB reminder ${contactName}`,
        teamId: ids['dealer'],
        salespersonId: null,
        branchId,
        contactName,
        phone,
        properties: [prop('occupation', 'KARYAWAN_SWASTA'), prop('serviceRecommendation', 'KPB'), prop('kpbNumber', '2')],
      });
    ids['tawir'] = await dealerLead('IND01', 'TAWIR', '081234500001');
    ids['uryaningsih'] = await dealerLead('IND01', 'URYANINGSIH', '081234500002');
    // A Call on the meeting-room deal, done at once (on its due date).
    await done(await schedule({ resourceId: ids['meeting'], typeId: TYPES.call, dueDate: '2026-03-02', assigneeId: ids['sari'], summary: 'Call Pepper' }));

    // ── Tuesday 3 March ──────────────────────────────────────────────────────────────────────
    clock.set(at('03'));
    await move(ids['chairs']!, direct.stages['Qualified']!);
    await done(await schedule({ resourceId: ids['chairs'], typeId: TYPES.call, dueDate: '2026-03-03', assigneeId: ids['budi'], summary: 'Qualify the need' }));
    ids['service.email'] = await schedule({ resourceId: ids['service'], typeId: TYPES.email, dueDate: '2026-03-04', assigneeId: ids['sari'] });
    ids['service.todo'] = await schedule({ resourceId: ids['service'], typeId: TYPES.todo, dueDate: '2026-03-05', assigneeId: ids['sari'] });
    ids['service.call'] = await schedule({ resourceId: ids['service'], typeId: TYPES.call, dueDate: '2026-03-06', assigneeId: ids['budi'] }); // never done: overdue
    await schedule({ resourceId: ids['chairs'], typeId: TYPES.todo, dueDate: '2026-03-20', assigneeId: ids['budi'] }); // open, not due yet
    ids['laptops.email'] = await schedule({ resourceId: ids['laptops'], typeId: TYPES.email, dueDate: '2026-03-04', assigneeId: ids['budi'] });
    ids['dayat'] = await dealerLead('IND01', 'DAYAT', '081234500003'); // never followed up
    await schedule({ resourceId: ids['dayat'], typeId: TYPES.call, dueDate: '2026-03-04', assigneeId: ids['sari'] }); // open: overdue on the dealer's lead
    for (const id of [ids['tawir']!, ids['uryaningsih']!]) await convert(id);
    await move(ids['tawir']!, dealer.stages['Follow Up 1']!, [prop('followUp1', '2026-03-03'), prop('prospectRating', 'HOT'), prop('customerStatus', 'Terhubung')]);
    await move(ids['uryaningsih']!, dealer.stages['Follow Up 1']!, [prop('followUp1', '2026-03-03'), prop('prospectRating', 'COLD'), prop('customerStatus', 'Tidak Terhubung')]);

    // ── Wednesday 4 March ────────────────────────────────────────────────────────────────────
    clock.set(at('04'));
    await gql(`mutation($id: ID!) { cancelActivity(input: { id: $id, reason: "customer asked for a call instead" }) { activity { id } } }`, { id: ids['laptops.email'] });
    ids['hendra'] = await dealerLead('BAN04', 'HENDRA BUDIANA', '081234500004');

    // ── Thursday 5 March ─────────────────────────────────────────────────────────────────────
    clock.set(at('05'));
    await move(ids['chairs']!, direct.stages['Proposition']!);
    await move(ids['desks']!, direct.stages['Qualified']!);
    await done(ids['service.todo']!);
    await move(ids['tawir']!, dealer.stages['Follow Up 2']!, [prop('followUp2', '2026-03-05')]);
    await convert(ids['hendra']!);
    await move(ids['hendra']!, dealer.stages['Follow Up 1']!, [prop('followUp1', '2026-03-05'), prop('prospectRating', 'MEDIUM'), prop('customerStatus', 'TERHUBUNG')]);
    await update(ids['hendra']!, [prop('reasonNotServiced', 'Sudah servis di bengkel lain')]);
    const vat = await idOf(`mutation { createTax(input: { name: "PPN 11%", percent: "11" }) { tax { id } } }`, {}, ['createTax', 'tax', 'id']);
    ids['chair'] = await idOf(
      `mutation($taxes: [ID!]) { createProduct(input: { name: "Office Chair", internalReference: "FURN-0001", listPrice: "500000", currency: "IDR", taxIds: $taxes }) { product { id } } }`,
      { taxes: [vat] },
      ['createProduct', 'product', 'id'],
    );
    ids['order'] = await quotation(ids['chairs']!, '200'); // 100,000,000 before tax
    await quotation(ids['service']!, '90'); // 45,000,000
    await quotation(ids['service']!, '10'); // 5,000,000

    // ── Friday 6 March ───────────────────────────────────────────────────────────────────────
    clock.set(at('06'));
    await done(ids['service.email']!); // two days late
    await lost(ids['laptops']!, reasons['Too expensive']!);
    await move(ids['tawir']!, dealer.stages['Follow Up 3']!, [prop('followUp3', '2026-03-06')]);
    await won(ids['tawir']!);
    const booking = await eventually(async () =>
      idOf(
        `mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { id } } }`,
        { input: { opportunityId: ids['tawir'], bookingDate: '2026-03-07', serviceHour: 10, serviceType: 'KPB2', visitReason: 'Telp Reminder' } },
        ['createBookingService', 'bookingService', 'id'],
      ),
    );

    // ── Saturday 7 March ─────────────────────────────────────────────────────────────────────
    clock.set(at('07'));
    await gql(`mutation($id: ID!) { postBookingService(input: { id: $id }) { bookingService { state } } }`, { id: booking });
    await lost(ids['meeting']!, reasons['Too expensive']!);
    await lost(ids['uryaningsih']!, reasons['Not reachable (tidak tersambung)']!);

    // ── Monday 9 March (ISO week 11) ─────────────────────────────────────────────────────────
    clock.set(at('09'));
    await gql(`mutation($id: ID!) { confirmQuotation(input: { id: $id }) { quotation { state } } }`, { id: ids['order'] });
    await won(ids['chairs']!);
    await move(ids['hendra']!, dealer.stages['Follow Up 2']!, [prop('followUp2', '2026-03-09')]);
    ids['sutia'] = await dealerLead('BAN04', 'SUTIA', '081234500005');
    await convert(ids['sutia']!);
    await move(ids['sutia']!, dealer.stages['Follow Up 1']!, [prop('followUp1', '2026-03-09'), prop('prospectRating', 'COLD'), prop('customerStatus', 'Rejected')]);
  }

  /** Reads a report (waiting for the events to arrive), checks it, and keeps it for the rebuild. */
  async function report(name: string, query: string, variables: Record<string, unknown>, check: (data: any) => void): Promise<void> {
    queries[name] = [query, variables];
    live.set(name, await eventually(async () => {
      const data = await gql(query, variables);
      check(data);
      return data;
    }));
  }

  it('follow-up configuration defaults name what the dealer template publishes', () => {
    const template = templateByKey('dealer-h23-follow-up')!;
    const definitions = new Map(template.propertyDefinitions.map((d) => [d.key, d]));
    const c = DEFAULT_FOLLOW_UP_CONFIG;
    const keys = [c.customerStatusKey, c.notServicedReasonKey, c.prospectStatusKey, ...c.steps.map((s) => s.dateKey), ...c.exportColumns.map((e) => e.key)];
    expect(keys.filter((k) => k !== null && !definitions.has(k))).toEqual([]);
    const options = definitions.get(c.customerStatusKey)!.options!;
    expect(c.customerStatuses.map(normalizeStatus)).toEqual(options.map((o) => normalizeStatus(o.value)));
    expect(c.customerStatuses.map(normalizeStatus)).toEqual(options.map((o) => normalizeStatus(o.label)));
    const stageNames = template.stages.map((s) => s.name);
    expect(c.steps.filter((s) => s.stageName !== null && !stageNames.includes(s.stageName))).toEqual([]);
  });

  it('activityAnalysis: only the done activities, by type, user and day', async () => {
    const row = (value: string, label: string, count: number, onTime: number, late: number, avgDelayDays: number) => ({
      keys: [{ value, label }],
      measures: { count, onTime, late, avgDelayDays },
    });
    await report('activity.type', ACTIVITY, { groupBy: ['type'] }, ({ activityAnalysis: a }) => {
      expect(a.rows).toEqual([row(TYPES.call, 'Call', 2, 2, 0, 0), row(TYPES.email, 'Email', 1, 0, 1, 2), row(TYPES.todo, 'To-Do', 1, 1, 0, 0)]);
      expect(a.total).toEqual({ count: 4, onTime: 3, late: 1, avgDelayDays: 0.5 });
    });
    await report('activity.user', ACTIVITY, { groupBy: ['user'] }, ({ activityAnalysis: a }) => {
      expect(a.rows).toEqual([row(ids['budi']!, 'Budi Santoso', 1, 1, 0, 0), row(ids['sari']!, 'Sari Wulandari', 3, 2, 1, 0.67)]);
    });
    await report('activity.day', ACTIVITY, { groupBy: ['day'], filter: { from: '2026-03-01', to: '2026-03-31' } }, ({ activityAnalysis: a }) => {
      expect(a.rows.map((r: any) => [r.keys[0].value, r.measures.count])).toEqual([
        ['2026-03-02', 1],
        ['2026-03-03', 1],
        ['2026-03-05', 1],
        ['2026-03-06', 1],
      ]);
    });
  });

  it('teamDashboard: open pipeline, won this month against the target, quotations, orders, overdue activities, unassigned leads', async () => {
    const idr = (amount: string) => [{ amount, currency: 'IDR' }];
    await report('teams', TEAMS, { ids: [ids['direct'], ids['dealer']] }, ({ teamDashboard: d }) => {
      expect(d.teams).toEqual([
        {
          team: { name: 'Daya Motor Workshop H23' },
          invoicingTarget: null,
          openPipeline: { count: 2, amount: idr('0.00') },
          wonThisMonth: { count: 1, amount: idr('0.00') },
          targetProgress: null,
          quotations: { count: 0, amount: [] },
          ordersThisMonth: { count: 0, amount: [] },
          overdueActivities: 1,
          unassignedLeads: 1,
        },
        {
          team: { name: 'Direct Sales' },
          invoicingTarget: { amount: '300000000.00', currency: 'IDR' },
          openPipeline: { count: 2, amount: idr('75000000.00') },
          wonThisMonth: { count: 1, amount: idr('100000000.00') },
          targetProgress: 0.3333,
          quotations: { count: 2, amount: idr('50000000.00') },
          ordersThisMonth: { count: 1, amount: idr('100000000.00') },
          overdueActivities: 1,
          unassignedLeads: 1,
        },
      ]);
    });
  });

  it('followUpMonitoring: the dealer leads per branch and week, contact status, follow-ups, who came for service and why not', async () => {
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
    await report('followUp', FOLLOW_UP, { filter: { teamIds: [ids['dealer']], from: '2026-03-01', to: '2026-03-31' } }, ({ followUpMonitoring: m }) => {
      expect(m.rows).toEqual([
        {
          branch: { value: 'BAN04', label: 'SOEKARNO HATTA' },
          week: '2026-W10',
          weekStart: '2026-03-02',
          figures: {
            leads: 1,
            customerStatuses: statuses(1, 0, 0, 0),
            reached: 1,
            followUps: steps(1, 1, 0),
            cameForService: 0,
            notCameForService: 1,
            notCameReasons: [{ reason: 'Sudah servis di bengkel lain', count: 1 }],
          },
        },
        {
          branch: { value: 'BAN04', label: 'SOEKARNO HATTA' },
          week: '2026-W11',
          weekStart: '2026-03-09',
          figures: {
            leads: 1,
            customerStatuses: statuses(0, 0, 1, 0),
            reached: 0,
            followUps: steps(1, 0, 0),
            cameForService: 0,
            notCameForService: 1,
            notCameReasons: [{ reason: 'Rejected', count: 1 }],
          },
        },
        {
          branch: { value: 'IND01', label: 'INDRAMAYU' },
          week: '2026-W10',
          weekStart: '2026-03-02',
          figures: {
            leads: 3,
            customerStatuses: statuses(1, 1, 0, 1),
            reached: 1,
            followUps: steps(2, 1, 1),
            cameForService: 1,
            notCameForService: 2,
            notCameReasons: [
              { reason: 'Not followed up', count: 1 },
              { reason: 'Not reachable (tidak tersambung)', count: 1 },
            ],
          },
        },
      ]);
      expect(m.total).toEqual({
        leads: 5,
        customerStatuses: statuses(2, 1, 1, 1),
        reached: 2,
        followUps: steps(4, 2, 1),
        cameForService: 1,
        notCameForService: 4,
        notCameReasons: [
          { reason: 'Not followed up', count: 1 },
          { reason: 'Not reachable (tidak tersambung)', count: 1 },
          { reason: 'Rejected', count: 1 },
          { reason: 'Sudah servis di bengkel lain', count: 1 },
        ],
      });
      expect(m.config).toEqual({ customerStatusKey: 'customerStatus', version: 0 });
    });
  });

  it('winLoss and forecast over the same records: lost reasons ranked, win rates, open deals by closing month and stage', async () => {
    await report('winLoss', WIN_LOSS, { filter: { from: '2026-03-01', to: '2026-03-31' } }, ({ winLoss: w }) => {
      expect(w).toMatchObject({
        won: 2,
        lost: 3,
        winRate: 0.4,
        wonRevenue: [{ amount: '100000000.00', currency: 'IDR' }],
        lostRevenue: [{ amount: '80000000.00', currency: 'IDR' }],
        avgCycleDays: 5.5,
        lostReasons: [
          { reason: { label: 'Too expensive' }, count: 2, revenue: [{ amount: '80000000.00', currency: 'IDR' }] },
          { reason: { label: 'Not reachable (tidak tersambung)' }, count: 1, revenue: [{ amount: '0.00', currency: 'IDR' }] },
        ],
      });
      expect(w.byTeam).toEqual([
        { key: { label: 'Daya Motor Workshop H23' }, won: 1, lost: 1, winRate: 0.5 },
        { key: { label: 'Direct Sales' }, won: 1, lost: 2, winRate: 0.3333 },
      ]);
      // The dealer's leads were created without a salesperson and converted by head office.
      expect(w.bySalesperson).toEqual([
        { key: { label: 'Budi Santoso' }, won: 1, lost: 1, winRate: 0.5 },
        { key: { label: 'Sari Wulandari' }, won: 0, lost: 1, winRate: 0 },
        { key: { label: 'None' }, won: 1, lost: 1, winRate: 0.5 },
      ]);
      // 7 direct records (5 opportunities, 2 leads) and 5 dealer leads, 4 of them converted.
      expect(w.funnel).toEqual({ created: 12, leads: 7, converted: 4, opportunities: 9, won: 2 });
      // Days in each stage, from the pipeline's stage_changed events (each pipeline has its own New).
      const velocity = w.stageVelocity.map((v: any) => [v.stage.label, v.transitions, v.avgDays, v.minDays, v.maxDays]);
      expect(velocity.sort((x: any[], y: any[]) => String(x[0]).localeCompare(String(y[0])) || x[1] - y[1])).toEqual([
        ['Follow Up 1', 2, 3, 2, 4], // Tawir 3 → 5 March, Hendra 5 → 9 March
        ['Follow Up 2', 1, 1, 1, 1],
        ['Follow Up 3', 1, 0, 0, 0],
        ['Lead (before conversion)', 4, 0.75, 0, 1], // the dealer's leads before their conversion
        ['New', 2, 2, 1, 3], // chairs 2 → 3, desks 2 → 5 March
        ['New', 4, 0, 0, 0], // the dealer's conversions went on to Follow Up 1 the same day
        ['Proposition', 1, 4, 4, 4],
        ['Qualified', 1, 2, 2, 2],
      ]);
    });
    const idr = (amount: string) => [{ amount, currency: 'IDR' }];
    await report('forecast', FORECAST, { filter: { teamIds: [ids['direct']] } }, ({ forecast: f }) => {
      expect(f.rows).toEqual([
        { month: '2026-03', stage: { label: 'Qualified' }, count: 1, expectedRevenue: idr('30000000.00'), proratedRevenue: idr('9000000.00') },
        { month: '2026-04', stage: { label: 'New' }, count: 1, expectedRevenue: idr('45000000.00'), proratedRevenue: idr('4500000.00') },
      ]);
      expect(f.months).toEqual([
        { month: '2026-03', count: 1, expectedRevenue: idr('30000000.00'), proratedRevenue: idr('9000000.00') },
        { month: '2026-04', count: 1, expectedRevenue: idr('45000000.00'), proratedRevenue: idr('4500000.00') },
      ]);
    });
  });

  it('pipelineAnalysis: both pipelines by team and stage, from the same events', async () => {
    const PIPELINE = `query($groupBy: [String!], $filter: ReportFilter) { pipelineAnalysis(groupBy: $groupBy, filter: $filter) {
      rows { keys { label } measures { count wonCount lostCount expectedRevenue { amount currency } } } total { count wonCount lostCount } newestEventAt } }`;
    await report('pipeline', PIPELINE, { groupBy: ['team', 'stage'], filter: { teamIds: [ids['direct'], ids['dealer']] } }, ({ pipelineAnalysis: p }) => {
      const idr = (amount: string) => [{ amount, currency: 'IDR' }];
      expect(p.rows.map((r: any) => [...r.keys.map((k: any) => k.label), r.measures.count, r.measures.wonCount, r.measures.lostCount, r.measures.expectedRevenue])).toEqual([
        ['Daya Motor Workshop H23', 'Follow Up 1', 2, 0, 1, idr('0.00')], // Uryaningsih (lost there), Sutia
        ['Daya Motor Workshop H23', 'Follow Up 2', 1, 0, 0, idr('0.00')], // Hendra
        ['Daya Motor Workshop H23', 'Won', 1, 1, 0, idr('0.00')], // Tawir
        ['Daya Motor Workshop H23', 'None', 1, 0, 0, idr('0.00')], // Dayat, still a lead
        ['Direct Sales', 'New', 3, 0, 2, idr('125000000.00')], // service contract; laptops and meeting-room chairs lost
        ['Direct Sales', 'Qualified', 1, 0, 0, idr('30000000.00')], // desks
        ['Direct Sales', 'Won', 1, 1, 0, idr('100000000.00')], // 200 office chairs
        ['Direct Sales', 'None', 2, 0, 0, idr('0.00')], // the two leads (no revenue: 0 in the team's currency)
      ]);
      expect(p.total).toEqual({ count: 12, wonCount: 2, lostCount: 3 });
    });
  });

  /** The dealer's Laporan CRM (XLSX through the signed link): a few columns of each row, by contact name. */
  async function dealerExport(): Promise<(string | null)[][]> {
    const ticket = (
      await gql(`mutation { requestCrmExport(input: { format: XLSX, type: ALL, branchIds: ["IND01", "BAN04"], from: "2026-03-01", to: "2026-03-31" }) { url rowCount } }`)
    ).requestCrmExport;
    const response = await fetch(ticket.url);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Laporan CRM')!;
    const headers = (sheet.getRow(1).values as unknown[]).map((v) => (v == null ? '' : String(v)));
    const columns = ['Contact Name', 'Stage', 'Status', 'Lost Reason', 'Status Customer', 'Opportunity Status', 'Follow Up 1', 'Next Plan Follow Up 2', 'Follow Up 2',
      'Next Plan Follow Up 3', 'Follow Up 3', 'KPB Ke', 'Alasan Belum Servis'].map((h) => {
      expect(headers).toContain(h);
      return headers.indexOf(h);
    });
    const rows: (string | null)[][] = [];
    for (let r = 2; r <= ticket.rowCount + 1; r++) rows.push(columns.map((c) => (sheet.getRow(r).getCell(c).value as string | null) ?? null));
    expect(sheet.getRow(ticket.rowCount + 2).getCell(columns[0]!).value ?? null).toBeNull();
    return rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  }

  it('exports the dealer leads as the Laporan CRM, selection values shown with the labels of the pipeline’s form', async () => {
    const rows = await eventually(async () => {
      const r = await dealerExport();
      expect(r).toEqual([
        ['DAYAT', null, 'Open', null, null, null, null, null, null, null, null, '2', null],
        ['HENDRA BUDIANA', 'Follow Up 2', 'Open', null, 'Terhubung', 'MEDIUM PROSPECT', '2026-03-05', '2026-03-12', '2026-03-09', '2026-03-16', null, '2', 'Sudah servis di bengkel lain'],
        ['SUTIA', 'Follow Up 1', 'Open', null, 'Rejected', 'COLD PROSPECT', '2026-03-09', '2026-03-16', null, null, null, '2', null],
        ['TAWIR', 'Won', 'Won', null, 'Terhubung', 'HOT PROSPECT', '2026-03-03', '2026-03-10', '2026-03-05', '2026-03-12', '2026-03-06', '2', null],
        ['URYANINGSIH', 'Follow Up 1', 'Lost', 'Not reachable (tidak tersambung)', 'Tidak Terhubung', 'COLD PROSPECT', '2026-03-03', '2026-03-10', null, null, null, '2', null],
      ]);
      return r;
    });
    exported = rows;
  });

  it('answers every figure within the caller’s scope: an own-documents salesperson, a branch user', async () => {
    const idr = (amount: string) => [{ amount, currency: 'IDR' }];
    const none = { count: 0, amount: [] };
    const WIN = `{ winLoss(filter: { from: "2026-03-01", to: "2026-03-31" }) { won lost lostReasons { reason { label } count } } }`;
    // Sari (own documents, Direct Sales): her deals and quotations, and the team's unassigned lead (as Odoo's rule).
    const sari = stack.client(await testToken({ id: ids['sari'], role: 'user_own', teamIds: [ids['direct']!], tz: 'Asia/Jakarta' }));
    expect((await sari.data(TEAMS, { ids: [ids['direct'], ids['dealer']] })).teamDashboard.teams).toEqual([
      {
        team: { name: 'Direct Sales' },
        invoicingTarget: { amount: '300000000.00', currency: 'IDR' },
        openPipeline: { count: 1, amount: idr('45000000.00') },
        wonThisMonth: none,
        targetProgress: 0,
        quotations: { count: 2, amount: idr('50000000.00') },
        ordersThisMonth: none,
        // Budi's open call on her own deal "Service contract 2027": activities' rule (the record's scope, or assigned to me)
        overdueActivities: 1,
        unassignedLeads: 1,
      },
    ]);
    expect((await sari.data(ACTIVITY, { groupBy: ['user'] })).activityAnalysis.rows.map((r: any) => [r.keys[0].label, r.measures.count])).toEqual([['Sari Wulandari', 3]]);
    expect((await sari.data(WIN)).winLoss).toEqual({ won: 0, lost: 1, lostReasons: [{ reason: { label: 'Too expensive' }, count: 1 }] });
    // A branch user of IND01 (all documents of the branch): the Indramayu leads only.
    const indramayu = stack.client(await testToken({ role: 'user_all', branchIds: ['IND01'], tz: 'Asia/Jakarta' }));
    const teams = (await indramayu.data(TEAMS, { ids: [ids['direct'], ids['dealer']] })).teamDashboard.teams;
    expect(teams.map((t: any) => [t.team.name, t.openPipeline.count, t.wonThisMonth.count, t.quotations.count, t.overdueActivities, t.unassignedLeads])).toEqual([
      ['Daya Motor Workshop H23', 0, 1, 0, 1, 1],
      ['Direct Sales', 0, 0, 0, 0, 0],
    ]);
    expect((await indramayu.data(ACTIVITY, { groupBy: ['user'] })).activityAnalysis.total.count).toBe(0);
    expect((await indramayu.data(WIN)).winLoss).toEqual({ won: 1, lost: 1, lostReasons: [{ reason: { label: 'Not reachable (tidak tersambung)' }, count: 1 }] });
    const admins = live.get('followUp') as any;
    const ind01 = admins.followUpMonitoring.rows.find((r: any) => r.branch.value === 'IND01');
    expect((await indramayu.data(FOLLOW_UP, { filter: {} })).followUpMonitoring.total).toEqual(ind01.figures);
  });

  it('rebuilds the read models from the topics to the very same answers', async () => {
    expect([...live.keys()].sort()).toEqual(['activity.day', 'activity.type', 'activity.user', 'followUp', 'forecast', 'pipeline', 'teams', 'winLoss']);
    const result = await rebuildReadModels({
      dataSource: stack.subgraph('reporting').deps.dataSource,
      messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix, clientId: 'crm-reporting' },
      logger: createLogger('rebuild-real-events'),
      defaultCurrency: 'IDR',
      cubeTimeZone: 'UTC',
    });
    expect(result.applied).toBeGreaterThan(50);
    for (const [name, [query, variables]] of Object.entries(queries)) {
      expect({ name, data: await gql(query, variables) }).toEqual({ name, data: live.get(name) });
    }
    expect(exported).toHaveLength(5);
    expect(await dealerExport()).toEqual(exported);
  });
});
