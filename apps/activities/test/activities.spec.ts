import { Client } from 'pg';
import { queryCount } from '@crm/db';
import { ManualClock, uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { activitiesModule } from '../src/module';
import { EventPublisher, contactEvent, opportunityEvent, userEvent } from './events';

process.env['ACTIVITIES_RESOURCE_WAIT_MS'] = '300';

const TYPES = { email: '01934d6e-0000-7000-8000-000000000001', call: '01934d6e-0000-7000-8000-000000000002', meeting: '01934d6e-0000-7000-8000-000000000003', todo: '01934d6e-0000-7000-8000-000000000004' };
const ACTIVITY = `id status state daysLeft timeZone dueDate dueTime summary note assigneeId assigneeName resourceType resourceId resourceName version type { id name }`;
const SCHEDULE = `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { ${ACTIVITY} } } }`;
const DONE = `mutation($input: MarkActivityDoneInput!) { markActivityDone(input: $input) {
  activity { ${ACTIVITY} feedback doneAt } message { kind subject body authorId activityType { name } }
  nextActivity { ${ACTIVITY} } suggestedNext { type { name } dueDate } } }`;

describe('activities subgraph: scheduling, due states, done and chaining (real Postgres + Kafka)', () => {
  let env: TestEnv;
  let stack: Stack;
  let db: Client;
  let events: EventPublisher;
  const clock = new ManualClock('2026-11-23T01:00:00Z'); // Monday 08:00 in Jakarta
  const admin = { id: uuidv7(), tz: 'Asia/Jakarta' };
  const nyUser = { id: uuidv7(), name: 'Natasha Romanoff', tz: 'America/New_York' };
  const ownUser = { id: uuidv7(), name: 'Happy Hogan', tz: 'Asia/Jakarta' };
  const opportunity = uuidv7();
  const other = uuidv7();
  const pepper = uuidv7();
  let api: GraphQLClient;

  const counts = async () =>
    (await db.query(`SELECT (SELECT count(*) FROM activities.activity)::int AS activities, (SELECT count(*) FROM activities.message)::int AS messages,
      (SELECT count(*) FROM activities.outbox)::int AS events`)).rows[0];

  beforeAll(async () => {
    env = await createTestEnv('activities');
    stack = await startStack({ env, modules: [activitiesModule], clock });
    await stack.subgraph('activities').consumersReady();
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    api = stack.client(await testToken({ id: admin.id, tz: admin.tz }));
    events = new EventPublisher(env);
    await events.publish(
      userEvent('created', { id: nyUser.id, name: nyUser.name, timeZone: nyUser.tz, role: 'user_all' }),
      userEvent('created', { id: ownUser.id, name: ownUser.name, timeZone: ownUser.tz }),
      contactEvent('created', { id: pepper, name: 'Pepper Potts' }),
      // At the test clock's time: its chatter entry must be older than the notes written at clock times.
      opportunityEvent('created', { id: opportunity, name: '200 Office Chairs', customerId: pepper, salespersonId: ownUser.id, expectedRevenue: '100000000.00' }, { at: clock.now() }),
      opportunityEvent('created', { id: other, name: 'Service contract 2027', salespersonId: nyUser.id }),
    );
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM activities.resource`);
      expect(rows[0].n).toBe(3);
      const users = await db.query(`SELECT count(*)::int AS n FROM activities.user_profile`);
      expect(users.rows[0].n).toBe(2);
    });
  });

  beforeEach(() => clock.set('2026-11-23T01:00:00Z'));

  afterAll(async () => {
    await events?.close();
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('schedules an activity on a known opportunity and publishes its full state', async () => {
    const { scheduleActivity } = await api.data(SCHEDULE, {
      input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: TYPES.call, summary: 'Call Bu Pepper about the chairs', dueDate: '2026-11-25' },
    });
    const a = scheduleActivity.activity;
    expect(a).toMatchObject({ status: 'OPEN', state: 'PLANNED', daysLeft: 2, timeZone: 'Asia/Jakarta', assigneeId: admin.id, resourceName: '200 Office Chairs', type: { name: 'Call' }, version: 1 });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) => ms.some((m) => m.key === a.id));
    const message = messages.find((m) => m.key === a.id)!;
    expect(message.headers['ce_type']).toBe('crm.activities.activity.scheduled.v1');
    expect(JSON.parse(message.value!).state).toMatchObject({
      id: a.id, typeId: TYPES.call, typeName: 'Call', category: 'PHONE_CALL', resourceType: 'Opportunity', resourceId: opportunity,
      dueDate: '2026-11-25', status: 'open', assigneeId: admin.id, recordOwnerId: ownUser.id, version: 1,
    });
  });

  it('computes the state in the assignee’s time zone (from crm.contacts.user), across midnight', async () => {
    const { scheduleActivity } = await api.data(SCHEDULE, {
      input: { resourceType: 'Opportunity', resourceId: other, typeId: TYPES.email, dueDate: '2026-11-23', assigneeId: nyUser.id },
    });
    // Monday 01:00 UTC is Sunday 20:00 in New York: due Monday is still planned there, today in Jakarta.
    expect(scheduleActivity.activity).toMatchObject({ state: 'PLANNED', daysLeft: 1, timeZone: 'America/New_York', assigneeName: nyUser.name });
    const asNy = stack.client(await testToken({ id: nyUser.id, role: 'user_all', tz: nyUser.tz }));
    const mine = await asNy.data(`{ activities(filter: { states: [PLANNED] }) { totalCount edges { node { id state } } } }`);
    expect(mine.activities.edges.map((e: any) => e.node.id)).toEqual([scheduleActivity.activity.id]);
    clock.set('2026-11-23T05:00:00Z'); // midnight in New York
    const later = await asNy.data(`{ activities(filter: { states: [TODAY] }) { totalCount edges { node { id state daysLeft } } } }`);
    expect(later.activities.edges.map((e: any) => e.node)).toEqual([{ id: scheduleActivity.activity.id, state: 'TODAY', daysLeft: 0 }]);
    clock.set('2026-11-23T01:00:00Z');
  });

  it.each([
    [{ dueDate: null }, 'dueDate', 'BAD_USER_INPUT'],
    [{ resourceType: 'Spaceship' }, 'resourceType', 'BAD_USER_INPUT'],
    [{ resourceId: 'not-a-uuid' }, 'resourceId', 'BAD_USER_INPUT'],
    [{ resourceId: '01934d6e-0000-7000-8000-00000000dead' }, 'resourceId', 'BAD_USER_INPUT'],
    [{ typeId: '01934d6e-0000-7000-8000-00000000beef' }, 'typeId', 'BAD_USER_INPUT'],
    [{ assigneeId: '01934d6e-0000-7000-8000-00000000cafe' }, 'assigneeId', 'BAD_USER_INPUT'],
    [{ dueTime: '8 o’clock' }, 'dueTime', 'BAD_USER_INPUT'],
  ])('rejects %j (%s) with a typed error and writes nothing', async (patch, field, code) => {
    const before = await counts();
    const result = await api.request(SCHEDULE, {
      input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: TYPES.todo, dueDate: '2026-11-30', ...patch },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await counts()).toEqual(before);
  });

  it('marks done with feedback: a chatter note, the triggered next activity; done twice is refused', async () => {
    // An administrator makes Meeting trigger an Email two days after completion.
    const config = await api.data(
      `mutation($input: UpdateActivityTypeInput!) { updateActivityType(input: $input) { activityType { name chainingType triggeredNextType { name } delayCount } } }`,
      { input: { id: TYPES.email, delayCount: 2, delayUnit: 'DAYS', delayFrom: 'AFTER_COMPLETION' } },
    );
    expect(config.updateActivityType.activityType.delayCount).toBe(2);
    await api.data(`mutation($input: UpdateActivityTypeInput!) { updateActivityType(input: $input) { activityType { id } } }`, {
      input: { id: TYPES.meeting, chainingType: 'TRIGGER', triggeredNextTypeId: TYPES.email },
    });
    const { scheduleActivity } = await api.data(SCHEDULE, {
      input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: TYPES.meeting, summary: 'Meet Bu Pepper', dueDate: '2026-11-24' },
    });
    clock.set('2026-11-25T03:00:00Z'); // done a day late, Wednesday
    const done = await api.data(DONE, { input: { id: scheduleActivity.activity.id, feedback: 'She confirmed 200 chairs; send the quotation', expectedVersion: 1 } });
    const result = done.markActivityDone;
    expect(result.activity).toMatchObject({ status: 'DONE', state: 'DONE', daysLeft: null, feedback: 'She confirmed 200 chairs; send the quotation', version: 2 });
    expect(result.message).toMatchObject({ kind: 'NOTE', subject: 'Meeting done', authorId: admin.id, activityType: { name: 'Meeting' } });
    expect(result.message.body).toContain('Feedback: She confirmed 200 chairs');
    expect(result.nextActivity).toMatchObject({ type: { name: 'Email' }, dueDate: '2026-11-27', state: 'PLANNED', assigneeId: admin.id, resourceId: opportunity });
    expect(result.suggestedNext).toEqual([]);

    const before = await counts();
    const again = await api.request(DONE, { input: { id: scheduleActivity.activity.id, feedback: 'again' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await counts()).toEqual(before);
    const stale = await api.request(`mutation($input: CancelActivityInput!) { cancelActivity(input: $input) { activity { id } } }`, {
      input: { id: result.nextActivity.id, expectedVersion: 7 },
    });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion', actualVersion: 1 });

    const chatter = await api.data(`query($id: ID!) { messages(resourceType: "Opportunity", resourceId: $id) { edges { node { kind subject body activity { id status } } } } }`, { id: opportunity });
    expect(chatter.messages.edges[0].node).toMatchObject({ kind: 'NOTE', subject: 'Meeting done', activity: { id: scheduleActivity.activity.id, status: 'DONE' } });
    const all = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) =>
      ms.some((m) => m.key === result.nextActivity.id) && ms.filter((m) => m.key === scheduleActivity.activity.id).length === 2,
    );
    expect(all.filter((m) => m.key === scheduleActivity.activity.id).map((m) => m.headers['ce_type'])).toEqual([
      'crm.activities.activity.scheduled.v1',
      'crm.activities.activity.done.v1',
    ]);
  });

  it('suggests the next types when the type only suggests, and schedules the chosen one', async () => {
    const { scheduleActivity } = await api.data(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: opportunity, typeId: TYPES.call, dueDate: '2026-11-23' } });
    const done = await api.data(DONE, {
      input: { id: scheduleActivity.activity.id, feedback: 'No answer', next: { typeId: TYPES.todo, summary: 'Try again', dueDate: '2026-11-24' } },
    });
    expect(done.markActivityDone.suggestedNext.map((s: any) => s.type.name)).toEqual(['Email', 'Meeting']);
    expect(done.markActivityDone.nextActivity).toMatchObject({ type: { name: 'To-Do' }, summary: 'Try again', dueDate: '2026-11-24' });
  });

  it('cancels, reschedules and snoozes, publishing rescheduled with what changed', async () => {
    const { scheduleActivity } = await api.data(SCHEDULE, { input: { resourceType: 'Contact', resourceId: pepper, typeId: TYPES.todo, dueDate: '2026-11-20' } });
    const id = scheduleActivity.activity.id;
    expect(scheduleActivity.activity.state).toBe('OVERDUE');
    const snoozed = await api.data(`mutation { snoozeActivity(input: { id: "${id}", days: 3 }) { activity { dueDate state version } } }`);
    expect(snoozed.snoozeActivity.activity).toEqual({ dueDate: '2026-11-26', state: 'PLANNED', version: 2 });
    const moved = await api.data(`mutation { rescheduleActivity(input: { id: "${id}", dueDate: "2026-11-23", dueTime: "14:30", assigneeId: "${nyUser.id}" }) { activity { dueDate dueTime state assigneeId timeZone } } }`);
    expect(moved.rescheduleActivity.activity).toMatchObject({ dueDate: '2026-11-23', dueTime: '14:30', assigneeId: nyUser.id, timeZone: 'America/New_York', state: 'PLANNED' });
    const cancelled = await api.data(`mutation { cancelActivity(input: { id: "${id}", reason: "not needed" }) { activity { status state cancelReason } } }`);
    expect(cancelled.cancelActivity.activity).toEqual({ status: 'CANCELLED', state: 'CANCELLED', cancelReason: 'not needed' });
    const all = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) => ms.filter((m) => m.key === id).length === 4);
    const mine = all.filter((m) => m.key === id);
    expect(mine.map((m) => m.headers['ce_type'].split('.')[3])).toEqual(['scheduled', 'rescheduled', 'rescheduled', 'cancelled']);
    expect(JSON.parse(mine[2]!.value!).changes).toEqual({
      dueDate: { from: '2026-11-26', to: '2026-11-23' },
      dueTime: { from: null, to: '14:30' },
      assigneeId: { from: admin.id, to: nyUser.id },
    });
  });

  it('resolves activities, nextActivity and activityState for many records with one SQL query', async () => {
    const ids = Array.from({ length: 60 }, () => uuidv7());
    await events.publish(...ids.map((id, i) => opportunityEvent('created', { id, name: `Deal ${i}` })));
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM activities.resource WHERE resource_id = ANY($1)`, [ids]);
      expect(rows[0].n).toBe(60);
    });
    await api.data(`mutation { ${ids.slice(0, 20).map((id, i) => `a${i}: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${id}", typeId: "${TYPES.call}", dueDate: "${i % 2 ? '2026-11-22' : '2026-11-23'}" }) { activity { id } }`).join('\n')} }`);
    const representations = ids.map((id) => ({ __typename: 'Opportunity', id }));
    const dataSource = stack.subgraph('activities').deps.dataSource;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { id activityState activityColor nextActivity { dueDate state } activities { id } } } }`;
    let delta = Infinity;
    let result: any;
    // The counter sees every statement of the DataSource, the relay's and consumers' too: measure
    // until one request ran alone (the relay polls once a second).
    for (let attempt = 0; attempt < 10 && delta !== 1; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const before = queryCount(dataSource);
      result = await api.data(query, { r: representations });
      delta = Math.min(delta, queryCount(dataSource) - before);
    }
    expect(delta).toBe(1);
    const cards = result._entities;
    expect(cards.slice(0, 4).map((c: any) => c.activityColor)).toEqual(['YELLOW', 'RED', 'YELLOW', 'RED']);
    expect(cards[59]).toEqual({ id: ids[59], activityState: 'NONE', activityColor: 'GREY', nextActivity: null, activities: [] });
  });

  it('shows own-documents users their own activities and those on their records only', async () => {
    const asOwn = stack.client(await testToken({ id: ownUser.id, role: 'user_own', tz: ownUser.tz }));
    const everyone = await asOwn.data(`{ activities(filter: { allAssignees: true, states: [OVERDUE, TODAY, PLANNED, DONE] }, first: 100) { totalCount edges { node { resourceId } } } }`);
    const records = new Set(everyone.activities.edges.map((e: any) => e.node.resourceId));
    expect([...records]).toEqual([opportunity]); // ownUser is the salesperson of `opportunity` only
    const foreign = await asOwn.data(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { activities { id } } } }`, {
      r: [{ __typename: 'Opportunity', id: other }],
    });
    expect(foreign._entities[0].activities).toEqual([]);
    // A record they may not see is answered as an unknown one (a FORBIDDEN would reveal that it exists).
    const hidden = await asOwn.request(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: other, typeId: TYPES.call, dueDate: '2026-11-30' } });
    const unknown = await asOwn.request(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: uuidv7(), typeId: TYPES.call, dueDate: '2026-11-30' } });
    expect(hidden.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceId' });
    expect(hidden.errors?.[0]?.message.replace(other, 'ID')).toBe(unknown.errors?.[0]?.message.replace(/[0-9a-f-]{36}/, 'ID'));
    const post = await asOwn.request(`mutation { postMessage(input: { resourceType: "Opportunity", resourceId: "${other}", body: "hi" }) { message { id } } }`);
    expect(post.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceId' });
    const chatter = await asOwn.data(`{ messages(resourceType: "Opportunity", resourceId: "${other}") { totalCount edges { node { id } } } }`);
    expect(chatter.messages).toEqual({ totalCount: 0, edges: [] });
  });

  it('keeps an activity inside its record’s branch: no assignee from another branch, and an assignee sees it only there', async () => {
    const samAgent = { id: uuidv7(), name: 'Ayu Lestari' };
    const manAgent = { id: uuidv7(), name: 'Maria Lumenta' };
    const deal = uuidv7();
    await events.publish(
      userEvent('created', { id: samAgent.id, name: samAgent.name, timeZone: 'Asia/Makassar', branchIds: ['SAM01'] }),
      userEvent('created', { id: manAgent.id, name: manAgent.name, timeZone: 'Asia/Makassar', branchIds: ['MAN01'] }),
      opportunityEvent('created', { id: deal, name: 'KPB 3 reminder', salespersonId: nyUser.id, branchId: 'SAM01' }),
    );
    await eventually(async () => {
      const { rows } = await db.query(`SELECT (SELECT count(*) FROM activities.resource WHERE resource_id = $1)::int AS r, (SELECT count(*) FROM activities.user_profile WHERE id = ANY($2::uuid[]))::int AS u`, [deal, [samAgent.id, manAgent.id]]);
      expect(rows[0]).toEqual({ r: 1, u: 2 });
    });
    const before = await counts();
    const foreign = await api.request(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: deal, typeId: TYPES.call, dueDate: '2026-11-30', assigneeId: manAgent.id } });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });
    expect(await counts()).toEqual(before);
    const given = await api.data(SCHEDULE, { input: { resourceType: 'Opportunity', resourceId: deal, typeId: TYPES.call, dueDate: '2026-11-30', assigneeId: samAgent.id } });
    const id = given.scheduleActivity.activity.id;
    const moved = await api.request(`mutation { rescheduleActivity(input: { id: "${id}", assigneeId: "${manAgent.id}" }) { activity { id } } }`);
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });

    // Ayu (user_own in SAM01) is not the deal's salesperson, but sees the activity she is given.
    const ayu = stack.client(await testToken({ id: samAgent.id, role: 'user_own', branchIds: ['SAM01'] }));
    const mine = `{ activities(first: 10) { totalCount edges { node { id } } } activity(id: "${id}") { id } }`;
    expect(await ayu.data(mine)).toEqual({ activities: { totalCount: 1, edges: [{ node: { id } }] }, activity: { id } });
    // The deal moves to Manado: the activity follows it out of her branch, and out of her sight.
    await events.publish(opportunityEvent('updated', { id: deal, name: 'KPB 3 reminder', salespersonId: nyUser.id, branchId: 'MAN01', version: 2 }));
    await eventually(async () => expect(await ayu.data(mine)).toEqual({ activities: { totalCount: 0, edges: [] }, activity: null }));
  });

  it('lists My Activities by due date with keyset pages and filters', async () => {
    const page1 = await api.data(`{ activities(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { dueDate id } } } }`);
    expect(page1.activities.pageInfo.hasNextPage).toBe(true);
    const page2 = await api.data(`query($after: String) { activities(first: 100, after: $after) { edges { node { dueDate id } } } }`, { after: page1.activities.pageInfo.endCursor });
    const all = [...page1.activities.edges, ...page2.activities.edges].map((e: any) => e.node);
    expect(all).toHaveLength(page1.activities.totalCount);
    const sorted = [...all].sort((a, b) => (a.dueDate === b.dueDate ? (a.id < b.id ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1));
    expect(all).toEqual(sorted);
    const overdue = await api.data(`{ activities(filter: { states: [OVERDUE], resourceType: "Opportunity", dueFrom: "2026-11-01", dueTo: "2026-11-22" }, first: 100) { totalCount edges { node { state dueDate } } } }`);
    expect(overdue.activities.totalCount).toBe(10);
    expect(new Set(overdue.activities.edges.map((e: any) => e.node.state))).toEqual(new Set(['OVERDUE']));
    const tooMany = await api.request(`{ activities(first: 101) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
