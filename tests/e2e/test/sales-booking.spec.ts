import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 002's tail through the gateway: a won opportunity → Create Booking Service → posted →
 * work order created. Every fact comes from its real owner: the branch with its workshop hours
 * from the contacts subgraph (createBranch → crm.contacts.branch), the customer from contacts,
 * the opportunity and its "won" from the pipeline (markWon → crm.pipeline.opportunity.won).
 */
describe('sales e2e: booking service from a won opportunity (dealer workshop)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  const clock = new ManualClock('2026-11-23T00:00:00Z'); // 08:00 in Manado

  beforeAll(async () => {
    env = await createTestEnv('e2esalesb');
    stack = await startFullStack(env, clock);
    await stack.subgraph('sales').consumersReady();
    api = stack.client(await testToken({ role: 'admin', tz: 'Asia/Makassar' }));
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('books the workshop for a won opportunity, posts the booking and records the work order', async () => {
    await api.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
      input: { id: 'MAN01', name: 'MANADO', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
    });
    const customer = (await api.data(`mutation { createContact(input: { name: "SULTJE ADOLONG", branchId: "MAN01" }) { contact { id } } }`)).createContact.contact.id;
    const created = await api.data(
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id name number customer { id } } } }`,
      { input: { name: 'KPB 2 reminder — Honda Vario', customerId: customer, expectedRevenue: '0', currency: 'IDR', branchId: 'MAN01', phone: '082187479254' } },
    );
    const opportunity = created.createOpportunity.opportunity;
    expect(opportunity.number).toBe('LDS/MAN01/2611/00001');

    // Branch and mobile left out: they come from the won opportunity.
    const booking = {
      opportunityId: opportunity.id,
      bookingDate: '2026-11-24',
      serviceHour: 11,
      serviceMinute: 30,
      engineNumber: 'DB 4042 BW - JM82E1033045',
      serviceType: 'KPB2',
      visitReason: 'Telp Reminder',
      complaint: 'SERVICE BIASANYA SESUAI KETENTUAN KPB',
      carrierRelation: 'Sendiri',
      pit: '2',
      mechanic: '[18100091] DION IMANUELLY LABESI',
      serviceAdvisor: '[14080052] JHOFRI BILLI TUMEWAN',
    };
    const CREATE = `mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { id number state scheduledAt
      leadNumber mobile opportunity { id name } customer { id name } } } }`;

    // Not won yet (the pipeline created it open): refused.
    await eventually(async () => {
      const early = await api.request(CREATE, { input: booking });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'opportunityId' });
    });

    // Mark as Won in the pipeline; sales follows its event.
    const won = await api.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { status } } }`, { id: opportunity.id });
    expect(won.markWon.opportunity.status).toBe('WON');
    const made = await eventually(async () => (await api.data(CREATE, { input: booking })).createBookingService.bookingService);
    expect(made).toMatchObject({
      number: 'BOS-W/MAN01/2611/00001',
      state: 'DRAFT',
      leadNumber: 'LDS/MAN01/2611/00001',
      mobile: expect.stringContaining('82187479254'),
      scheduledAt: '2026-11-24T03:30:00.000Z',
      opportunity: { id: opportunity.id, name: 'KPB 2 reminder — Honda Vario' },
      customer: { id: customer, name: 'SULTJE ADOLONG' },
    });

    const outside = await api.request(CREATE, { input: { ...booking, serviceHour: 17, serviceMinute: 0 } });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serviceHour' });

    const posted = await api.data(
      `mutation($input: BookingServiceTransitionInput!) { postBookingService(input: $input) { bookingService { state version } } }`,
      { input: { id: made.id, expectedVersion: 1 } },
    );
    expect(posted.postBookingService.bookingService).toEqual({ state: 'POSTED', version: 2 });
    const done = await api.data(
      `mutation($input: CreateBookingWorkOrderInput!) { createBookingWorkOrder(input: $input) { bookingService { state workOrderNumber } } }`,
      { input: { id: made.id, expectedVersion: 2, workOrderNumber: 'WO/MAN01/2611/00001' } },
    );
    expect(done.createBookingWorkOrder.bookingService).toEqual({ state: 'WORK_ORDER_CREATED', workOrderNumber: 'WO/MAN01/2611/00001' });

    const view = await api.data(
      `query($id: ID!) { opportunity(id: $id) { name customer { name } bookingServices { totalCount edges { node { number state workOrderNumber } } } } }`,
      { id: opportunity.id },
    );
    expect(view.opportunity).toEqual({
      name: 'KPB 2 reminder — Honda Vario',
      customer: { name: 'SULTJE ADOLONG' },
      bookingServices: { totalCount: 1, edges: [{ node: { number: 'BOS-W/MAN01/2611/00001', state: 'WORK_ORDER_CREATED', workOrderNumber: 'WO/MAN01/2611/00001' } }] },
    });
  });
});
