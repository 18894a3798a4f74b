import { Client } from 'pg';
import { ManualClock, uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { activitiesModule } from '../src/module';
import { EventPublisher, contactEvent, opportunityEvent, quotationEvent, userEvent } from './events';

process.env['ACTIVITIES_RESOURCE_WAIT_MS'] = '300';

const TYPES = { email: '01934d6e-0000-7000-8000-000000000001', call: '01934d6e-0000-7000-8000-000000000002', todo: '01934d6e-0000-7000-8000-000000000004' };
const TYPE_FIELDS = `id name icon category sequence active delayCount delayUnit delayFrom defaultDueDate defaultUserId defaultNote
  chainingType suggestedNextTypes { name } triggeredNextType { name } resourceTypes version`;
const CREATE_TYPE = `mutation($input: CreateActivityTypeInput!) { createActivityType(input: $input) { activityType { ${TYPE_FIELDS} } } }`;
const SCHEDULE = `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id dueDate assigneeId note summary type { name } } } }`;

/**
 * Activity types as configuration (Odoo's mail.activity.type): the shipped defaults, an
 * administrator's own type with its delay, default user and note, chaining and the record types
 * it is offered on; typed errors with nothing written. Also My Activities' type filter and
 * descending order, and the card fields on contacts and quotations.
 */
describe('activities subgraph: activity types, My Activities filters, contact and quotation cards', () => {
  let env: TestEnv;
  let stack: Stack;
  let db: Client;
  let events: EventPublisher;
  let api: GraphQLClient;
  const clock = new ManualClock('2026-11-23T01:00:00Z'); // Monday 08:00 in Jakarta
  const admin = { id: uuidv7(), tz: 'Asia/Jakarta' };
  const maria = { id: uuidv7(), name: 'Maria Hill' };
  const opportunity = uuidv7();
  const contact = uuidv7();
  const quotation = uuidv7();

  const typeCount = async () => (await db.query(`SELECT count(*)::int AS n, coalesce(sum(version), 0)::int AS v FROM activities.activity_type`)).rows[0];

  beforeAll(async () => {
    env = await createTestEnv('acttypes');
    stack = await startStack({ env, modules: [activitiesModule], clock });
    await stack.subgraph('activities').consumersReady();
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    api = stack.client(await testToken({ id: admin.id, role: 'admin', tz: admin.tz }));
    events = new EventPublisher(env);
    await events.publish(
      userEvent('created', { id: maria.id, name: maria.name, timeZone: 'Asia/Jakarta' }),
      contactEvent('created', { id: contact, name: 'Pepper Potts' }),
      opportunityEvent('created', { id: opportunity, name: '200 Office Chairs', customerId: contact, salespersonId: admin.id }),
      quotationEvent('created', { id: quotation, number: 'S00042', customerId: contact, opportunityId: opportunity, state: 'draft', version: 1, salespersonId: admin.id }),
    );
    await eventually(async () => {
      const { rows } = await db.query(`SELECT (SELECT count(*) FROM activities.resource)::int AS r, (SELECT count(*) FROM activities.user_profile)::int AS u`);
      expect(rows[0]).toEqual({ r: 3, u: 1 });
    });
  });

  afterAll(async () => {
    await events?.close();
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('ships Email, Call, Meeting, To-Do and Upload Document with their icons and categories, in order', async () => {
    const { activityTypes } = await api.data(`{ activityTypes { name icon category sequence active } }`);
    expect(activityTypes.slice(0, 5)).toEqual([
      { name: 'Email', icon: 'fa-envelope', category: 'DEFAULT', sequence: 1, active: true },
      { name: 'Call', icon: 'fa-phone', category: 'PHONE_CALL', sequence: 2, active: true },
      { name: 'Meeting', icon: 'fa-users', category: 'MEETING', sequence: 3, active: true },
      { name: 'To-Do', icon: 'fa-check', category: 'DEFAULT', sequence: 4, active: true },
      { name: 'Upload Document', icon: 'fa-upload', category: 'UPLOAD_DOCUMENT', sequence: 5, active: true },
    ]);
  });

  it('creates a type with a delay, default user and note, suggestions and record types; scheduling and done use them', async () => {
    const { createActivityType } = await api.data(CREATE_TYPE, {
      input: {
        name: 'Showroom visit',
        icon: 'fa-motorcycle',
        category: 'MEETING',
        delayCount: 2,
        delayUnit: 'WEEKS',
        delayFrom: 'AFTER_PREVIOUS_DEADLINE',
        defaultUserId: maria.id,
        defaultNote: 'Bring the brochure and the price list',
        chainingType: 'SUGGEST',
        suggestedNextTypeIds: [TYPES.email, TYPES.call],
        resourceTypes: ['Opportunity'],
      },
    });
    const type = createActivityType.activityType;
    expect(type).toMatchObject({
      name: 'Showroom visit', icon: 'fa-motorcycle', category: 'MEETING', active: true, delayCount: 2, delayUnit: 'WEEKS', delayFrom: 'AFTER_PREVIOUS_DEADLINE',
      defaultDueDate: '2026-12-07', defaultUserId: maria.id, defaultNote: 'Bring the brochure and the price list', chainingType: 'SUGGEST',
      suggestedNextTypes: [{ name: 'Email' }, { name: 'Call' }], triggeredNextType: null, resourceTypes: ['Opportunity'], version: 1,
    });

    // No assignee or note given: the type's default user and note.
    const { scheduleActivity } = await api.data(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: type.id, dueDate: '2026-11-25' } });
    expect(scheduleActivity.activity).toMatchObject({ assigneeId: maria.id, note: 'Bring the brochure and the price list', type: { name: 'Showroom visit' } });
    // Offered on opportunities only.
    const onContact = await api.request(SCHEDULE, { input: { resourceType: 'Contact', resourceId: contact, typeId: type.id, dueDate: '2026-11-25' } });
    expect(onContact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'typeId' });

    // Marking a Call done suggests the Call type's next types; a type following this one would be due
    // two weeks after its deadline: make it the Call's triggered next type and check the date.
    await api.data(`mutation { updateActivityType(input: { id: "${TYPES.call}", chainingType: TRIGGER, triggeredNextTypeId: "${type.id}" }) { activityType { id } } }`);
    const call = await api.data(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: TYPES.call, dueDate: '2026-11-24' } });
    clock.set('2026-11-26T03:00:00Z'); // done two days late
    const done = await api.data(`mutation($input: MarkActivityDoneInput!) { markActivityDone(input: $input) { nextActivity { dueDate assigneeId note type { name } } } }`, {
      input: { id: call.scheduleActivity.activity.id, feedback: 'Wants to see the bike' },
    });
    expect(done.markActivityDone.nextActivity).toEqual({ dueDate: '2026-12-08', assigneeId: maria.id, note: 'Bring the brochure and the price list', type: { name: 'Showroom visit' } });
    await api.data(`mutation { updateActivityType(input: { id: "${TYPES.call}", chainingType: SUGGEST }) { activityType { id } } }`);
    clock.set('2026-11-23T01:00:00Z');
  });

  it.each([
    [{ name: '  ' }, 'name'],
    [{ name: 'Email' }, 'name'],
    [{ delayCount: -1 }, 'delayCount'],
    [{ defaultUserId: '01934d6e-0000-7000-8000-00000000cafe' }, 'defaultUserId'],
    [{ suggestedNextTypeIds: [TYPES.email, '01934d6e-0000-7000-8000-00000000beef'] }, 'suggestedNextTypeIds.1'],
    [{ chainingType: 'TRIGGER' }, 'triggeredNextTypeId'],
    [{ resourceTypes: ['Opportunity', 'Invoice'] }, 'resourceTypes.1'],
  ])('refuses %j with BAD_USER_INPUT on %s and writes nothing', async (patch, field) => {
    const before = await typeCount();
    const result = await api.request(CREATE_TYPE, { input: { name: 'Test drive', ...patch } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await typeCount()).toEqual(before);
  });

  it('lets only administrators configure types, and answers CONFLICT to a stale version', async () => {
    const before = await typeCount();
    const asUser = stack.client(await testToken({ role: 'user_all' }));
    expect((await asUser.request(CREATE_TYPE, { input: { name: 'Test drive' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stale = await api.request(`mutation { updateActivityType(input: { id: "${TYPES.todo}", expectedVersion: 99, name: "Task" }) { activityType { id } } }`);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(await typeCount()).toEqual(before);
  });

  it('filters My Activities by type and orders them by due date descending', async () => {
    await api.data(`mutation {
      a: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${opportunity}", typeId: "${TYPES.email}", dueDate: "2026-11-27" }) { activity { id } }
      b: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${opportunity}", typeId: "${TYPES.email}", dueDate: "2026-11-30" }) { activity { id } }
      c: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${opportunity}", typeId: "${TYPES.todo}", dueDate: "2026-11-28" }) { activity { id } }
    }`);
    const emails = await api.data(`{ activities(filter: { typeIds: ["${TYPES.email}"] }, orderBy: DUE_DATE_DESC) { totalCount edges { node { dueDate type { name } } } } }`);
    expect(emails.activities.edges.map((e: any) => [e.node.type.name, e.node.dueDate])).toEqual([['Email', '2026-11-30'], ['Email', '2026-11-27']]);
    const all = await api.data(`{ activities(orderBy: DUE_DATE_DESC, first: 100) { edges { node { dueDate } } } }`);
    const dates = all.activities.edges.map((e: any) => e.node.dueDate);
    expect(dates).toEqual([...dates].sort().reverse());
    const bad = await api.request(`{ activities(filter: { typeIds: ["nope"] }) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.typeIds.0' });
  });

  it('shows the card state on contacts and quotations too (red, yellow), with the next activity', async () => {
    await api.data(`mutation {
      c: scheduleActivity(input: { resourceType: "Contact", resourceId: "${contact}", typeId: "${TYPES.call}", dueDate: "2026-11-23" }) { activity { id } }
      q: scheduleActivity(input: { resourceType: "Quotation", resourceId: "${quotation}", typeId: "${TYPES.email}", dueDate: "2026-11-20", summary: "Chase the signature" }) { activity { id } }
    }`);
    const cards = await api.data(`query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Contact { activityState activityColor nextActivity { type { name } } }
      ... on Quotation { activityState activityColor nextActivity { summary } activities { dueDate } } } }`, {
      r: [{ __typename: 'Contact', id: contact }, { __typename: 'Quotation', id: quotation }],
    });
    expect(cards._entities).toEqual([
      { activityState: 'TODAY', activityColor: 'YELLOW', nextActivity: { type: { name: 'Call' } } },
      { activityState: 'OVERDUE', activityColor: 'RED', nextActivity: { summary: 'Chase the signature' }, activities: [{ dueDate: '2026-11-20' }] },
    ]);
  });
});
