import { ManualClock, uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { activitiesModule } from '../src/module';
import { EventPublisher, contactEvent, opportunityEvent, userEvent } from './events';

process.env['ACTIVITIES_RESOURCE_WAIT_MS'] = '300';

const MEETING = `id title start stop allDay durationMinutes status version location organizerId
  attendees { kind id name response } activity { id dueDate dueTime status summary }`;

describe('activities subgraph: meetings (calendar events)', () => {
  let env: TestEnv;
  let stack: Stack;
  let events: EventPublisher;
  let api: GraphQLClient;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const me = uuidv7();
  const colleague = { id: uuidv7(), name: 'Maria Hill' };
  const pepper = uuidv7();
  const opportunity = uuidv7();

  beforeAll(async () => {
    env = await createTestEnv('actmeetings');
    stack = await startStack({ env, modules: [activitiesModule], clock });
    await stack.subgraph('activities').consumersReady();
    api = stack.client(await testToken({ id: me, role: 'admin', tz: 'Asia/Jakarta' }));
    events = new EventPublisher(env);
    await events.publish(
      userEvent('created', { id: colleague.id, name: colleague.name, timeZone: 'Asia/Jakarta' }),
      contactEvent('created', { id: pepper, name: 'Pepper Potts' }),
      opportunityEvent('created', { id: opportunity, name: '200 Office Chairs' }),
    );
    await eventually(async () => {
      const r = await api.data(`query($id: ID!) { _entities(representations: [{ __typename: "Opportunity", id: $id }]) { ... on Opportunity { activityState } } }`, { id: opportunity });
      expect(r._entities[0].activityState).toBe('NONE');
    });
  });

  afterAll(async () => {
    await events?.close();
    await stack?.stop();
    await env?.cleanup();
  });

  it('moves the linked Meeting activity with the meeting, asks attendees again, and cancels both together', async () => {
    const created = await api.data(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { ${MEETING} } warnings { code } } }`, {
      input: {
        title: 'Chairs review',
        start: '2026-11-24T09:00:00+07:00',
        stop: '2026-11-24T10:30:00+07:00',
        attendees: [{ kind: 'CONTACT', id: pepper }, { kind: 'USER', id: colleague.id }],
        resourceType: 'Opportunity',
        resourceId: opportunity,
      },
    });
    const m = created.scheduleMeeting.meeting;
    expect(m).toMatchObject({ durationMinutes: 90, organizerId: me, activity: { dueDate: '2026-11-24', dueTime: '09:00', summary: 'Chairs review' } });
    expect(m.attendees.map((a: any) => [a.kind, a.response])).toEqual([['USER', 'ACCEPTED'], ['CONTACT', 'NEEDS_ACTION'], ['USER', 'NEEDS_ACTION']]);

    const asColleague = stack.client(await testToken({ id: colleague.id, role: 'user_own', tz: 'Asia/Jakarta' }));
    const accepted = await asColleague.data(`mutation($id: ID!) { respondToMeeting(input: { meetingId: $id, response: ACCEPTED }) { meeting { attendees { id response } version } } }`, { id: m.id });
    expect(accepted.respondToMeeting.meeting.attendees.find((a: any) => a.id === colleague.id).response).toBe('ACCEPTED');
    const notYours = await asColleague.request(`mutation($id: ID!, $p: ID!) { respondToMeeting(input: { meetingId: $id, response: DECLINED, attendee: { kind: CONTACT, id: $p } }) { meeting { id } } }`, { id: m.id, p: pepper });
    expect(notYours.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const moved = await api.data(`mutation($input: UpdateMeetingInput!) { updateMeeting(input: $input) { meeting { ${MEETING} } } }`, {
      input: { id: m.id, expectedVersion: 2, start: '2026-11-26T14:00:00+07:00', durationMinutes: 60, location: 'Stark Tower' },
    });
    expect(moved.updateMeeting.meeting).toMatchObject({ start: '2026-11-26T07:00:00.000Z', durationMinutes: 60, location: 'Stark Tower', version: 3, activity: { id: m.activity.id, dueDate: '2026-11-26', dueTime: '14:00' } });
    expect(moved.updateMeeting.meeting.attendees.map((a: any) => a.response)).toEqual(['ACCEPTED', 'NEEDS_ACTION', 'NEEDS_ACTION']);
    const stale = await api.request(`mutation($input: UpdateMeetingInput!) { updateMeeting(input: $input) { meeting { id } } }`, { input: { id: m.id, expectedVersion: 2, title: 'x' } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', actualVersion: 3 });

    const cancelled = await api.data(`mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { status } activity { status cancelReason } } }`, { id: m.id });
    expect(cancelled.cancelMeeting).toEqual({ meeting: { status: 'CANCELLED' }, activity: { status: 'CANCELLED', cancelReason: 'the meeting was cancelled' } });
    const again = await api.request(`mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { status } } }`, { id: m.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const published = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.meeting`, (ms) => ms.filter((x) => x.key === m.id).length === 4);
    expect(published.filter((x) => x.key === m.id).map((x) => x.headers['ce_type'])).toEqual([
      'crm.activities.meeting.created.v1',
      'crm.activities.meeting.updated.v1',
      'crm.activities.meeting.updated.v1',
      'crm.activities.meeting.cancelled.v1',
    ]);
    expect(Object.keys(JSON.parse(published[2]!.value!).changes).sort()).toEqual(['attendees', 'location', 'start', 'stop']);
  });

  it('schedules all-day meetings over whole local days and lists the calendar of one attendee', async () => {
    const allDay = await api.data(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { ${MEETING} } } }`, {
      input: { title: 'Dealer open day', allDay: true, startDate: '2026-12-01', stopDate: '2026-12-02', attendees: [{ kind: 'USER', id: colleague.id }] },
    });
    expect(allDay.scheduleMeeting.meeting).toMatchObject({ allDay: true, start: '2026-11-30T17:00:00.000Z', stop: '2026-12-02T17:00:00.000Z', activity: null });
    const calendar = await api.data(
      `query($id: ID!) { meetings(filter: { from: "2026-12-02T00:00:00+07:00", to: "2026-12-03T00:00:00+07:00", attendee: { kind: USER, id: $id } }) { totalCount edges { node { title } } } }`,
      { id: colleague.id },
    );
    expect(calendar.meetings).toEqual({ totalCount: 1, edges: [{ node: { title: 'Dealer open day' } }] });
    const outsider = stack.client(await testToken({ role: 'user_own' }));
    const hidden = await outsider.data(`{ meetings(filter: { from: "2026-11-01T00:00:00Z", to: "2026-12-31T00:00:00Z" }) { totalCount } }`);
    expect(hidden.meetings.totalCount).toBe(0);
    const bad = await api.request(`{ meetings(filter: { from: "2026-12-31T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
  });

  it('refuses unknown attendees and meetings ending before they start, writing nothing', async () => {
    const attempt = (input: Record<string, unknown>) =>
      api.request(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { id } } }`, {
        input: { title: 'x', start: '2026-11-27T10:00:00+07:00', durationMinutes: 30, ...input },
      });
    const before = await api.data(`{ meetings(filter: { from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z" }, first: 100) { totalCount } }`);
    expect((await attempt({ attendees: [{ kind: 'USER', id: '01934d6e-0000-7000-8000-00000000dead' }] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendees.0.id' });
    expect((await attempt({ durationMinutes: null, stop: '2026-11-27T09:59:00+07:00' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stop' });
    expect((await attempt({ resourceType: 'Opportunity', resourceId: uuidv7() })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceId' });
    const after = await api.data(`{ meetings(filter: { from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z" }, first: 100) { totalCount } }`);
    expect(after.meetings.totalCount).toBe(before.meetings.totalCount);
  });
});
