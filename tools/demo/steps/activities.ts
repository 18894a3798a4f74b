import type { DemoStep } from '../step';

const TYPES = { call: '01934d6e-0000-7000-8000-000000000002', todo: '01934d6e-0000-7000-8000-000000000004' };

/** A calendar day in Jakarta, `days` from today. */
function day(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + days * 86_400_000));
}

/**
 * Seed 000: a one-hour meeting with Bu Pepper Potts scheduled from the "200 Office Chairs"
 * opportunity (which puts a Meeting activity on its card), a note on its chatter; a call due
 * today and an overdue to-do on the other cards, so the board shows every colour; seed 002:
 * the demo administrator is the branch SAM01's "Admin CRM H23" the dealer's reminder rules assign to.
 */
export const activitiesStep: DemoStep = {
  name: 'activities',
  async run({ api, ids }) {
    // The demo administrator (the users step logged in as them). The activities subgraph knows
    // users from crm.contacts.user events: until it has seen theirs, it answers "unknown user".
    const DEMO_ADMIN = ids['user.admin']!;
    const schedule = (input: Record<string, unknown>) =>
      api.request(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { id } activity { id } } }`, { input });
    const meetingInput = {
      title: 'Meeting with Bu Pepper Potts: 200 Office Chairs',
      start: `${day(2)}T10:00:00+07:00`,
      durationMinutes: 60,
      location: 'Avengers Headquarters',
      attendees: [{ kind: 'USER', id: DEMO_ADMIN }, { kind: 'CONTACT', id: ids['contact.pepper'] }],
      resourceType: 'Opportunity',
      resourceId: ids['opportunity.chairs'],
    };
    let answer = await schedule(meetingInput);
    for (let attempt = 0; answer.errors?.[0]?.message?.startsWith('unknown user') && attempt < 100; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await schedule(meetingInput);
    }
    if (answer.errors?.length) throw new Error(`scheduleMeeting: ${JSON.stringify(answer.errors)}`);
    const meeting = answer.data as { scheduleMeeting: { meeting: { id: string }; activity: { id: string } } };
    ids['meeting.pepper'] = meeting.scheduleMeeting.meeting.id;
    ids['activity.pepperMeeting'] = meeting.scheduleMeeting.activity.id;
    await api.data(`mutation($input: PostMessageInput!) { postMessage(input: $input) { message { id } } }`, {
      input: { resourceType: 'Opportunity', resourceId: ids['opportunity.chairs'], body: 'Bu Pepper wants the same model as the 600 chairs bought last year.' },
    });
    const scheduled = await api.data(`mutation($call: ScheduleActivityInput!, $todo: ScheduleActivityInput!) {
      call: scheduleActivity(input: $call) { activity { id } }
      todo: scheduleActivity(input: $todo) { activity { id } } }`, {
      call: { resourceType: 'Opportunity', resourceId: ids['opportunity.service'], typeId: TYPES.call, summary: 'Call about the 2027 service contract', dueDate: day(0) },
      todo: { resourceType: 'Opportunity', resourceId: ids['opportunity.kpb'], typeId: TYPES.todo, summary: 'Check the KPB 1 expiry date with the customer', dueDate: day(-1) },
    });
    ids['activity.serviceCall'] = scheduled.call.activity.id;
    ids['activity.kpbTodo'] = scheduled.todo.activity.id;
    await api.data(`mutation { setBranchRole(input: { branchId: "SAM01", role: "crm_admin", userId: "${DEMO_ADMIN}" }) { assignment { role } } }`);
  },
};
