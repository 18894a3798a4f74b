/**
 * Reporting's cells of the access matrix (issue 8 × issue 7): reporting builds its read models
 * from Kafka events only, so its fixtures are the records the other subjects created through
 * the real subgraphs — every contact and every lead/opportunity their subgraphs hold, the
 * activities subject's activities, the sales subject's quotations — once reporting has
 * projected them (whenProjected: the administrator's figures equal the source's). Each subject
 * here reads by the rule of the record's own subgraph (the source subject's `readRule`), so a
 * count, a sum, a board card or an export row that reveals a record the persona cannot read in
 * its subgraph fails its cell by name:
 *
 *   reporting.opportunity / sum: winLoss won revenue / user_own@SAM01: leaked [sum 8000000 > 0]
 */
import ExcelJS from 'exceljs';
import { signAccessToken } from '@crm/auth';
import { parseCsv } from '@crm/reporting/test/support/csv-parse';
import type { GraphQLClient } from '@crm/testing';
import {
  MATRIX_BRANCHES,
  dataOrNull,
  scopeIds,
  standardScopes,
  sumOf,
  whenProjected,
  type Data,
  type DealerBranch,
  type Fixture,
  type FixtureScope,
  type MatrixContext,
  type MatrixSetup,
  type Observation,
  type Operation,
  type OperationName,
  type Subject,
} from './access-matrix';

/** The subjects whose records reporting reports on (their rules and fixtures are reused). */
export interface ReportingSources {
  contact: Subject;
  opportunity: Subject;
  activity: Subject;
  quotation: Subject;
}

const NOT_A_RECORD_API = {
  'read one': 'reporting reads no single record: its read models answer aggregates, boards of the past and exports',
  update: 'reporting writes no record: its read models change only through the source subgraphs’ events',
  delete: 'reporting deletes no record (a deletion reaches it as the source subgraph’s event)',
  entity: 'reporting resolves no entity: its types are report shapes, not records',
} as const;

// ─── fetching as a persona ───────────────────────────────────────────────────────────────────

/** Money lists (one entry per currency) added up: every fixture amount is a plain number. */
function money(list: { amount: string }[] | null | undefined): number {
  return sumOf((list ?? []).map((m) => m.amount));
}

async function query(api: GraphQLClient, text: string, variables?: Record<string, unknown>): Promise<Data | null> {
  return dataOrNull(await api.request(text, variables));
}

/**
 * The same persona with the cube's time zone (UTC): reporting answers from its pre-aggregated
 * cube only when the caller's zone is the cube's, so these cells test the cube's scope too.
 */
const cubeClients = new WeakMap<MatrixContext['persona'], Promise<GraphQLClient>>();
function cubeClient(ctx: MatrixContext): Promise<GraphQLClient> {
  let client = cubeClients.get(ctx.persona);
  if (!client) {
    client = signAccessToken({ ...ctx.persona.user, tz: 'UTC' }, '2h').then((token) => ctx.stack.client(token));
    cubeClients.set(ctx.persona, client);
  }
  return client;
}

const ANALYSIS = `query($g: [String!]) { r: pipelineAnalysis(groupBy: $g) { source
  total { count expectedRevenue { amount } proratedRevenue { amount } wonRevenue { amount } }
  rows { measures { count } } } }`;

async function analysis(api: GraphQLClient, groupBy: string[] = []): Promise<Data | null> {
  return (await query(api, ANALYSIS, { g: groupBy }))?.['r'] ?? null;
}

/** From the cube, or the cell cannot say anything about the cube's scope. */
async function cubeAnalysis(ctx: MatrixContext): Promise<Data | null> {
  const r = await analysis(await cubeClient(ctx), []);
  if (r && r['source'] !== 'cube') throw new Error(`${ctx.persona.key}: pipelineAnalysis in UTC answered from ${r['source']}, not the cube`);
  return r;
}

const WIN_LOSS = `{ r: winLoss { won lost wonRevenue { amount } lostRevenue { amount } bySalesperson { won lost } byTeam { won lost } lostReasons { count }
  funnel { created } } }`;
const FORECAST = `{ r: forecast { total { count proratedRevenue { amount } } } }`;
const DASHBOARD = `{ r: teamDashboard { teams { openPipeline { count amount { amount } } wonThisMonth { count amount { amount } }
  quotations { count amount { amount } } ordersThisMonth { count amount { amount } } overdueActivities unassignedLeads } } }`;
const FOLLOW_UP = `{ r: followUpMonitoring { total { leads } rows { figures { leads } } } }`;
const AS_OF = `query($at: DateTime!) { r: pipelineAsOf(at: $at, cardsPerStage: 100) { total columns { expectedRevenue { amount } cards { id } } } }`;
const ACTIVITIES = `query($g: [String!]) { r: activityAnalysis(groupBy: $g) { total { count } rows { measures { count } } } }`;

async function dashboardRows(api: GraphQLClient): Promise<Data[]> {
  return (await query(api, DASHBOARD))?.['r']?.teams ?? [];
}

const count = (name: OperationName, run: (ctx: MatrixContext) => Promise<number>, covers?: Operation['covers']): Operation => ({
  name,
  covers,
  run: async (ctx): Promise<Observation> => ({ kind: 'count', value: await run(ctx) }),
});
const sum = (name: OperationName, measure: string | undefined, run: (ctx: MatrixContext) => Promise<number>, covers?: Operation['covers']): Operation => ({
  name,
  measure,
  covers,
  run: async (ctx): Promise<Observation> => ({ kind: 'sum', value: await run(ctx) }),
});

// ─── reporting.opportunity ───────────────────────────────────────────────────────────────────

const RECORDS = (field: 'opportunities' | 'leads') => `query($after: String) {
  c: ${field}(first: 100, after: $after, filter: { mine: false, archived: ALL, status: [OPEN, WON, LOST] }) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name type status active salespersonId team { id } branchId expectedRevenue proratedRevenue } } } }`;

/** Every lead and opportunity the pipeline holds, as the administrator reads it there. */
async function pipelineRecords(admin: GraphQLClient): Promise<Data[]> {
  const records: Data[] = [];
  for (const field of ['opportunities', 'leads'] as const) {
    let after: string | null = null;
    for (;;) {
      const data: Data = await admin.data(RECORDS(field), { after });
      records.push(...data['c'].edges.map((e: Data) => e['node']));
      if (!data['c'].pageInfo.hasNextPage) break;
      after = data['c'].pageInfo.endCursor;
    }
  }
  return records;
}

/** A record's salesperson, team and branch as matrix scope (persona keys); a record outside the matrix's people is an error of the fixtures. */
function scopeOf(setup: MatrixSetup, record: Data): FixtureScope {
  const owner = record['salespersonId'] === null ? null : setup.personas.find((p) => p.user.id === record['salespersonId'])?.key;
  if (owner === undefined) throw new Error(`opportunity "${record['name']}" belongs to ${record['salespersonId']}, who is no persona: give matrix fixtures persona scopes`);
  const teamId = record['team']?.id ?? null;
  const team = teamId === setup.noPersonaTeam ? null : MATRIX_BRANCHES.find((b) => setup.teams[b] === teamId);
  if (team === undefined) throw new Error(`opportunity "${record['name']}" is in team ${teamId}, not one of the matrix's`);
  const branch = record['branchId'] as DealerBranch | null;
  if (branch !== null && branch !== 'SAM01' && branch !== 'MAN01') throw new Error(`opportunity "${record['name']}" is in branch ${branch}`);
  return { owner, team, branch };
}

const meta = (f: Fixture, key: string) => f.meta?.[key];
/** Not archived while open (reports leave those out unless asked; lost ones are archived and count). */
const live = (f: Fixture) => meta(f, 'active') === 'true' || meta(f, 'status') !== 'OPEN';
const openOpportunity = (f: Fixture) => meta(f, 'status') === 'OPEN' && meta(f, 'type') === 'OPPORTUNITY' && meta(f, 'active') === 'true';
const won = (f: Fixture) => meta(f, 'status') === 'WON';
const lost = (f: Fixture) => meta(f, 'status') === 'LOST';
const closed = (f: Fixture) => won(f) || lost(f);
const onTheBoard = (f: Fixture) => meta(f, 'type') === 'OPPORTUNITY' && meta(f, 'active') === 'true';
const unassignedLead = (f: Fixture) => meta(f, 'type') === 'LEAD' && meta(f, 'status') === 'OPEN' && meta(f, 'active') === 'true' && f.scope.owner === null;

/** Rows of the "Laporan CRM" export as the persona downloads it: their subjects (= fixture labels) as fixture ids. */
function exportRows(format: 'CSV' | 'XLSX'): Operation {
  return {
    name: `export: Laporan CRM ${format} rows`,
    async run({ api, fixtures }) {
      const ticket = (await query(api, `mutation($f: ExportFormat!) { t: requestCrmExport(input: { format: $f }) { url rowCount } }`, { f: format }))?.['t'];
      if (!ticket) return { kind: 'ids', ids: [] };
      const response = await fetch(ticket.url);
      if (response.status !== 200) throw new Error(`export download answered ${response.status}`);
      let subjects: string[];
      if (format === 'CSV') {
        const [header, ...rows] = parseCsv(await response.text());
        const column = header!.indexOf('Subject');
        subjects = rows.map((r) => r[column]!);
      } else {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await response.arrayBuffer());
        const sheet = workbook.getWorksheet('Laporan CRM')!;
        const column = (sheet.getRow(1).values as unknown[]).indexOf('Subject');
        subjects = [];
        for (let r = 2; r <= sheet.rowCount; r += 1) subjects.push(String(sheet.getRow(r).getCell(column).value));
      }
      if (subjects.length !== ticket.rowCount) throw new Error(`export of ${subjects.length} rows announced ${ticket.rowCount}`);
      const byLabel = new Map(fixtures.map((f) => [f.label, f.id]));
      return { kind: 'ids', ids: subjects.map((s) => byLabel.get(s) ?? `unknown row ${s}`) };
    },
  };
}

/**
 * Leads and opportunities in reporting: every record the pipeline holds when reporting's turn
 * comes (the pipeline subject's standardScopes() opportunities, the activities subject's
 * records, the sales subjects' won and quotation opportunities), read back from the pipeline
 * as the administrator with their owner, team, branch, status and amounts. Before that, two of
 * the pipeline subject's fixtures per branch are closed (their cells have run): those owned by
 * user_team are won, the unassigned ones without a team lost — so won and lost revenue is reported
 * — and a lead is created per standardScopes() scope (the other subjects make opportunities only).
 */
function opportunitySubject(source: Subject): Subject {
  return {
    name: 'reporting.opportunity',
    readRule: source.readRule,
    async seed({ admin, setup, seeded }) {
      for (const fixture of seeded.get(source.name) ?? []) {
        if (fixture.label.endsWith('owned by user_team')) await admin.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { id } } }`, { id: fixture.id });
        if (fixture.label.endsWith('unassigned, no team')) await admin.data(`mutation($id: ID!) { markLost(input: { id: $id }) { opportunity { id } } }`, { id: fixture.id });
      }
      // Leads need teams that use them (the others skip the lead step, as in Odoo).
      for (const teamId of new Set(standardScopes().map((scope) => scopeIds(setup, scope).teamId))) {
        await admin.data(`mutation($id: ID!) { updateSalesTeam(input: { id: $id, useLeads: true }) { salesTeam { id } } }`, { id: teamId });
      }
      for (const [i, scope] of standardScopes().entries()) {
        await admin.data(`mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id } } }`, {
          input: { name: `Lead: ${scope.label}`, ...scopeIds(setup, scope), expectedRevenue: String((i + 1) * 10_000) },
        });
      }
      const records = await pipelineRecords(admin);
      const names = new Set(records.map((r) => r['name']));
      if (names.size !== records.length) throw new Error('the matrix’s opportunities need distinct names (export rows are matched by subject)');
      const fixtures: Fixture[] = records.map((r) => {
        const expected = Number(r['expectedRevenue']);
        return {
          id: r['id'],
          label: r['name'],
          scope: scopeOf(setup, r),
          amount: expected,
          amounts: { prorated: Number(r['proratedRevenue']), won: r['status'] === 'WON' ? expected : 0, lost: r['status'] === 'LOST' ? expected : 0 },
          meta: { status: r['status'], type: r['type'], active: String(r['active']) },
        };
      });
      // Reporting has every record, in its last state, when the administrator's figures are the pipeline's.
      const want = {
        count: fixtures.filter(live).length,
        expected: sumOf(fixtures.filter(live).map((f) => f.amount)),
        won: fixtures.filter(won).length,
        lost: fixtures.filter(lost).length,
        board: fixtures.filter(onTheBoard).length,
      };
      await whenProjected(async () => {
        const [a, w, b] = [await analysis(admin), (await query(admin, WIN_LOSS))?.['r'], (await query(admin, AS_OF, { at: new Date().toISOString() }))?.['r']];
        const got = { count: a?.['total'].count, expected: money(a?.['total'].expectedRevenue), won: w?.['won'], lost: w?.['lost'], board: b?.['total'] };
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`reporting has ${JSON.stringify(got)}, the pipeline ${JSON.stringify(want)}`);
      });
      return fixtures;
    },
    operations: [
      count('count: pipelineAnalysis total', async ({ api }) => (await analysis(api))?.['total'].count ?? 0, live),
      count('count: pipelineAnalysis rows by salesperson × stage', async ({ api }) => sumOf(((await analysis(api, ['salesperson', 'stage']))?.['rows'] ?? []).map((r: Data) => r['measures'].count)), live),
      sum('sum: pipelineAnalysis expected revenue', undefined, async ({ api }) => money((await analysis(api))?.['total'].expectedRevenue), live),
      sum('sum: pipelineAnalysis prorated revenue', 'prorated', async ({ api }) => money((await analysis(api))?.['total'].proratedRevenue), live),
      sum('sum: pipelineAnalysis won revenue', 'won', async ({ api }) => money((await analysis(api))?.['total'].wonRevenue), live),
      count('count: pipelineAnalysis from the cube', async (ctx) => (await cubeAnalysis(ctx))?.['total'].count ?? 0, live),
      sum('sum: pipelineAnalysis expected revenue from the cube', undefined, async (ctx) => money((await cubeAnalysis(ctx))?.['total'].expectedRevenue), live),
      count('count: forecast', async ({ api }) => (await query(api, FORECAST))?.['r'].total.count ?? 0, openOpportunity),
      sum('sum: forecast prorated revenue', 'prorated', async ({ api }) => money((await query(api, FORECAST))?.['r'].total.proratedRevenue), openOpportunity),
      count('count: winLoss won', async ({ api }) => (await query(api, WIN_LOSS))?.['r'].won ?? 0, won),
      count('count: winLoss lost', async ({ api }) => (await query(api, WIN_LOSS))?.['r'].lost ?? 0, lost),
      sum('sum: winLoss won revenue', 'won', async ({ api }) => money((await query(api, WIN_LOSS))?.['r'].wonRevenue), won),
      sum('sum: winLoss lost revenue', 'lost', async ({ api }) => money((await query(api, WIN_LOSS))?.['r'].lostRevenue), lost),
      count(
        'count: winLoss per salesperson',
        async ({ api }) => sumOf(((await query(api, WIN_LOSS))?.['r'].bySalesperson ?? []).flatMap((r: Data) => [r['won'], r['lost']])),
        closed,
      ),
      count('count: winLoss per team', async ({ api }) => sumOf(((await query(api, WIN_LOSS))?.['r'].byTeam ?? []).flatMap((r: Data) => [r['won'], r['lost']])), closed),
      count('count: winLoss lost reasons', async ({ api }) => sumOf(((await query(api, WIN_LOSS))?.['r'].lostReasons ?? []).map((r: Data) => r['count'])), lost),
      count('count: winLoss funnel', async ({ api }) => (await query(api, WIN_LOSS))?.['r'].funnel.created ?? 0),
      count('count: teamDashboard open pipeline', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['openPipeline'].count)), openOpportunity),
      sum('sum: teamDashboard open pipeline', undefined, async ({ api }) => sumOf((await dashboardRows(api)).map((t) => money(t['openPipeline'].amount))), openOpportunity),
      count('count: teamDashboard won this month', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['wonThisMonth'].count)), won),
      sum('sum: teamDashboard won this month', 'won', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => money(t['wonThisMonth'].amount))), won),
      count('count: teamDashboard unassigned leads', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['unassignedLeads'])), unassignedLead),
      count('count: followUpMonitoring leads', async ({ api }) => (await query(api, FOLLOW_UP))?.['r'].total.leads ?? 0),
      count('count: followUpMonitoring rows (branch × week)', async ({ api }) => sumOf(((await query(api, FOLLOW_UP))?.['r'].rows ?? []).map((r: Data) => r['figures'].leads))),
      {
        name: 'list: pipelineAsOf cards',
        covers: onTheBoard,
        async run({ api }) {
          const board = (await query(api, AS_OF, { at: new Date().toISOString() }))?.['r'];
          return { kind: 'ids', ids: (board?.columns ?? []).flatMap((c: Data) => c['cards'].map((card: Data) => card['id'])) };
        },
      },
      count('count: pipelineAsOf', async ({ api }) => (await query(api, AS_OF, { at: new Date().toISOString() }))?.['r'].total ?? 0, onTheBoard),
      sum(
        'sum: pipelineAsOf expected revenue',
        undefined,
        async ({ api }) => sumOf(((await query(api, AS_OF, { at: new Date().toISOString() }))?.['r'].columns ?? []).map((c: Data) => money(c['expectedRevenue']))),
        onTheBoard,
      ),
      exportRows('CSV'),
      exportRows('XLSX'),
      count('count: Laporan CRM rowCount', async ({ api }) => (await query(api, `mutation { t: requestCrmExport(input: { format: CSV }) { rowCount } }`))?.['t'].rowCount ?? 0),
    ],
    notApplicable: NOT_A_RECORD_API,
  };
}

// ─── reporting.activity ──────────────────────────────────────────────────────────────────────

const OVERDUE_DAY = '2020-01-15';
const isDone = (f: Fixture) => meta(f, 'reporting') === 'done';
const isOverdue = (f: Fixture) => meta(f, 'reporting') === 'overdue';

/**
 * Activities in reporting: the activities subject's fixtures (their cells have run), every
 * other one marked done (activityAnalysis counts done ones only) and the rest moved to a past
 * due date (the team dashboard's overdue activities). Read by the activities' rule: the record's
 * scope, or assigned to me inside my branches.
 */
function activitySubject(source: Subject): Subject {
  return {
    name: 'reporting.activity',
    readRule: source.readRule,
    async seed({ admin, seeded }) {
      const fixtures: Fixture[] = [];
      for (const [i, fixture] of (seeded.get(source.name) ?? []).entries()) {
        if (i % 2 === 0) await admin.data(`mutation($id: ID!) { markActivityDone(input: { id: $id }) { activity { id } } }`, { id: fixture.id });
        else await admin.data(`mutation($id: ID!, $d: Date!) { rescheduleActivity(input: { id: $id, dueDate: $d }) { activity { id } } }`, { id: fixture.id, d: OVERDUE_DAY });
        fixtures.push({ ...fixture, meta: { ...fixture.meta, reporting: i % 2 === 0 ? 'done' : 'overdue' } });
      }
      const want = { done: fixtures.filter(isDone).length, overdue: fixtures.filter(isOverdue).length };
      await whenProjected(async () => {
        const got = {
          done: (await query(admin, ACTIVITIES, { g: [] }))?.['r'].total.count,
          overdue: sumOf((await dashboardRows(admin)).map((t) => t['overdueActivities'])),
        };
        if (got.done !== want.done || got.overdue !== want.overdue) throw new Error(`reporting has ${JSON.stringify(got)}, activities ${JSON.stringify(want)}`);
      });
      return fixtures;
    },
    operations: [
      count('count: activityAnalysis done', async ({ api }) => (await query(api, ACTIVITIES, { g: [] }))?.['r'].total.count ?? 0, isDone),
      count('count: activityAnalysis rows by user × type', async ({ api }) => sumOf(((await query(api, ACTIVITIES, { g: ['user', 'type'] }))?.['r'].rows ?? []).map((r: Data) => r['measures'].count)), isDone),
      count('count: teamDashboard overdue activities', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['overdueActivities'])), isOverdue),
    ],
    notApplicable: {
      ...NOT_A_RECORD_API,
      list: 'reporting lists no activity: it counts them (activityAnalysis, overdue activities)',
      sum: 'an activity carries no amount',
      export: 'reporting exports leads and opportunities only',
    },
  };
}

// ─── reporting.quotation ─────────────────────────────────────────────────────────────────────

/** On a team's dashboard: a quotation without a team is on none. */
const inATeam = (f: Fixture) => f.scope.team !== null;
const openQuotation = (f: Fixture) => inATeam(f) && meta(f, 'reporting') !== 'order';
const orderThisMonth = (f: Fixture) => inATeam(f) && meta(f, 'reporting') === 'order';

/**
 * Quotations in reporting: the sales subject's quotations (its cells have run; cancelled
 * copies do not count), every other one confirmed into a sales order, read by the sales rule.
 */
function quotationSubject(source: Subject): Subject {
  return {
    name: 'reporting.quotation',
    readRule: source.readRule,
    async seed({ admin, seeded }) {
      const fixtures: Fixture[] = [];
      for (const [i, fixture] of (seeded.get(source.name) ?? []).entries()) {
        if (i % 2 === 1) await admin.data(`mutation($id: ID!) { confirmQuotation(input: { id: $id }) { quotation { id } } }`, { id: fixture.id });
        fixtures.push({ ...fixture, meta: { ...fixture.meta, reporting: i % 2 === 1 ? 'order' : 'quotation' } });
      }
      const figure = (rows: Data[], key: string) => ({ count: sumOf(rows.map((t) => t[key].count)), amount: sumOf(rows.map((t) => money(t[key].amount))) });
      const expected = (covers: (f: Fixture) => boolean) => ({ count: fixtures.filter(covers).length, amount: sumOf(fixtures.filter(covers).map((f) => f.amount)) });
      const want = { quotations: expected(openQuotation), orders: expected(orderThisMonth) };
      await whenProjected(async () => {
        const rows = await dashboardRows(admin);
        const got = { quotations: figure(rows, 'quotations'), orders: figure(rows, 'ordersThisMonth') };
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`reporting has ${JSON.stringify(got)}, sales ${JSON.stringify(want)}`);
      });
      return fixtures;
    },
    operations: [
      count('count: teamDashboard quotations', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['quotations'].count)), openQuotation),
      sum('sum: teamDashboard quotations', undefined, async ({ api }) => sumOf((await dashboardRows(api)).map((t) => money(t['quotations'].amount))), openQuotation),
      count('count: teamDashboard orders this month', async ({ api }) => sumOf((await dashboardRows(api)).map((t) => t['ordersThisMonth'].count)), orderThisMonth),
      sum('sum: teamDashboard orders this month', undefined, async ({ api }) => sumOf((await dashboardRows(api)).map((t) => money(t['ordersThisMonth'].amount))), orderThisMonth),
    ],
    notApplicable: {
      ...NOT_A_RECORD_API,
      list: 'reporting lists no quotation: the team dashboard counts and sums them',
      export: 'reporting exports leads and opportunities only (a quotation’s export is its PDF: sales.quotation)',
    },
  };
}

// ─── reporting.contact ───────────────────────────────────────────────────────────────────────

const CONTACTS = `query($after: String) { c: contacts(first: 100, after: $after, filter: { active: null }) {
  pageInfo { hasNextPage endCursor } edges { node { id name salespersonId branchId } } } }`;
const CONTACT_REPORT = `query($after: String) { r: contactReport { totalContacts contactsCreated
  contacts(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`;

async function contactReport(api: GraphQLClient): Promise<{ total: number; created: number; totalCount: number; ids: string[] }> {
  const out = { total: 0, created: 0, totalCount: 0, ids: [] as string[] };
  let after: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const r: Data | undefined = (await query(api, CONTACT_REPORT, { after }))?.['r'];
    if (!r) break;
    Object.assign(out, { total: r['totalContacts'], created: r['contactsCreated'], totalCount: r['contacts'].totalCount });
    out.ids.push(...r['contacts'].edges.map((e: Data) => e['node'].id));
    if (!r['contacts'].pageInfo.hasNextPage) break;
    after = r['contacts'].pageInfo.endCursor;
  }
  return out;
}

/**
 * Contacts in reporting (the foundation's contact report): every contact the contacts subgraph
 * holds, archived ones too (the contacts subject's, their archived copies, the sales subjects'
 * customers), read back there as the administrator, by the contacts' rule.
 */
function contactSubject(source: Subject): Subject {
  return {
    name: 'reporting.contact',
    readRule: source.readRule,
    async seed({ admin, setup }) {
      const fixtures: Fixture[] = [];
      let after: string | null = null;
      for (;;) {
        const data: Data = await admin.data(CONTACTS, { after });
        for (const { node } of data['c'].edges as { node: Data }[]) {
          const owner = node['salespersonId'] === null ? null : setup.personas.find((p) => p.user.id === node['salespersonId']);
          if (owner === undefined) throw new Error(`contact "${node['name']}" belongs to ${node['salespersonId']}, who is no persona`);
          const branch = node['branchId'] as DealerBranch | null;
          fixtures.push({ id: node['id'], label: node['name'], scope: { owner: owner?.key ?? null, team: owner?.branch ?? null, branch } });
        }
        if (!data['c'].pageInfo.hasNextPage) break;
        after = data['c'].pageInfo.endCursor;
      }
      await whenProjected(async () => {
        const got = await contactReport(admin);
        if (got.total !== fixtures.length || got.ids.length !== fixtures.length) throw new Error(`reporting has ${got.total} contacts, contacts ${fixtures.length}`);
      });
      return fixtures;
    },
    operations: [
      { name: 'list: contactReport contacts', run: async ({ api }) => ({ kind: 'ids', ids: (await contactReport(api)).ids }) },
      count('count: contactReport totalContacts', async ({ api }) => (await contactReport(api)).total),
      count('count: contactReport contacts totalCount', async ({ api }) => (await contactReport(api)).totalCount),
      count('count: contactReport contactsCreated', async ({ api }) => (await contactReport(api)).created),
    ],
    notApplicable: {
      ...NOT_A_RECORD_API,
      sum: 'a contact carries no amount',
      export: 'reporting exports leads and opportunities only',
    },
  };
}

/** Reporting's subjects over the records of `sources` (seeded before them). */
export function reportingSubjects(sources: ReportingSources): Subject[] {
  return [contactSubject(sources.contact), opportunitySubject(sources.opportunity), activitySubject(sources.activity), quotationSubject(sources.quotation)];
}
