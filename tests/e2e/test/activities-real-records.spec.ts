import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * The activities subgraph fed by the real producers, through the gateway: the pipeline's stage
 * moves and revenue edits become the opportunity's chatter ("Stage: New → Qualified"), and the
 * dealer's reminder rules (seed 002) plan the KPB reminders of a real dealer opportunity, colour
 * its card, drop them when it is won, then call on the booking day and thank after the service.
 * (apps/activities/test covers the same rules with hand-made events; this proves the contracts.)
 */
const CARD = `query($id: ID!) { opportunity(id: $id) { activityState activityColor
  activities { summary dueDate state assigneeId type { name } rule { name offsetLabel } } } }`;

describe('e2e activities: chatter and reminder rules from the real pipeline and sales', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  const clock = new ManualClock('2026-11-23T01:00:00Z'); // Monday 09:00 in Samarinda (WITA)
  const me = '01934d6e-0000-7000-8000-0000000007a1';
  let kpbOpportunity: string;
  let customerId: string;

  beforeAll(async () => {
    env = await createTestEnv('e2eactreal');
    stack = await startFullStack(env, clock);
    await stack.subgraph('activities').consumersReady();
    api = stack.client(await testToken({ id: me, role: 'admin', tz: 'Asia/Makassar' }));
    await api.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
      input: { id: 'SAM01', name: 'SAMARINDA', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('writes the pipeline’s revenue edit and stage move into the opportunity’s chatter', async () => {
    const board = await api.data(`{ pipelineBoard { columns { stage { id name } } } }`);
    const stages = Object.fromEntries(board.pipelineBoard.columns.map((c: any) => [c.stage.name, c.stage.id]));
    const created = await api.data(`mutation { createOpportunity(input: { name: "200 Office Chairs", expectedRevenue: "80000000", currency: "IDR" }) { opportunity { id version } } }`);
    const id = created.createOpportunity.opportunity.id;
    await api.data(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { version } } }`, {
      input: { id, expectedRevenue: '100000000', expectedVersion: 1 },
    });
    await api.data(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { version } } }`, {
      input: { id, stageId: stages['Qualified'], expectedVersion: 2 },
    });
    const chatter = await eventually(async () => {
      const data = await api.data(`query($id: ID!) { messages(resourceType: "Opportunity", resourceId: $id) { totalCount edges { node { kind body sourceEventType
        trackedChanges { field text } } } } }`, { id });
      expect(data.messages.totalCount).toBe(3);
      return data.messages.edges.map((e: any) => e.node);
    });
    // Newest first.
    expect(chatter.map((m: any) => m.kind)).toEqual(['TRACKING', 'TRACKING', 'TRACKING']);
    expect(chatter[0].trackedChanges.map((c: any) => c.text)).toContain('Stage: New → Qualified');
    expect(chatter[0].sourceEventType).toBe('crm.pipeline.opportunity.stage_changed.v1');
    expect(chatter[1].trackedChanges.map((c: any) => c.text)).toContain('Expected revenue: 80,000,000 → 100,000,000');
    expect(chatter[2].body).toBe('Opportunity created');
  });

  it('plans the KPB reminders H-7 and H-3 of a real dealer opportunity, colours its card, and drops them when it is won', async () => {
    const team = await api.data(`mutation { createSalesTeam(input: { name: "Daya Motor Workshop H23", currency: "IDR" }) { salesTeam { id } } }`);
    const teamId = team.createSalesTeam.salesTeam.id;
    await api.data(`mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { id } } }`, {
      input: { teamId, templateKey: 'dealer-h23-follow-up', isDefault: true },
    });
    customerId = (await api.data(`mutation { createContact(input: { name: "RESTU ANDIKA PRADANA", branchId: "SAM01" }) { contact { id } } }`)).createContact.contact.id;
    const created = await api.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id salesperson { id } } } }`, {
      input: {
        name: 'Honda Vario 125 — KPB 1',
        teamId,
        customerId,
        branchId: 'SAM01',
        expectedRevenue: '0',
        currency: 'IDR',
        properties: [{ key: 'occupation', value: 'KARYAWAN_SWASTA' }, { key: 'kpbNumber', value: '1' }, { key: 'kpbExpiry', value: '2026-12-01' }],
      },
    });
    kpbOpportunity = created.createOpportunity.opportunity.id;
    const salesperson = created.createOpportunity.opportunity.salesperson?.id ?? null;

    // No one is the branch's Admin CRM H23 yet: the reminders fall back to the salesperson.
    const card = await eventually(async () => {
      const data = await api.data(CARD, { id: kpbOpportunity });
      expect(data.opportunity.activities).toHaveLength(2);
      return data.opportunity;
    });
    expect(card).toEqual({
      activityState: 'PLANNED',
      activityColor: 'GREEN',
      activities: [
        { summary: expect.stringContaining('KPB expires 2026-12-01'), dueDate: '2026-11-24', state: 'PLANNED', assigneeId: salesperson, type: { name: 'SMS / WhatsApp' }, rule: { name: 'KPB reminder H-7 (SMS / WhatsApp)', offsetLabel: 'H-7' } },
        { summary: expect.stringContaining('KPB expires 2026-12-01'), dueDate: '2026-11-28', state: 'PLANNED', assigneeId: salesperson, type: { name: 'Call' }, rule: { name: 'KPB reminder call H-3', offsetLabel: 'H-3' } },
      ],
    });

    // H-7 arrives without any event: the reminder planned ahead is due today, the card turns yellow.
    clock.set('2026-11-24T01:00:00Z');
    expect((await api.data(CARD, { id: kpbOpportunity })).opportunity).toMatchObject({ activityState: 'TODAY', activityColor: 'YELLOW' });

    // The customer books and comes: won in the pipeline, the rules cancel the open reminders.
    await api.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { status } } }`, { id: kpbOpportunity });
    await eventually(async () => {
      expect((await api.data(CARD, { id: kpbOpportunity })).opportunity).toEqual({ activityState: 'NONE', activityColor: 'GREY', activities: [] });
    });
  });

  it('calls on the booking day at 08:00 and thanks three days after the service (real sales bookings)', async () => {
    const CREATE = `mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { id number } } }`;
    const booking = await eventually(async () =>
      (await api.data(CREATE, {
        input: { opportunityId: kpbOpportunity, bookingDate: '2026-11-26', serviceHour: 10, serviceMinute: 0, engineNumber: 'KF41E1693525', serviceType: 'KPB1', visitReason: 'Telp Reminder' },
      })).createBookingService.bookingService,
    );
    const REMINDERS = `query($id: ID!) { activities(filter: { allAssignees: true, resourceType: "BookingService", resourceId: $id }) {
      edges { node { summary dueDate dueTime dueAt timeZone type { name } rule { name } } } } }`;
    const morning = await eventually(async () => {
      const data = await api.data(REMINDERS, { id: booking.id });
      expect(data.activities.edges).toHaveLength(1);
      return data.activities.edges[0].node;
    });
    expect(morning).toMatchObject({
      dueDate: '2026-11-26',
      dueTime: '08:00',
      dueAt: '2026-11-26T00:00:00.000Z', // 08:00 in the branch's zone (WITA)
      timeZone: expect.any(String),
      type: { name: 'Call' },
      rule: { name: 'Booking day morning call' },
    });
    expect(morning.summary).toContain(booking.number);

    clock.set('2026-11-26T02:00:00Z');
    await api.data(`mutation($input: BookingServiceTransitionInput!) { postBookingService(input: $input) { bookingService { state } } }`, { input: { id: booking.id } });
    await api.data(`mutation($input: CreateBookingWorkOrderInput!) { createBookingWorkOrder(input: $input) { bookingService { state } } }`, {
      input: { id: booking.id, workOrderNumber: 'WO/SAM01/2611/00001' },
    });
    await eventually(async () => {
      const data = await api.data(REMINDERS, { id: booking.id });
      expect(data.activities.edges.map((e: any) => [e.node.rule.name, e.node.dueDate])).toEqual([['Thank-you call H+3 after service', '2026-11-29']]);
    });
  });
  it('refuses a reminder rule on an unknown date field through the gateway, writing nothing', async () => {
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const count = async () => (await db.query(`SELECT count(*)::int AS n FROM activities.reminder_rule`)).rows[0].n;
      const before = await count();
      const input = { name: 'Closing call', resourceType: 'Opportunity', dateField: 'closingDay', offsetDays: -1, activityTypeId: '01934d6e-0000-7000-8000-000000000002', summaryTemplate: 'Call {{name}}' };
      const create = `mutation($input: CreateReminderRuleInput!) { createReminderRule(input: $input) { reminderRule { id } } }`;
      const bad = await api.request(create, { input });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateField' });
      const unknownType = await api.request(create, { input: { ...input, resourceType: 'Invoice' } });
      expect(unknownType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceType' });
      expect(await count()).toBe(before);
    } finally {
      await db.end();
    }
  });
});
