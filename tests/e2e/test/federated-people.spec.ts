import { queryCount } from '@crm/db';
import { createTestEnv, eventually, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * People across subgraphs: every user reference (Contact.salesperson, Opportunity.salesperson,
 * SalesTeam.leader/members, Quotation.salesperson, BookingService.salesperson,
 * Activity.assignee, Meeting.organizer, MeetingAttendee.user) is a `User` stub resolved by the
 * contacts subgraph's batched User entity — the *Id fields stay. A kanban board of many cards
 * costs the contacts subgraph one SQL query for all their salespeople.
 */
describe('e2e: users resolved across subgraphs (federated people)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const people: Record<string, string> = {};
  let teamId: string;

  beforeAll(async () => {
    env = await createTestEnv('people');
    stack = await startFullStack(env);
    admin = stack.client(await testToken({ role: 'admin' }));
    for (const name of ['Budi Santoso', 'Rina Wijaya', 'Hendra Gunawan']) {
      const created = await admin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: { login: `${name.split(' ')[0]!.toLowerCase()}@daya.test`, name, role: 'USER_OWN' },
      });
      people[name] = created.createUser.user.id;
    }
    const team = await admin.data(`mutation($input: CreateSalesTeamInput!) { createSalesTeam(input: $input) { salesTeam { id } } }`, {
      input: { name: 'Direct Sales', leaderId: people['Hendra Gunawan'], memberIds: [people['Budi Santoso'], people['Rina Wijaya']] },
    });
    teamId = team.createSalesTeam.salesTeam.id;
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('shows each board card’s salesperson by name, with one users query per board request', async () => {
    const names = Object.keys(people);
    for (let i = 0; i < 30; i += 1) {
      await admin.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
        input: { name: `Deal ${i}`, teamId, salespersonId: people[names[i % 3]!], expectedRevenue: String((i + 1) * 1_000_000) },
      });
    }
    const BOARD = `query($t: ID!) { pipelineBoard(teamId: $t, cardsPerColumn: 40) {
      columns { cards { edges { node { name salespersonId salesperson { id name } } } } } } }`;
    const contacts = stack.subgraph('contacts').deps.dataSource;
    let queries = Infinity;
    let board: any;
    // The counter sees every statement of the contacts DataSource (its relay and consumers too):
    // measure until one request ran alone.
    for (let attempt = 0; attempt < 10 && queries !== 1; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const before = queryCount(contacts);
      board = (await admin.data(BOARD, { t: teamId })).pipelineBoard;
      queries = Math.min(queries, queryCount(contacts) - before);
    }
    const cards = board.columns.flatMap((c: any) => c.cards.edges.map((e: any) => e.node));
    expect(cards).toHaveLength(30);
    for (const card of cards) {
      expect(card.salesperson).toEqual({ id: card.salespersonId, name: names[Number(card.name.split(' ')[1]) % 3] });
    }
    // The salespeople of 30 cards (3 people): one batched query of the users.
    expect(queries).toBe(1);
    const team = await admin.data(`query($t: ID!) { salesTeam(id: $t) { name leader { name } members { name } } }`, { t: teamId });
    expect(team.salesTeam).toEqual({ name: 'Direct Sales', leader: { name: 'Hendra Gunawan' }, members: [{ name: 'Budi Santoso' }, { name: 'Rina Wijaya' }] });
  });

  it('names the people of contacts, quotations, bookings, activities and meetings', async () => {
    const budi = people['Budi Santoso']!;
    const rina = people['Rina Wijaya']!;
    const contact = await admin.data(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id salespersonId salesperson { name } } } }`, {
      input: { name: 'PT Avengers Initiative', salespersonId: budi },
    });
    expect(contact.createContact.contact).toMatchObject({ salespersonId: budi, salesperson: { name: 'Budi Santoso' } });
    const customerId = contact.createContact.contact.id;
    const opportunity = (
      await admin.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id salesperson { name } } } }`, {
        input: { name: '200 Office Chairs', teamId, customerId, salespersonId: rina, expectedRevenue: '100000000' },
      })
    ).createOpportunity.opportunity;
    expect(opportunity.salesperson).toEqual({ name: 'Rina Wijaya' });

    const quotation = await eventually(() =>
      admin.data(`mutation($input: CreateQuotationInput!) { createQuotation(input: $input) { quotation { salespersonId salesperson { name } } } }`, {
        input: { opportunityId: opportunity.id, customerId, lines: [{ description: 'Office Chair', quantity: '200', unitPrice: '500000' }] },
      }),
    );
    expect(quotation.createQuotation.quotation).toEqual({ salespersonId: rina, salesperson: { name: 'Rina Wijaya' } });

    const activity = await eventually(() =>
      admin.data(`mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { assigneeId assignee { name } } } }`, {
        input: { resourceType: 'Opportunity', resourceId: opportunity.id, typeId: '01934d6e-0000-7000-8000-000000000002', dueDate: '2030-01-15', assigneeId: rina },
      }),
    );
    expect(activity.scheduleActivity.activity).toEqual({ assigneeId: rina, assignee: { name: 'Rina Wijaya' } });

    const meeting = await admin.data(
      `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { organizerId organizer { name } attendees { kind user { name } contact { name } } } } }`,
      {
        input: {
          title: 'Chairs: delivery plan',
          start: '2030-01-16T03:00:00Z',
          durationMinutes: 60,
          organizerId: budi,
          attendees: [{ kind: 'USER', id: budi }, { kind: 'USER', id: rina }, { kind: 'CONTACT', id: customerId }],
          resourceType: 'Opportunity',
          resourceId: opportunity.id,
        },
      },
    );
    expect(meeting.scheduleMeeting.meeting).toMatchObject({ organizerId: budi, organizer: { name: 'Budi Santoso' } });
    expect(meeting.scheduleMeeting.meeting.attendees).toEqual(
      expect.arrayContaining([
        { kind: 'USER', user: { name: 'Budi Santoso' }, contact: null },
        { kind: 'USER', user: { name: 'Rina Wijaya' }, contact: null },
        { kind: 'CONTACT', user: null, contact: { name: 'PT Avengers Initiative' } },
      ]),
    );

    // A won opportunity's booking: its salesperson is the opportunity's.
    await admin.data(`mutation { createBranch(input: { id: "MAN01", name: "MANADO", countryCode: "ID", timeZone: "Asia/Makassar", workshopOpensAt: "08:00", workshopClosesAt: "16:00" }) { branch { id } } }`);
    const kpb = (
      await admin.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
        input: { name: 'KPB 1 — Honda Beat', teamId, customerId, salespersonId: budi, branchId: 'MAN01' },
      })
    ).createOpportunity.opportunity.id;
    await admin.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { id } } }`, { id: kpb });
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date(Date.now() + 86_400_000));
    const booking = await eventually(() =>
      admin.data(`mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { salespersonId salesperson { name } } } }`, {
        input: { opportunityId: kpb, bookingDate: tomorrow, serviceHour: 10, serviceType: 'KPB1' },
      }),
    );
    expect(booking.createBookingService.bookingService).toEqual({ salespersonId: budi, salesperson: { name: 'Budi Santoso' } });
  });
});
