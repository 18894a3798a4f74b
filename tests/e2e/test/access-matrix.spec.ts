import { canSeeContact } from '@crm/auth';
import { createTestEnv, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import {
  ISSUE8_OPERATIONS,
  MATRIX_BRANCHES,
  MATRIX_ROLES,
  count,
  coverage,
  dataOrNull,
  destroy,
  entity,
  list,
  matrixFailures,
  personaOf,
  prepareMatrix,
  readOne,
  runMatrix,
  scopeIds,
  standardScopes,
  sumOf,
  versionsVia,
  whenProjected,
  write,
  type CellResult,
  type Data,
  type Fixture,
  type FixtureScope,
  type MatrixSetup,
  type Operation,
  type Persona,
  type Subject,
} from '../src/access-matrix';
import { reportingSubjects } from '../src/access-matrix-reporting';
import { startFullStack } from '../src/full-stack';

const NO_SCOPE: FixtureScope = { owner: null, team: null, branch: null };

/** Ids of every item of a `[{ id }]` list answer, or [] when refused. */
function idsOf(items: ({ id: string } | null)[] | undefined | null): string[] {
  return (items ?? []).filter((e): e is { id: string } => e !== null && typeof e?.id === 'string').map((e) => e.id);
}

/** Ids of `<field>(id:) { <probe> }` for many ids in one request where `keep(item)` holds (as the administrator). */
async function whereAdmin(admin: GraphQLClient, field: string, probe: string, ids: string[], keep: (item: Data | null) => boolean): Promise<Set<string>> {
  const result = await admin.request(`{ ${ids.map((id, i) => `r${i}: ${field}(id: ${JSON.stringify(id)}) { ${probe} }`).join(' ')} }`);
  return new Set(ids.filter((_, i) => keep((result.data?.[`r${i}`] as Data | null | undefined) ?? null)));
}

/** Runs the same mutation for many ids in one request (aliases), as the administrator. */
async function adminEach(admin: GraphQLClient, field: string, inputType: string, ids: string[], payload: string): Promise<void> {
  const args = ids.map((_, i) => `$i${i}: ${inputType}!`).join(', ');
  const body = ids.map((_, i) => `m${i}: ${field}(input: $i${i}) { ${payload} }`).join(' ');
  await admin.data(`mutation(${args}) { ${body} }`, Object.fromEntries(ids.map((id, i) => [`i${i}`, { id }])));
}

/** The date after today in the dealer's zone (WITA), YYYY-MM-DD: a workshop day still to come. */
function tomorrowInMakassar(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 86_400_000));
}

// ─── contacts.contact ────────────────────────────────────────────────────────────────────────

/**
 * Contacts (libs/auth contactScopePredicate / canSeeContact, issue 8): the customer master, scoped by branch and by
 * salesperson — a branch user sees their branches' contacts only (a contact without a branch is
 * head office's); user_all/admin every contact there; user_own the contacts they are
 * salesperson of plus the unassigned ones; user_team also those of their teams' salespeople (a
 * contact has no team of its own: its salesperson's).
 */
function contactRule(persona: Persona, fixture: Fixture, setup: MatrixSetup): boolean {
  const owner = fixture.scope.owner === null ? null : personaOf(setup, fixture.scope.owner).user;
  return canSeeContact(persona.user, { owner: owner?.id ?? null, ownerTeamIds: owner?.teamIds ?? [], branch: fixture.scope.branch });
}

function contactScopes(): (FixtureScope & { label: string })[] {
  const scopes: (FixtureScope & { label: string })[] = [];
  for (const branch of ['SAM01', 'MAN01'] as const) {
    for (const role of ['user_own', 'user_team', 'user_all'] as const) {
      scopes.push({ label: `${branch} customer of ${role}`, owner: `${role}@${branch}`, team: branch, branch });
    }
    scopes.push({ label: `${branch} customer, unassigned`, owner: null, team: null, branch });
  }
  scopes.push(
    { label: 'SAM01 customer of user_own@MAN01', owner: 'user_own@MAN01', team: 'MAN01', branch: 'SAM01' },
    { label: 'head office customer of user_own@HO', owner: 'user_own@HO', team: 'HO', branch: null },
    { label: 'head office customer, unassigned', owner: null, team: null, branch: null },
  );
  return scopes;
}

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;

const contactsSubject: Subject = {
  name: 'contacts.contact',
  readRule: contactRule,
  async seed({ admin, setup }) {
    const fixtures: Fixture[] = [];
    for (const scope of contactScopes()) {
      const { salespersonId, branchId } = scopeIds(setup, scope);
      const created = await admin.data(CREATE_CONTACT, { input: { name: scope.label, salespersonId, branchId } });
      fixtures.push({ id: created.createContact.contact.id, label: scope.label, scope });
    }
    return fixtures;
  },
  operations: [
    readOne('contact'),
    list('contacts'),
    count('contacts'),
    entity('contacts', 'Contact'),
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { updateContact(input: { id: $id, city: "Samarinda" }) { contact { id } } }`, variables: { id } }),
      versionsVia('contact'),
    ),
    destroy('delete: archive', {
      async copy({ admin, setup }, fixture) {
        const { salespersonId, branchId } = scopeIds(setup, fixture.scope);
        return (await admin.data(CREATE_CONTACT, { input: { name: `copy of ${fixture.label}`, salespersonId, branchId } })).createContact.contact.id;
      },
      mutation: (id) => ({ query: `mutation($id: ID!) { archiveContact(input: { id: $id }) { contact { id } } }`, variables: { id } }),
      done: (admin, ids) => whereAdmin(admin, 'contact', 'active', ids, (c) => c?.['active'] === false),
      cleanup: (admin, ids) => adminEach(admin, 'archiveContact', 'ContactVersionInput', ids, 'contact { id }'),
    }),
  ],
  notApplicable: {
    sum: 'a contact carries no amount',
    export: 'the CRM has no contact export (reporting exports leads and opportunities)',
  },
};

// ─── contacts.user ───────────────────────────────────────────────────────────────────────────

/** Users: a directory every CRM user reads; only administrators change or deactivate users. */
const usersSubject: Subject = {
  name: 'contacts.user',
  readRule: 'shared',
  async seed({ admin }) {
    const fixtures: Fixture[] = [];
    for (const [branch, name] of [['SAM01', 'Rina Wijaya'], ['MAN01', 'Maria Lumenta'], [null, 'Hendra Gunawan']] as const) {
      const created = await admin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: { login: `${name.split(' ')[0]!.toLowerCase()}@matrix-fixture.test`, name, role: 'USER_ALL', branchIds: branch ? [branch] : [] },
      });
      fixtures.push({ id: created.createUser.user.id, label: `${name} (${branch ?? 'head office'})`, scope: { ...NO_SCOPE, branch } });
    }
    return fixtures;
  },
  operations: [
    readOne('user'),
    list('users', 'filter: { search: "matrix-fixture" }'),
    count('users', 'filter: { search: "matrix-fixture" }'),
    entity('contacts', 'User'),
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { updateUser(input: { id: $id, timeZone: "Asia/Makassar" }) { user { id } } }`, variables: { id } }),
      versionsVia('user'),
      (persona) => persona.role === 'admin',
    ),
    write(
      'delete: deactivate',
      (id) => ({ query: `mutation($id: ID!) { setUserAccess(input: { id: $id, role: NONE }) { user { id } } }`, variables: { id } }),
      versionsVia('user'),
      (persona) => persona.role === 'admin',
    ),
  ],
  notApplicable: {
    sum: 'a user carries no amount',
    export: 'the CRM has no user export',
  },
};

// ─── pipeline.opportunity (and its kanban board) ─────────────────────────────────────────────

/** "My pipeline" is the default filter of own-documents users, not a permission: off, the list shows all the group may read. */
const MY_PIPELINE_OFF = 'filter: { mine: false }';
const CREATE_OPPORTUNITY = `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`;

function opportunityInput(setup: MatrixSetup, scope: FixtureScope, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ...scopeIds(setup, scope), ...extra };
}

/**
 * Every board of the matrix's teams (and the default team), as the persona — one request per
 * board (four in one would pass the gateway's cost limit). "My pipeline" off: it is a filter
 * own-documents users start with, not a permission (libs/auth README).
 */
async function boards(ctx: { api: GraphQLClient; setup: MatrixSetup }): Promise<Data[]> {
  const found: Data[] = [];
  for (const teamId of [...Object.values(ctx.setup.teams), ctx.setup.noPersonaTeam]) {
    const data = dataOrNull(
      await ctx.api.request(
        `query($t: ID!) { b: pipelineBoard(teamId: $t, cardsPerColumn: 100, filter: { mine: false }) { count expectedRevenue proratedRevenue
          columns { count expectedRevenue proratedRevenue cards(first: 100) { edges { node { id } } } } } }`,
        { t: teamId },
      ),
    );
    if (data) found.push(data['b']);
  }
  return found;
}

const boardOperations: Operation[] = [
  { name: 'list: board cards', run: async (ctx) => ({ kind: 'ids', ids: (await boards(ctx)).flatMap((b) => b.columns.flatMap((c: Data) => c.cards.edges.map((e: Data) => e.node.id))) }) },
  { name: 'count: board columns', run: async (ctx) => ({ kind: 'count', value: sumOf((await boards(ctx)).flatMap((b) => b.columns.map((c: Data) => c.count))) }) },
  { name: 'sum: board totals, expected revenue', run: async (ctx) => ({ kind: 'sum', value: sumOf((await boards(ctx)).map((b) => b.expectedRevenue)) }) },
  {
    name: 'sum: board columns, prorated revenue',
    measure: 'prorated',
    run: async (ctx) => ({ kind: 'sum', value: sumOf((await boards(ctx)).flatMap((b) => b.columns.map((c: Data) => c.proratedRevenue))) }),
  },
];

/**
 * Opportunities (pipeline): fully scoped by salesperson, team and branch — standardScopes()
 * (an opportunity always has a team: "no team" is the default team "Sales", which no persona
 * is in). Amounts are distinct, with a typed probability of 50 %, so every board sum names its
 * records. Delete is for administrators (issue 4); others archive.
 */
const opportunitiesSubject: Subject = {
  name: 'pipeline.opportunity',
  readRule: 'scoped',
  async seed({ admin, setup }) {
    const fixtures: Fixture[] = [];
    for (const [i, scope] of standardScopes().entries()) {
      const amount = (i + 1) * 1_000_000;
      const created = await admin.data(CREATE_OPPORTUNITY, { input: opportunityInput(setup, scope, scope.label, { expectedRevenue: String(amount), probability: '50' }) });
      fixtures.push({ id: created.createOpportunity.opportunity.id, label: scope.label, scope, amount, amounts: { prorated: amount / 2 } });
    }
    return fixtures;
  },
  operations: [
    readOne('opportunity'),
    list('opportunities', MY_PIPELINE_OFF),
    count('opportunities', MY_PIPELINE_OFF),
    ...boardOperations,
    entity('pipeline', 'Opportunity'),
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { updateOpportunity(input: { id: $id, description: "Called back" }) { opportunity { id } } }`, variables: { id } }),
      versionsVia('opportunity'),
    ),
    destroy('delete', {
      async copy({ admin, setup }, fixture) {
        return (await admin.data(CREATE_OPPORTUNITY, { input: opportunityInput(setup, fixture.scope, `copy of ${fixture.label}`) })).createOpportunity.opportunity.id;
      },
      mutation: (id) => ({ query: `mutation($id: ID!) { deleteOpportunity(input: { id: $id }) { deletedId } }`, variables: { id } }),
      done: (admin, ids) => whereAdmin(admin, 'opportunity', 'id', ids, (o) => o === null),
      cleanup: (admin, ids) => adminEach(admin, 'deleteOpportunity', 'OpportunityRefInput', ids, 'deletedId'),
      mayWrite: (persona) => persona.role === 'admin',
    }),
  ],
  notApplicable: {
    export: 'the pipeline has no export of its own: reporting exports leads and opportunities (reporting.opportunity / export: Laporan CRM …)',
  },
};

// ─── activities.activity ─────────────────────────────────────────────────────────────────────

const SCHEDULE = `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`;

/**
 * Activities (apps/activities visibility): an activity is visible to whoever may see the record
 * it is on (the opportunity's salesperson, team and branch) and to its assignee — inside the
 * assignee's branches. One activity per standardScopes() opportunity, given to its salesperson
 * (the administrator for unassigned ones), plus one on a SAM01 opportunity of user_team given
 * to user_own@SAM01, who does not see the opportunity itself.
 */
const activitiesSubject: Subject = {
  name: 'activities.activity',
  readRule: 'scoped',
  async seed({ admin, setup }) {
    const { activityTypes } = await admin.data(`{ activityTypes { id name } }`);
    const callType = activityTypes.find((t: { name: string }) => t.name === 'Call').id as string;
    const fixtures: Fixture[] = [];
    /** assignee: a persona key, null = the type's default (the administrator scheduling it), 'nobody' = no assignee. */
    const schedule = async (label: string, scope: FixtureScope, recordId: string, assignee: string | null) => {
      const assigneeId = assignee === 'nobody' ? null : assignee ? personaOf(setup, assignee).user.id : undefined;
      const input = { resourceType: 'Opportunity', resourceId: recordId, typeId: callType, summary: label, dueDate: '2030-01-15', ...(assigneeId !== undefined ? { assigneeId } : {}) };
      const created = await whenProjected(() => admin.data(SCHEDULE, { input }));
      fixtures.push({ id: created.scheduleActivity.activity.id, label, scope, assignee: assignee === 'nobody' ? null : assignee, meta: { recordId, typeId: callType, assigneeId: assigneeId ?? '' } });
    };
    for (const scope of standardScopes()) {
      const record = (await admin.data(CREATE_OPPORTUNITY, { input: opportunityInput(setup, scope, `Follow-up: ${scope.label}`) })).createOpportunity.opportunity.id;
      await schedule(`call on ${scope.label}`, scope, record, scope.owner);
      if (scope.label === 'SAM01 owned by user_team') {
        await schedule(`call on ${scope.label}, given to user_own@SAM01`, scope, record, 'user_own@SAM01');
        // Nobody's: visible by the record's scope only (user_own@SAM01 may not see it).
        await schedule(`call on ${scope.label}, unassigned`, scope, record, 'nobody');
        await schedule(`second call on ${scope.label}, unassigned`, scope, record, 'nobody');
      }
    }
    return fixtures;
  },
  operations: [
    readOne('activity'),
    list('activities', 'filter: { allAssignees: true }'),
    count('activities', 'filter: { allAssignees: true }'),
    entity('activities', 'Activity'),
    {
      name: 'entity: Opportunity.activities',
      async run(ctx) {
        const records = [...new Set(ctx.fixtures.map((f) => f.meta!['recordId']!))];
        const result = await ctx.subgraph('activities').request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { activities { id } } } }`, {
          r: records.map((id) => ({ __typename: 'Opportunity', id })),
        });
        const entities = (dataOrNull(result)?.['_entities'] ?? []) as ({ activities: { id: string }[] } | null)[];
        return { kind: 'ids', ids: entities.flatMap((e) => idsOf(e?.activities)) };
      },
    },
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { rescheduleActivity(input: { id: $id, dueDate: "2030-01-16" }) { activity { id } } }`, variables: { id } }),
      versionsVia('activity'),
    ),
    destroy('delete: cancel', {
      async copy({ admin }, fixture) {
        const { recordId, typeId, assigneeId } = fixture.meta!;
        const input = { resourceType: 'Opportunity', resourceId: recordId, typeId, summary: `copy of ${fixture.label}`, dueDate: '2030-01-20', ...(assigneeId ? { assigneeId } : {}) };
        return (await admin.data(SCHEDULE, { input })).scheduleActivity.activity.id;
      },
      mutation: (id) => ({ query: `mutation($id: ID!) { cancelActivity(input: { id: $id }) { activity { id } } }`, variables: { id } }),
      done: (admin, ids) => whereAdmin(admin, 'activity', 'status', ids, (a) => a?.['status'] === 'CANCELLED'),
      cleanup: (admin, ids) => adminEach(admin, 'cancelActivity', 'CancelActivityInput', ids, 'activity { id }'),
    }),
  ],
  notApplicable: {
    sum: 'an activity carries no amount (a board card shows the state of its most urgent one: see entity: Opportunity.activities)',
    export: 'the CRM has no activity export',
  },
};

// ─── sales.quotation ─────────────────────────────────────────────────────────────────────────

const CREATE_QUOTATION = `mutation($input: CreateQuotationInput!) { createQuotation(input: $input) { quotation { id } } }`;
const QUOTATION_STATES = 'filter: { state: [DRAFT, SENT, SALE] }';

function quotationScope(setup: MatrixSetup, scope: FixtureScope): { salespersonId: string | null; teamId: string | null; branchId: string | null } {
  return { ...scopeIds(setup, scope), teamId: scope.team === null ? null : setup.teams[scope.team] };
}

/**
 * Quotations (sales): fully scoped by salesperson, team and branch — standardScopes(), each
 * made from one head-office opportunity ("New Quotation") and then given the scope, so that the
 * opportunity's quotation total (Odoo's smart button, federated from sales) sums them. Sales
 * has no delete (an order is cancelled; Odoo deletes only drafts): its destructive write is cancel.
 */
const quotationsSubject: Subject = {
  name: 'sales.quotation',
  readRule: 'scoped',
  async seed({ admin, setup }) {
    const customer = (await admin.data(`mutation { createContact(input: { name: "PT Daya Motor Indonesia" }) { contact { id } } }`)).createContact.contact.id;
    // Unassigned, in the default team, at head office (reporting reads every opportunity by its persona scope).
    const opportunity = (await admin.data(CREATE_OPPORTUNITY, { input: opportunityInput(setup, NO_SCOPE, 'Fleet service 2027', { customerId: customer }) })).createOpportunity.opportunity.id;
    const fixtures: Fixture[] = [];
    for (const [i, scope] of standardScopes().entries()) {
      const amount = (i + 1) * 100_000;
      const created = await whenProjected(() =>
        admin.data(CREATE_QUOTATION, { input: { opportunityId: opportunity, customerId: customer, note: scope.label, lines: [{ description: 'Servis berkala', quantity: '1', unitPrice: String(amount) }] } }),
      );
      const id = created.createQuotation.quotation.id;
      await admin.data(`mutation($input: UpdateQuotationInput!) { updateQuotation(input: $input) { quotation { id } } }`, { input: { id, ...quotationScope(setup, scope) } });
      fixtures.push({ id, label: scope.label, scope, amount, meta: { opportunityId: opportunity, customerId: customer } });
    }
    return fixtures;
  },
  operations: [
    readOne('quotation'),
    list('quotations', QUOTATION_STATES),
    count('quotations', QUOTATION_STATES),
    {
      name: 'sum: Opportunity.quotationAmountTotal',
      async run(ctx) {
        const result = await ctx.subgraph('sales').request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { quotationAmountTotal } } }`, {
          r: [{ __typename: 'Opportunity', id: ctx.fixtures[0]!.meta!['opportunityId'] }],
        });
        return { kind: 'sum', value: sumOf([dataOrNull(result)?.['_entities']?.[0]?.quotationAmountTotal]) };
      },
    },
    entity('sales', 'Quotation'),
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { updateQuotation(input: { id: $id, clientOrderRef: "PO-42" }) { quotation { id } } }`, variables: { id } }),
      versionsVia('quotation'),
    ),
    destroy('delete: cancel', {
      async copy({ admin, setup }, fixture) {
        const input = { customerId: fixture.meta!['customerId'], note: `copy of ${fixture.label}`, ...quotationScope(setup, fixture.scope) };
        return (await admin.data(CREATE_QUOTATION, { input })).createQuotation.quotation.id;
      },
      mutation: (id) => ({ query: `mutation($id: ID!) { cancelQuotation(input: { id: $id }) { quotation { id } } }`, variables: { id } }),
      done: (admin, ids) => whereAdmin(admin, 'quotation', 'state', ids, (q) => q?.['state'] === 'CANCELLED'),
      cleanup: (admin, ids) => adminEach(admin, 'cancelQuotation', 'QuotationTransitionInput', ids, 'quotation { id }'),
    }),
    {
      name: 'export: quotation PDF',
      async run({ api, fixtures }) {
        const ids: string[] = [];
        for (const fixture of fixtures) {
          const data = dataOrNull(await api.request(`query($id: ID!) { quotationPdf(id: $id) { filename } }`, { id: fixture.id }));
          if (data?.['quotationPdf']?.filename) ids.push(fixture.id);
        }
        return { kind: 'ids', ids };
      },
    },
  ],
};

// ─── sales.booking ───────────────────────────────────────────────────────────────────────────

const CREATE_BOOKING = `mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { id } } }`;
const BOOKING_STATES = 'filter: { state: [DRAFT, POSTED, WORK_ORDER_CREATED] }';

function bookingInput(opportunityId: string): Record<string, unknown> {
  return { opportunityId, bookingDate: tomorrowInMakassar(), serviceHour: 10, serviceType: 'KPB1', visitReason: 'Telp Reminder' };
}

/**
 * Booking services (sales, seed 002): scoped like their won opportunity (its salesperson and
 * team are copied) and by the workshop's branch — the branch scopes of standardScopes() (a
 * booking is always at a branch's workshop, so there is no head-office one). Cancelled, never deleted.
 */
const bookingsSubject: Subject = {
  name: 'sales.booking',
  readRule: 'scoped',
  async seed({ admin, setup }) {
    const customer = (await admin.data(`mutation { createContact(input: { name: "SULTJE ADOLONG", branchId: "MAN01" }) { contact { id } } }`)).createContact.contact.id;
    const fixtures: Fixture[] = [];
    const wonOpportunity = async (scope: FixtureScope, name: string) => {
      const id = (await admin.data(CREATE_OPPORTUNITY, { input: opportunityInput(setup, scope, name, { customerId: customer }) })).createOpportunity.opportunity.id as string;
      await admin.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { id } } }`, { id });
      return id;
    };
    for (const scope of standardScopes().filter((s) => s.branch !== null)) {
      const opportunity = await wonOpportunity(scope, `KPB 1 — ${scope.label}`);
      // The cancel cells' copies are booked on a twin, so that the fixture's opportunity keeps one booking.
      const twin = await wonOpportunity(scope, `KPB 2 — ${scope.label}`);
      const created = await whenProjected(() => admin.data(CREATE_BOOKING, { input: bookingInput(opportunity) }));
      fixtures.push({ id: created.createBookingService.bookingService.id, label: scope.label, scope, meta: { opportunityId: opportunity, twinId: twin } });
    }
    return fixtures;
  },
  operations: [
    readOne('bookingService'),
    list('bookingServices', BOOKING_STATES),
    count('bookingServices', BOOKING_STATES),
    {
      name: 'count: Opportunity.bookingServices',
      async run(ctx) {
        const result = await ctx.subgraph('sales').request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { bookingServices { totalCount } } } }`, {
          r: ctx.fixtures.map((f) => ({ __typename: 'Opportunity', id: f.meta!['opportunityId'] })),
        });
        return { kind: 'count', value: sumOf(((dataOrNull(result)?.['_entities'] ?? []) as Data[]).map((e) => e?.['bookingServices']?.totalCount)) };
      },
    },
    entity('sales', 'BookingService'),
    write(
      'update',
      (id) => ({ query: `mutation($id: ID!) { updateBookingService(input: { id: $id, pit: "PIT 1" }) { bookingService { id } } }`, variables: { id } }),
      versionsVia('bookingService'),
    ),
    destroy('delete: cancel', {
      copy: async ({ admin }, fixture) =>
        (await whenProjected(() => admin.data(CREATE_BOOKING, { input: bookingInput(fixture.meta!['twinId']!) }))).createBookingService.bookingService.id,
      mutation: (id) => ({ query: `mutation($id: ID!) { cancelBookingService(input: { id: $id }) { bookingService { id } } }`, variables: { id } }),
      done: (admin, ids) => whereAdmin(admin, 'bookingService', 'state', ids, (b) => b?.['state'] === 'CANCELLED'),
      cleanup: (admin, ids) => adminEach(admin, 'cancelBookingService', 'BookingServiceTransitionInput', ids, 'bookingService { id }'),
    }),
  ],
  notApplicable: {
    sum: 'a booking carries no amount (its count on the opportunity: count: Opportunity.bookingServices)',
    export: 'the CRM has no booking export',
  },
};

const SUBJECTS = [
  contactsSubject,
  usersSubject,
  opportunitiesSubject,
  activitiesSubject,
  quotationsSubject,
  bookingsSubject,
  // Last: they report on the records the subjects above created (and close some of them).
  ...reportingSubjects({ contact: contactsSubject, opportunity: opportunitiesSubject, activity: activitiesSubject, quotation: quotationsSubject }),
];

describe('access matrix: every role × branch × operation, zero leaks', () => {
  let env: TestEnv;
  let stack: Stack;
  let setup: MatrixSetup;
  let results: CellResult[];

  beforeAll(async () => {
    env = await createTestEnv('matrix');
    // Thousands of requests from a handful of users: the gateway's per-user rate limit is not what this test is about.
    stack = await startFullStack(env, undefined, { rateLimit: { perSecond: 0, burst: 0 } });
    setup = await prepareMatrix(stack, await testToken({ role: 'admin' }));
    results = await runMatrix(stack, setup, SUBJECTS);
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('runs every cell: 5 roles × 3 branches (SAM01, MAN01, head office) × each subject’s operations', () => {
    const operations = SUBJECTS.reduce((n, subject) => n + subject.operations.length, 0);
    expect(results).toHaveLength(MATRIX_ROLES.length * MATRIX_BRANCHES.length * operations);
  });

  it('names every operation of issue 8 for every subject: run, or not applicable (why)', () => {
    for (const subject of SUBJECTS) {
      const named = coverage(subject);
      for (const operation of ISSUE8_OPERATIONS) {
        expect({ subject: subject.name, operation, named: named[operation] !== null }).toEqual({ subject: subject.name, operation, named: true });
      }
    }
    // The writes of issue 8 run wherever the records have them.
    expect(coverage(opportunitiesSubject).delete).toEqual({ run: ['delete'] });
    expect(coverage(opportunitiesSubject).sum).toEqual({ run: ['sum: board totals, expected revenue', 'sum: board columns, prorated revenue'] });
    expect(coverage(quotationsSubject).export).toEqual({ run: ['export: quotation PDF'] });
    // Leads and opportunities are exported by reporting (the "Laporan CRM"), rows parsed back.
    const reportingOpportunity = SUBJECTS.find((s) => s.name === 'reporting.opportunity')!;
    expect(coverage(reportingOpportunity).export).toEqual({ run: ['export: Laporan CRM CSV rows', 'export: Laporan CRM XLSX rows'] });
  });

  it('finds no cell that leaks or loses a record', () => {
    expect(matrixFailures(results)).toEqual([]);
    expect(results.filter((r) => r.knownGap)).toEqual([]);
  });

  it('sees what each access group should (spot checks)', () => {
    const observed = (cell: string) => {
      const result = results.find((r) => r.cell === cell);
      if (!result) throw new Error(`no cell ${cell}`);
      return result.observed;
    };
    // Opportunities and their board.
    expect(observed('pipeline.opportunity / list / user_own@SAM01')).toEqual(['SAM01 owned by user_own', 'SAM01 unassigned in team']);
    expect(observed('pipeline.opportunity / list: board cards / user_team@MAN01')).toEqual(['MAN01 owned by user_own', 'MAN01 owned by user_team', 'MAN01 unassigned in team']);
    // SAM01: 1 + 2 + 3 + 4 million; user_own sees 1 + 3.
    expect(observed('pipeline.opportunity / sum: board totals, expected revenue / user_all@SAM01')).toBe(10_000_000);
    expect(observed('pipeline.opportunity / sum: board totals, expected revenue / user_own@SAM01')).toBe(4_000_000);
    expect(observed('pipeline.opportunity / sum: board columns, prorated revenue / admin@HO')).toBe(22_500_000);
    expect(observed('pipeline.opportunity / count: board columns / none@HO')).toBe(0);
    expect(observed('pipeline.opportunity / delete / user_all@HO')).toEqual([]);
    expect(observed('pipeline.opportunity / delete / admin@MAN01')).toEqual(['MAN01 owned by user_own', 'MAN01 owned by user_team', 'MAN01 unassigned in team', 'MAN01 unassigned, no team']);
    expect(observed('pipeline.opportunity / update / user_own@MAN01')).toEqual(['MAN01 owned by user_own', 'MAN01 unassigned in team']);
    // Contacts: user_team sees its team's salespeople's customers, user_own not.
    expect(observed('contacts.contact / list / user_own@SAM01')).toEqual(['SAM01 customer of user_own', 'SAM01 customer, unassigned']);
    expect(observed('contacts.contact / list / user_team@SAM01')).toEqual([
      'SAM01 customer of user_all',
      'SAM01 customer of user_own',
      'SAM01 customer of user_team',
      'SAM01 customer, unassigned',
    ]);
    expect(observed('contacts.contact / count / user_all@SAM01')).toBe(5);
    expect(observed('contacts.contact / list / user_own@HO')).toEqual(['MAN01 customer, unassigned', 'SAM01 customer, unassigned', 'head office customer of user_own@HO', 'head office customer, unassigned']);
    // Activities: the assignee sees the call given to them on a record they cannot see.
    expect(observed('activities.activity / list / user_own@SAM01')).toEqual([
      'call on SAM01 owned by user_own',
      'call on SAM01 owned by user_team, given to user_own@SAM01',
      'call on SAM01 unassigned in team',
    ]);
    // Quotations: SAM01's four are 100,000 + 200,000 + 300,000 + 400,000 IDR.
    expect(observed('sales.quotation / sum: Opportunity.quotationAmountTotal / user_all@SAM01')).toBe(1_000_000);
    expect(observed('sales.quotation / count / user_all@HO')).toBe(9);
    expect(observed('sales.quotation / export: quotation PDF / user_own@MAN01')).toEqual(['MAN01 owned by user_own', 'MAN01 unassigned in team']);
    expect(observed('sales.booking / list / user_team@SAM01')).toEqual(['SAM01 owned by user_own', 'SAM01 owned by user_team', 'SAM01 unassigned in team']);
    expect(observed('sales.booking / count: Opportunity.bookingServices / user_all@MAN01')).toBe(4);
    expect(observed('contacts.user / update / user_all@HO')).toEqual([]);
    // Reporting: the SAM01 record of user_team is won (2 million), the unassigned ones without a team lost (4 + 8 million).
    expect(observed('reporting.opportunity / sum: winLoss won revenue / user_own@SAM01')).toBe(0);
    expect(observed('reporting.opportunity / sum: winLoss won revenue / user_team@SAM01')).toBe(2_000_000);
    expect(observed('reporting.opportunity / sum: winLoss lost revenue / admin@HO')).toBe(12_000_000);
    expect(observed('reporting.opportunity / sum: pipelineAnalysis expected revenue from the cube / user_all@MAN01')).toBe(
      observed('reporting.opportunity / sum: pipelineAnalysis expected revenue / user_all@MAN01'),
    );
    const ownSam01 = ['', 'Follow-up: ', 'KPB 1 — ', 'KPB 2 — ', 'Lead: '].flatMap((prefix) => [`${prefix}SAM01 owned by user_own`, `${prefix}SAM01 unassigned in team`]).sort();
    expect(observed('reporting.opportunity / export: Laporan CRM CSV rows / user_own@SAM01')).toEqual(ownSam01);
    expect(observed('reporting.opportunity / export: Laporan CRM XLSX rows / user_own@SAM01')).toEqual(ownSam01);
    expect(observed('reporting.opportunity / export: Laporan CRM XLSX rows / none@SAM01')).toEqual([]);
    // Activities by their own rule: user_own@SAM01 counts its call and the one given to it, not the unassigned one on user_team's record.
    expect(observed('reporting.activity / count: activityAnalysis done / user_own@SAM01')).toBe(2);
    expect(observed('reporting.activity / count: teamDashboard overdue activities / user_own@MAN01')).toBe(2);
    // The contact report by the contacts' rule: a branch user_own sees its own and the unassigned customers of its branch.
    expect(observed('reporting.contact / list: contactReport contacts / user_own@SAM01')).toEqual(expect.arrayContaining(['SAM01 customer of user_own', 'SAM01 customer, unassigned']));
    expect(observed('reporting.contact / list: contactReport contacts / user_own@SAM01')).not.toContain('SAM01 customer of user_team');
    expect(observed('reporting.contact / list: contactReport contacts / user_team@SAM01')).toContain('SAM01 customer of user_team');
    expect(observed('reporting.contact / list: contactReport contacts / user_all@MAN01')).not.toContain('SAM01 customer, unassigned');
    // SAM01's quotations in a team: 100,000 and 300,000 IDR still quotations, 200,000 confirmed (400,000 has no team).
    expect(observed('reporting.quotation / sum: teamDashboard quotations / user_all@SAM01')).toBe(400_000);
    expect(observed('reporting.quotation / sum: teamDashboard orders this month / user_all@SAM01')).toBe(200_000);
    expect(observed('reporting.quotation / sum: teamDashboard orders this month / user_own@SAM01')).toBe(0);
    expect(observed('contacts.user / update / admin@SAM01')).toHaveLength(3);
  });

  it('catches a leak and names the cell (the harness itself, against a rule the data breaks)', async () => {
    // Claim that branch users see no contact at all: the harness must flag every branch reader.
    const strict: Subject = {
      ...contactsSubject,
      name: 'contacts.contact (as if head office only)',
      readRule: (persona, fixture, s) => persona.branch === 'HO' && contactRule(persona, fixture, s),
      operations: [list('contacts')],
    };
    const failures = matrixFailures(await runMatrix(stack, setup, [strict]));
    expect(failures).toContain('contacts.contact (as if head office only) / list / user_own@SAM01: leaked [SAM01 customer of user_own, SAM01 customer, unassigned]');
    expect(failures.filter((f) => f.includes('@'))).toHaveLength(2 * 4);
  });
});
