import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { changeEventCount, createTestEnv, readTopic, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 000 through the gateway with an injected clock: a one-hour meeting with Bu Pepper Potts
 * scheduled from the "200 Office Chairs" opportunity; the card goes green → yellow → red as the
 * clock moves; the meeting activity is marked done with feedback; the chatter shows it and the
 * chained next activity is on the card.
 */
const TYPES = { email: '01934d6e-0000-7000-8000-000000000001', meeting: '01934d6e-0000-7000-8000-000000000003' };

const CARD = `query($id: ID!) { opportunity(id: $id) {
  name expectedRevenue customer { name }
  activityState activityColor
  nextActivity { id summary dueDate dueTime state type { name category }
    meeting { title durationMinutes attendees { kind name response contact { name email } } } }
} }`;

describe('e2e activities: seed 000 — meeting with Bu Pepper Potts from the opportunity', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const clock = new ManualClock('2026-11-23T01:00:00Z'); // Monday 08:00 in Jakarta
  const me = '01934d6e-0000-7000-8000-0000000005a1';
  let opportunityId: string;
  let pepperId: string;

  beforeAll(async () => {
    env = await createTestEnv('e2eactivities');
    stack = await startFullStack(env, clock);
    await stack.subgraph('activities').consumersReady();
    api = stack.client(await testToken({ id: me, role: 'admin', tz: 'Asia/Jakarta' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const contacts = await api.data(`mutation {
      avengers: createContact(input: { name: "PT Avengers Initiative", email: "procurement@avengers.co.id" }) { contact { id } }
      pepper: createContact(input: { name: "Pepper Potts", email: "pepper.potts@avengers.co.id" }) { contact { id } }
    }`);
    pepperId = contacts.pepper.contact.id;
    const created = await api.data(
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`,
      { input: { name: '200 Office Chairs', customerId: contacts.avengers.contact.id, expectedRevenue: '100000000', currency: 'IDR' } },
    );
    opportunityId = created.createOpportunity.opportunity.id;
    // The administrator's configuration: a done meeting triggers an e-mail two days later.
    await api.data(`mutation {
      e: updateActivityType(input: { id: "${TYPES.email}", delayCount: 2, delayUnit: DAYS, summary: "Send the quotation" }) { activityType { id } }
      m: updateActivityType(input: { id: "${TYPES.meeting}", chainingType: TRIGGER, triggeredNextTypeId: "${TYPES.email}" }) { activityType { id } }
    }`);
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('runs the scenario: schedule, green → yellow → red, done with feedback, chatter and the chained activity', async () => {
    const card = async () => (await api.data(CARD, { id: opportunityId })).opportunity;
    expect(await card()).toMatchObject({ name: '200 Office Chairs', activityState: 'NONE', activityColor: 'GREY', nextActivity: null });

    // "Schedule a meeting with Bu Pepper Potts" from the card: one hour, Wednesday 10:00 WIB.
    const scheduled = await api.data(
      `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) {
        meeting { id title start stop durationMinutes organizerId attendees { kind id name response } opportunity { name } }
        activity { id dueDate dueTime state type { name } }
        warnings { code } } }`,
      {
        input: {
          title: 'Meeting with Bu Pepper Potts: 200 Office Chairs',
          start: '2026-11-25T10:00:00+07:00',
          durationMinutes: 60,
          location: 'Avengers Headquarters',
          attendees: [{ kind: 'USER', id: me }, { kind: 'CONTACT', id: pepperId }],
          resourceType: 'Opportunity',
          resourceId: opportunityId,
        },
      },
    );
    const { meeting, activity, warnings } = scheduled.scheduleMeeting;
    expect(meeting).toMatchObject({
      start: '2026-11-25T03:00:00.000Z',
      stop: '2026-11-25T04:00:00.000Z',
      durationMinutes: 60,
      organizerId: me,
      opportunity: { name: '200 Office Chairs' },
      attendees: [
        { kind: 'USER', id: me, response: 'ACCEPTED' },
        { kind: 'CONTACT', id: pepperId, name: 'Pepper Potts', response: 'NEEDS_ACTION' },
      ],
    });
    expect(activity).toMatchObject({ dueDate: '2026-11-25', dueTime: '10:00', state: 'PLANNED', type: { name: 'Meeting' } });
    expect(warnings).toEqual([]);

    // Green on Monday, still green one second before midnight, yellow at midnight, red the day after.
    expect(await card()).toMatchObject({
      activityState: 'PLANNED',
      activityColor: 'GREEN',
      nextActivity: {
        id: activity.id,
        type: { name: 'Meeting', category: 'MEETING' },
        meeting: { durationMinutes: 60, attendees: [{ kind: 'USER' }, { kind: 'CONTACT', name: 'Pepper Potts', contact: { name: 'Pepper Potts', email: 'pepper.potts@avengers.co.id' } }] },
      },
    });
    clock.set('2026-11-24T16:59:59Z');
    expect(await card()).toMatchObject({ activityState: 'PLANNED', activityColor: 'GREEN' });
    clock.set('2026-11-24T17:00:00Z');
    expect(await card()).toMatchObject({ activityState: 'TODAY', activityColor: 'YELLOW' });
    clock.set('2026-11-25T16:59:59Z');
    expect(await card()).toMatchObject({ activityState: 'TODAY', activityColor: 'YELLOW' });
    clock.set('2026-11-25T17:00:00Z');
    expect(await card()).toMatchObject({ activityState: 'OVERDUE', activityColor: 'RED', nextActivity: { state: 'OVERDUE' } });
    const board = await api.data(`{ opportunities(first: 10) { edges { node { name activityColor } } } }`);
    expect(board.opportunities.edges.map((e: any) => e.node)).toEqual([{ name: '200 Office Chairs', activityColor: 'RED' }]);
    const mine = await api.data(`{ activities(filter: { states: [OVERDUE] }) { totalCount edges { node { id resourceName opportunity { name } } } } }`);
    expect(mine.activities.edges.map((e: any) => e.node)).toEqual([{ id: activity.id, resourceName: '200 Office Chairs', opportunity: { name: '200 Office Chairs' } }]);

    // Thursday: the meeting went well; mark it done with feedback.
    clock.set('2026-11-26T02:00:00Z');
    const done = await api.data(
      `mutation($input: MarkActivityDoneInput!) { markActivityDone(input: $input) {
        activity { status state feedback } message { id kind subject body }
        nextActivity { id summary dueDate state type { name } } } }`,
      { input: { id: activity.id, feedback: 'Bu Pepper confirmed the 200 chairs; send the quotation.' } },
    );
    expect(done.markActivityDone.activity).toEqual({ status: 'DONE', state: 'DONE', feedback: 'Bu Pepper confirmed the 200 chairs; send the quotation.' });
    const next = done.markActivityDone.nextActivity;
    expect(next).toMatchObject({ type: { name: 'Email' }, summary: 'Send the quotation', dueDate: '2026-11-28', state: 'PLANNED' });

    // The chatter has the done note (with the feedback) above the opportunity's creation entry.
    const chatter = await api.data(
      `query($id: ID!) { messages(resourceType: "Opportunity", resourceId: $id) { totalCount edges { node { id kind subject body activityType { name } } } } }`,
      { id: opportunityId },
    );
    const entries = chatter.messages.edges.map((e: any) => e.node);
    expect(entries[0]).toMatchObject({ id: done.markActivityDone.message.id, kind: 'NOTE', subject: 'Meeting done', activityType: { name: 'Meeting' } });
    expect(entries[0].body).toContain('Feedback: Bu Pepper confirmed the 200 chairs; send the quotation.');
    expect(entries.map((e: any) => e.body)).toContain('Opportunity created'); // written from the pipeline's event

    // The card now shows the chained e-mail: green again.
    expect(await card()).toMatchObject({ activityState: 'PLANNED', activityColor: 'GREEN', nextActivity: { id: next.id, summary: 'Send the quotation' } });

    // Everything was published: meeting created; activity scheduled, done, and the next scheduled; the note posted.
    const topic = (name: string) => `${env.topicPrefix}crm.activities.${name}`;
    const activityEvents = await readTopic(env.brokers, topic('activity'), (ms) => ms.some((m) => m.key === next.id) && ms.filter((m) => m.key === activity.id).length === 2);
    expect(activityEvents.filter((m) => m.key === activity.id).map((m) => m.headers['ce_type'])).toEqual([
      'crm.activities.activity.scheduled.v1',
      'crm.activities.activity.done.v1',
    ]);
    expect(JSON.parse(activityEvents.find((m) => m.key === next.id)!.value!).state).toMatchObject({ typeName: 'Email', previousActivityId: activity.id, dueDate: '2026-11-28' });
    const meetingEvents = await readTopic(env.brokers, topic('meeting'), (ms) => ms.some((m) => m.key === meeting.id));
    expect(JSON.parse(meetingEvents[0]!.value!).state).toMatchObject({ title: meeting.title, attendees: [{ kind: 'user', id: me }, { kind: 'contact', id: pepperId }] });
    await readTopic(env.brokers, topic('message'), (ms) => ms.some((m) => m.key === done.markActivityDone.message.id));
  });

  it('warns about an overlapping meeting of the same attendee in the payload', async () => {
    const result = await api.data(
      `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { id } warnings { code attendeeKind attendeeName message meeting { title } start stop } } }`,
      {
        input: {
          title: 'Follow-up call with Pepper',
          start: '2026-11-25T10:30:00+07:00',
          durationMinutes: 30,
          attendees: [{ kind: 'CONTACT', id: pepperId }],
        },
      },
    );
    const kinds = result.scheduleMeeting.warnings.map((w: any) => [w.code, w.attendeeKind, w.attendeeName]);
    expect(kinds).toEqual([
      ['OVERLAP', 'USER', null],
      ['OVERLAP', 'CONTACT', 'Pepper Potts'],
    ]);
    expect(result.scheduleMeeting.warnings[1].meeting.title).toBe('Meeting with Bu Pepper Potts: 200 Office Chairs');
    const calendar = await api.data(
      `query($id: ID!) { meetings(filter: { from: "2026-11-25T00:00:00+07:00", to: "2026-11-26T00:00:00+07:00", attendee: { kind: CONTACT, id: $id } }) { totalCount edges { node { title start } } } }`,
      { id: pepperId },
    );
    expect(calendar.meetings.edges.map((e: any) => e.node.title)).toEqual(['Meeting with Bu Pepper Potts: 200 Office Chairs', 'Follow-up call with Pepper']);
  });

  it('refuses bad input with typed errors and writes nothing', async () => {
    const counts = async () =>
      (await db.query(`SELECT (SELECT count(*) FROM activities.activity)::int AS a, (SELECT count(*) FROM activities.meeting)::int AS m,
        (SELECT count(*) FROM activities.message)::int AS g, ${changeEventCount('activities')} AS o`)).rows[0];
    const before = await counts();
    const meeting = (input: Record<string, unknown>) =>
      api.request(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { id } } }`, {
        input: { title: 'x', start: '2026-11-27T10:00:00+07:00', resourceType: 'Opportunity', resourceId: opportunityId, ...input },
      });
    const schedule = (input: Record<string, unknown>) =>
      api.request(`mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`, {
        input: { resourceType: 'Opportunity', resourceId: opportunityId, typeId: TYPES.email, dueDate: '2026-11-30', ...input },
      });
    const cases: [Promise<any>, string, string | undefined][] = [
      [meeting({ stop: '2026-11-27T09:00:00+07:00' }), 'BAD_USER_INPUT', 'stop'],
      [meeting({ durationMinutes: 30, attendees: [{ kind: 'USER', id: me }, { kind: 'CONTACT', id: '01934d6e-0000-7000-8000-00000000dead' }] }), 'BAD_USER_INPUT', 'attendees.1.id'],
      [schedule({ dueDate: null }), 'BAD_USER_INPUT', 'dueDate'],
      [schedule({ resourceType: 'Invoice' }), 'BAD_USER_INPUT', 'resourceType'],
      [schedule({ resourceId: '01934d6e-0000-7000-8000-00000000beef' }), 'BAD_USER_INPUT', 'resourceId'],
    ];
    for (const [request, code, field] of cases) {
      const result = await request;
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    const doneOnes = await api.data(`{ activities(filter: { states: [DONE] }) { edges { node { id } } } }`);
    const twice = await api.request(`mutation($id: ID!) { markActivityDone(input: { id: $id, feedback: "again" }) { activity { id } } }`, {
      id: doneOnes.activities.edges[0].node.id,
    });
    expect(twice.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await counts()).toEqual(before);
  });
});
