import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { salesModule } from '../src/module';
import { ContractPublisher, branchEvent, contactEvent, newId, opportunity, opportunityEvent } from './support';

const BOOKING_FIELDS = `id number state bookingDate serviceHour serviceMinute scheduledAt timeZone branchId leadNumber mobile engineNumber
  serviceType visitReason complaint carrierRelation pit mechanic serviceAdvisor workOrderNumber version
  opportunity { id } customer { id }`;
const CREATE = `mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { ${BOOKING_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateBookingServiceInput!) { updateBookingService(input: $input) { bookingService { ${BOOKING_FIELDS} } } }`;
const POST = `mutation($input: BookingServiceTransitionInput!) { postBookingService(input: $input) { bookingService { state version } } }`;
const CANCEL = `mutation($input: BookingServiceTransitionInput!) { cancelBookingService(input: $input) { bookingService { state version } } }`;
const WORK_ORDER = `mutation($input: CreateBookingWorkOrderInput!) { createBookingWorkOrder(input: $input) { bookingService { state version workOrderNumber } } }`;

describe('sales: booking services from won opportunities (seed 002)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  let publisher: ContractPublisher;
  // 2026-11-23 08:00 in Manado (UTC+8)
  const clock = new ManualClock('2026-11-23T00:00:00Z');
  const advisor = newId();
  const team = newId();
  const customer = newId();
  const won = newId();
  const open = newId();
  const base = {
    bookingDate: '2026-11-24',
    serviceHour: 11,
    serviceMinute: 30,
    serviceType: 'KPB2',
    visitReason: 'Telp Reminder',
    complaint: 'rem kurang pakem',
    carrierRelation: 'Sendiri',
    pit: 'PIT 3',
    mechanic: '[18060009] JEPRI ARI SAPUTRA',
    serviceAdvisor: '[13020048] HENDRI STIAWAN',
  };

  beforeAll(async () => {
    env = await createTestEnv('salesb');
    stack = await startStack({ env, modules: [salesModule], clock });
    api = stack.client(await testToken({ role: 'user_own', id: advisor, teamIds: [team], branchIds: ['MAN01'], tz: 'Asia/Makassar' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    publisher = await ContractPublisher.connect(env);
    await publisher.publish(branchEvent({ id: 'MAN01', name: 'MANADO', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' }));
    await publisher.publish(contactEvent({ id: customer, name: 'SULTJE ADOLONG', kind: 'person', mobile: '082187479254' }));
    const dealer = {
      customerId: customer,
      salespersonId: advisor,
      teamId: team,
      branchId: 'MAN01',
      number: 'LDS/MAN01/2611/01219',
      phone: '082187479254',
      name: 'KPB 2 follow-up',
      properties: { engineNumber: 'DB 4042 BW - JM82E1033045' },
    };
    await publisher.publish(opportunityEvent('created', opportunity({ id: won, version: 1, ...dealer })));
    await publisher.publish(opportunityEvent('created', opportunity({ id: open, version: 1, ...dealer, number: 'LDS/MAN01/2611/01220' })));
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT (SELECT count(*)::int FROM sales.branch_copy) AS branches, (SELECT count(*)::int FROM sales.opportunity_copy) AS opps`,
      );
      expect(rows[0]).toEqual({ branches: 1, opps: 2 });
    });
  });

  afterAll(async () => {
    await publisher?.stop();
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM sales.booking) AS bookings, (SELECT count(*)::int FROM sales.outbox WHERE topic = 'crm.sales.booking') AS events,
         (SELECT coalesce(sum(version), 0)::int FROM sales.booking) AS versions`,
    );
    return rows[0];
  }

  it('refuses a booking for an opportunity that is not won, and changes nothing', async () => {
    const before = await counts();
    const result = await api.request(CREATE, { input: { ...base, opportunityId: won } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'opportunityId' });
    expect(result.errors?.[0]?.message).toContain('not won');
    expect(await counts()).toEqual(before);
  });

  let booking: any;

  it('books a won opportunity: BOS-W/MAN01/2611/00001, inside the workshop hours of Manado', async () => {
    await publisher.publish(
      opportunityEvent('won', opportunity({ id: won, version: 2, customerId: customer, salespersonId: advisor, teamId: team, branchId: 'MAN01', number: 'LDS/MAN01/2611/01219', phone: '082187479254', status: 'won', properties: { engineNumber: 'DB 4042 BW - JM82E1033045' } })),
    );
    await eventually(async () => {
      const { rows } = await db.query('SELECT status FROM sales.opportunity_copy WHERE id = $1', [won]);
      expect(rows[0].status).toBe('won');
    });
    const result = await api.data(CREATE, { input: { ...base, opportunityId: won } });
    booking = result.createBookingService.bookingService;
    expect(booking).toMatchObject({
      number: 'BOS-W/MAN01/2611/00001',
      state: 'DRAFT',
      bookingDate: '2026-11-24',
      serviceHour: 11,
      serviceMinute: 30,
      scheduledAt: '2026-11-24T03:30:00.000Z',
      timeZone: 'Asia/Makassar',
      branchId: 'MAN01',
      leadNumber: 'LDS/MAN01/2611/01219',
      mobile: '082187479254',
      engineNumber: 'DB 4042 BW - JM82E1033045',
      serviceType: 'KPB2',
      visitReason: 'Telp Reminder',
      complaint: 'rem kurang pakem',
      carrierRelation: 'Sendiri',
      pit: 'PIT 3',
      workOrderNumber: null,
      version: 1,
      opportunity: { id: won },
      customer: { id: customer },
    });
    const second = await api.data(CREATE, { input: { ...base, opportunityId: won, serviceHour: 8, serviceMinute: 0, serviceType: 'REGULAR' } });
    expect(second.createBookingService.bookingService.number).toBe('BOS-W/MAN01/2611/00002');

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.booking`, (ms) => ms.some((m) => m.key === booking.id));
    const created = messages.find((m) => m.key === booking.id)!;
    expect(created.headers['ce_type']).toBe('crm.sales.booking.created.v1');
    expect(JSON.parse(created.value!).state).toMatchObject({ number: 'BOS-W/MAN01/2611/00001', state: 'draft', serviceType: 'KPB2', branchId: 'MAN01' });
  });

  it.each([
    [{ serviceHour: 16, serviceMinute: 0 }, 'serviceHour'],
    [{ serviceHour: 7, serviceMinute: 45 }, 'serviceHour'],
    [{ bookingDate: '2026-11-22' }, 'bookingDate'],
    [{ serviceHour: 25 }, 'serviceHour'],
    [{ branchId: 'MAN 01' }, 'branchId'],
    [{ serviceType: 'KPB5' }, null],
  ])('refuses %j and changes nothing', async (patch, field) => {
    const before = await counts();
    const result = await api.request(CREATE, { input: { ...base, opportunityId: won, ...patch } });
    if (field) expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    else expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT'); // enum checked by GraphQL itself
    expect(await counts()).toEqual(before);
  });

  it('refuses a branch that is not the user’s with FORBIDDEN (libs/auth resolveBranch), on create and on edit, and changes nothing', async () => {
    const before = await counts();
    const foreign = await api.request(CREATE, { input: { ...base, opportunityId: won, branchId: 'SAM01' } });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const moved = await api.request(UPDATE, { input: { id: booking.id, branchId: 'SAM01' } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    expect(await counts()).toEqual(before);
  });

  it('edits a draft, then posts it and records the work order; no way back', async () => {
    const moved = await api.data(UPDATE, { input: { id: booking.id, expectedVersion: 1, serviceHour: 14, serviceMinute: 0, pit: 'PIT 2' } });
    expect(moved.updateBookingService.bookingService).toMatchObject({ serviceHour: 14, pit: 'PIT 2', scheduledAt: '2026-11-24T06:00:00.000Z', version: 2 });
    const late = await api.request(UPDATE, { input: { id: booking.id, serviceHour: 17 } });
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serviceHour' });
    const stale = await api.request(POST, { input: { id: booking.id, expectedVersion: 1 } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const early = await api.request(WORK_ORDER, { input: { id: booking.id, workOrderNumber: 'WO/MAN01/2611/00077' } });
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    expect((await api.data(POST, { input: { id: booking.id, expectedVersion: 2 } })).postBookingService.bookingService).toEqual({
      state: 'POSTED',
      version: 3,
    });
    const edit = await api.request(UPDATE, { input: { id: booking.id, pit: 'PIT 1' } });
    expect(edit.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const blank = await api.request(WORK_ORDER, { input: { id: booking.id, workOrderNumber: '  ' } });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'workOrderNumber' });
    const done = await api.data(WORK_ORDER, { input: { id: booking.id, expectedVersion: 3, workOrderNumber: 'WO/MAN01/2611/00077' } });
    expect(done.createBookingWorkOrder.bookingService).toEqual({ state: 'WORK_ORDER_CREATED', version: 4, workOrderNumber: 'WO/MAN01/2611/00077' });
    const cancel = await api.request(CANCEL, { input: { id: booking.id } });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.booking`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.booking.work_order_created.v1'),
    );
    const types = messages.filter((m) => m.key === booking.id).map((m) => m.headers['ce_type']);
    expect(types).toEqual([
      'crm.sales.booking.created.v1',
      'crm.sales.booking.updated.v1',
      'crm.sales.booking.posted.v1',
      'crm.sales.booking.work_order_created.v1',
    ]);
    const last = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.sales.booking.work_order_created.v1')!.value!);
    expect(last.state).toMatchObject({ state: 'work_order_created', workOrderNumber: 'WO/MAN01/2611/00077' });
    expect(last.changes.workOrderNumber).toEqual({ from: null, to: 'WO/MAN01/2611/00077' });
  });

  it('shows the opportunity its bookings and keeps other branches out', async () => {
    const data = await api.data(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Opportunity { bookingServices(first: 1) { totalCount pageInfo { hasNextPage } edges { node { number state } } } } } }`,
      { reps: [{ __typename: 'Opportunity', id: won }] },
    );
    expect(data._entities[0].bookingServices).toEqual({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { number: 'BOS-W/MAN01/2611/00002', state: 'DRAFT' } }],
    });
    const other = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] }));
    const none = await other.data(`{ bookingServices(first: 10) { totalCount } }`);
    expect(none.bookingServices.totalCount).toBe(0);
    const mine = await api.data(`{ bookingServices(first: 10, orderBy: { field: SCHEDULED_AT }) { totalCount edges { node { number } } } }`);
    expect(mine.bookingServices.edges.map((e: any) => e.node.number)).toEqual(['BOS-W/MAN01/2611/00002', 'BOS-W/MAN01/2611/00001']);
  });

  it('cancels a posted booking, and refuses bookings for unknown branches or without a visible opportunity', async () => {
    const list = await api.data(`{ bookingServices(first: 10, filter: { state: [DRAFT] }) { edges { node { id number } } } }`);
    const second = list.bookingServices.edges[0].node;
    expect(second.number).toBe('BOS-W/MAN01/2611/00002');
    await api.data(POST, { input: { id: second.id } });
    expect((await api.data(CANCEL, { input: { id: second.id, expectedVersion: 2 } })).cancelBookingService.bookingService).toEqual({
      state: 'CANCELLED',
      version: 3,
    });
    const lifecycle = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.booking`, (ms) => ms.filter((m) => m.key === second.id).length === 3);
    expect(lifecycle.filter((m) => m.key === second.id).map((m) => [m.headers['ce_type'], JSON.parse(m.value!).state.state])).toEqual([
      ['crm.sales.booking.created.v1', 'draft'],
      ['crm.sales.booking.posted.v1', 'posted'],
      ['crm.sales.booking.cancelled.v1', 'cancelled'],
    ]);
    const headOffice = stack.client(await testToken({ role: 'admin' }));
    const before = await counts();
    const unknown = await headOffice.request(CREATE, { input: { ...base, opportunityId: won, branchId: 'SAM01' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    expect(unknown.errors?.[0]?.message).toBe('branch SAM01 is not known');
    const stranger = stack.client(await testToken({ role: 'user_own', teamIds: [newId()] }));
    const invisible = await stranger.request(CREATE, { input: { ...base, opportunityId: won } });
    expect(invisible.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const missing = await api.request(CREATE, { input: { ...base, opportunityId: newId() } });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('moves the bookings of merged opportunities to the one that remains', async () => {
    const survivor = newId();
    await publisher.publish(
      opportunityEvent('merged', opportunity({ id: survivor, version: 4, customerId: customer, salespersonId: advisor, teamId: team, branchId: 'MAN01', status: 'won' }), {
        mergedIds: [won],
      }),
    );
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM sales.booking WHERE opportunity_id = $1', [survivor]);
      expect(rows[0].n).toBe(2);
    });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.booking`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.booking.updated.v1' && JSON.parse(m.value!).changes?.opportunityId),
    );
    const moved = messages.filter((m) => m.headers['ce_type'] === 'crm.sales.booking.updated.v1' && JSON.parse(m.value!).changes?.opportunityId);
    expect(JSON.parse(moved[0]!.value!).changes.opportunityId).toEqual({ from: won, to: survivor });
  });
  it('follows the customer master: no bookings for an archived customer, and a contacts merge moves the bookings', async () => {
    await publisher.publish(contactEvent({ id: customer, name: 'SULTJE ADOLONG', kind: 'person', mobile: '082187479254', active: false }, 2, 'archived'));
    await eventually(async () => {
      const { rows } = await db.query('SELECT active FROM sales.contact_copy WHERE id = $1', [customer]);
      expect(rows[0].active).toBe(false);
    });
    const { rows: [survivor] } = await db.query('SELECT opportunity_id AS id FROM sales.booking LIMIT 1');
    const before = await counts();
    const refused = await api.request(CREATE, { input: { ...base, opportunityId: survivor.id } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    expect(await counts()).toEqual(before);

    const kept = newId();
    await publisher.publish(contactEvent({ id: kept, name: 'SULTJE ADOLONG', kind: 'person' }));
    await publisher.publish(contactEvent({ id: kept, name: 'SULTJE ADOLONG', kind: 'person', mobile: '082187479254' }, 2, 'merged', { mergedIds: [customer] }));
    await eventually(async () => {
      const { rows } = await db.query('SELECT customer_id AS "customerId", count(*)::int AS n FROM sales.booking GROUP BY customer_id');
      expect(rows).toEqual([{ customerId: kept, n: 2 }]);
    });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.booking`, (ms) =>
      ms.filter((m) => JSON.parse(m.value!).changes?.customerId).length === 2,
    );
    const moved = messages.map((m) => JSON.parse(m.value!)).filter((e) => e.changes?.customerId);
    expect(moved.map((e) => e.changes.customerId)).toEqual([{ from: customer, to: kept }, { from: customer, to: kept }]);
    expect(moved.map((e) => e.state.state).sort()).toEqual(['cancelled', 'work_order_created']);
  });
});
