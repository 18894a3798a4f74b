import { Client } from 'pg';
import { ManualClock, uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { activitiesModule } from '../src/module';
import { DEALER_RULE_IDS } from '../src/migrations/1764000000000-activities-meetings-chatter-rules';
import { EventPublisher, bookingEvent, branchEvent, contactEvent, opportunityEvent, quotationEvent, userEvent, type BookingFields, type OpportunityFields } from './events';

process.env['ACTIVITIES_RESOURCE_WAIT_MS'] = '300';

/**
 * Chatter written from other subgraphs' events, and seed 002's reminder rules. The pipeline's
 * and sales' events are published here as real Kafka messages shaped by their contracts
 * (libs/events/src/schemas/pipeline.ts, sales.ts) — re-check against the real publishers in e2e
 * once those subgraphs land.
 */
describe('activities subgraph: chatter from events and the dealer’s reminder rules', () => {
  let env: TestEnv;
  let stack: Stack;
  let db: Client;
  let events: EventPublisher;
  let api: GraphQLClient;
  const clock = new ManualClock('2026-11-20T00:00:00Z'); // Friday 08:00 in Samarinda (WITA, UTC+8)
  const sam = { id: uuidv7(), name: 'Sam Wilson' };
  const ayu = { id: uuidv7(), name: 'Ayu (Admin CRM H23)' };
  const customer = uuidv7();

  const openOf = async (resourceId: string) =>
    (await db.query(
      `SELECT r.name AS rule, to_char(a.due_date, 'YYYY-MM-DD') AS due, a.due_time, a.assignee_id, a.summary, t.name AS type
       FROM activities.activity a JOIN activities.reminder_rule r ON r.id = a.rule_id JOIN activities.activity_type t ON t.id = a.type_id
       WHERE a.resource_id = $1 AND a.status = 'open' ORDER BY a.due_date`,
      [resourceId],
    )).rows;
  const timeline = async (type: string, id: string) =>
    (await api.data(`query($t: String!, $id: ID!) { messages(resourceType: $t, resourceId: $id, first: 50) { edges { node { kind body authorName sourceEventType
      trackedChanges { field label fromValue toValue fromDisplay toDisplay text } } } } }`, { t: type, id })).messages.edges.map((e: any) => e.node);

  beforeAll(async () => {
    env = await createTestEnv('actrules');
    stack = await startStack({ env, modules: [activitiesModule], clock });
    await stack.subgraph('activities').consumersReady();
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    api = stack.client(await testToken({ role: 'admin', tz: 'Asia/Makassar' }));
    events = new EventPublisher(env);
    await events.publish(
      branchEvent({ id: 'SAM01', name: 'SAMARINDA', timeZone: 'Asia/Makassar' }),
      userEvent('created', { id: sam.id, name: sam.name, timeZone: 'Asia/Makassar', branchIds: ['SAM01'] }),
      userEvent('created', { id: ayu.id, name: ayu.name, timeZone: 'Asia/Makassar', branchIds: ['SAM01'] }),
      contactEvent('created', { id: customer, name: 'RESTU ANDIKA PRADANA', branchId: 'SAM01' }),
    );
    await eventually(async () => {
      const { rows } = await db.query(`SELECT (SELECT count(*) FROM activities.user_profile)::int AS u, (SELECT count(*) FROM activities.branch)::int AS b`);
      expect(rows[0]).toEqual({ u: 2, b: 1 });
    });
    const role = await api.data(`mutation { setBranchRole(input: { branchId: "SAM01", role: "crm_admin", userId: "${ayu.id}" }) { assignment { branchId role userId } } }`);
    expect(role.setBranchRole.assignment).toEqual({ branchId: 'SAM01', role: 'crm_admin', userId: ayu.id });
  });

  beforeEach(() => clock.set('2026-11-20T00:00:00Z'));

  afterAll(async () => {
    await events?.close();
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('lets a branch administrator set roles in their own branch only (libs/auth resolveBranch)', async () => {
    const branchAdmin = stack.client(await testToken({ role: 'admin', branchIds: ['MAN01'] }));
    const foreign = await branchAdmin.request(`mutation { setBranchRole(input: { branchId: "SAM01", role: "crm_admin", userId: "${sam.id}" }) { assignment { userId } } }`);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const malformed = await api.request(`mutation { setBranchRole(input: { branchId: "SAM 01", role: "crm_admin", userId: "${sam.id}" }) { assignment { userId } } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const roles = await api.data(`{ branchRoles(branchId: "SAM01") { role userId } }`);
    expect(roles.branchRoles).toEqual([{ role: 'crm_admin', userId: ayu.id }]);
  });

  it('ships the dealer rules as configuration', async () => {
    const { reminderRules } = await api.data(`{ reminderRules { id name resourceType dateField offsetDays offsetLabel atTime activityType { name } assignee assigneeRole conditions { field operator values } } }`);
    const byId = new Map(reminderRules.map((r: any) => [r.id, r]));
    expect(byId.get(DEALER_RULE_IDS.kpbSmsH7)).toMatchObject({ offsetLabel: 'H-7', dateField: 'properties.kpbExpiry', activityType: { name: 'SMS / WhatsApp' }, assignee: 'BRANCH_ROLE', assigneeRole: 'crm_admin' });
    expect(byId.get(DEALER_RULE_IDS.kpbCallH3)).toMatchObject({ offsetLabel: 'H-3', activityType: { name: 'Call' } });
    expect(byId.get(DEALER_RULE_IDS.bookingDayCall)).toMatchObject({ offsetLabel: 'H', atTime: '08:00', resourceType: 'BookingService', dateField: 'bookingDate', conditions: [{ field: 'state', operator: 'IN', values: ['draft', 'posted'] }] });
    expect(byId.get(DEALER_RULE_IDS.thankYouH3)).toMatchObject({ offsetLabel: 'H+3', conditions: [{ field: 'state', operator: 'EQ', values: ['work_order_created'] }] });
  });

  it('KPB reminders H-7 and H-3 follow the opportunity’s expiry date and stop when it is won', async () => {
    const o: OpportunityFields = { id: uuidv7(), name: 'Honda Vario 125 — KPB 1 follow-up', salespersonId: sam.id, branchId: 'SAM01', customerId: customer, properties: { kpbExpiry: '2026-12-01', kpbNumber: '1' } };
    await events.publish(opportunityEvent('created', o));
    const created = await eventually(async () => {
      const rows = await openOf(o.id);
      expect(rows).toHaveLength(2);
      return rows;
    });
    expect(created).toEqual([
      { rule: 'KPB reminder H-7 (SMS / WhatsApp)', due: '2026-11-24', due_time: null, assignee_id: ayu.id, type: 'SMS / WhatsApp', summary: 'SMS/WhatsApp service reminder: Honda Vario 125 — KPB 1 follow-up (KPB expires 2026-12-01)' },
      { rule: 'KPB reminder call H-3', due: '2026-11-28', due_time: null, assignee_id: ayu.id, type: 'Call', summary: 'Reminder call: Honda Vario 125 — KPB 1 follow-up (KPB expires 2026-12-01)' },
    ]);
    // The expiry moves: both reminders move with it (rescheduled), nothing is duplicated.
    await events.publish(opportunityEvent('updated', { ...o, version: 2, properties: { kpbExpiry: '2026-12-05', kpbNumber: '1' } }, { changes: { properties: { from: { kpbExpiry: '2026-12-01' }, to: { kpbExpiry: '2026-12-05' } } } }));
    await eventually(async () => expect((await openOf(o.id)).map((r: any) => r.due)).toEqual(['2026-11-28', '2026-12-02']));
    // Won: the customer came; the reminders are cancelled by the rules.
    await events.publish(opportunityEvent('won', { ...o, version: 3, status: 'won', properties: { kpbExpiry: '2026-12-05' } }, { changes: { status: { from: 'open', to: 'won' } } }));
    await eventually(async () => expect(await openOf(o.id)).toEqual([]));
    const reasons = await db.query(`SELECT cancel_reason, cancelled_by_rule FROM activities.activity WHERE resource_id = $1 ORDER BY due_date`, [o.id]);
    expect(reasons.rows).toEqual([
      { cancel_reason: 'KPB reminder H-7 (SMS / WhatsApp): the condition no longer holds', cancelled_by_rule: true },
      { cancel_reason: 'KPB reminder call H-3: the condition no longer holds', cancelled_by_rule: true },
    ]);
    const chatter = await timeline('Opportunity', o.id);
    expect(chatter.map((m: any) => m.body)).toEqual(['Marked as won', null, 'Opportunity created']);
    expect(chatter[1].trackedChanges.map((c: any) => c.text)).toEqual(['Kpb expiry: 2026-12-01 → 2026-12-05']);
    expect(chatter[0].trackedChanges.map((c: any) => c.text)).toEqual(['Status: Open → Won']);
  });

  it('booking service: morning call on the day, moved with the booking, replaced by the H+3 thank-you call once serviced', async () => {
    const opportunity = uuidv7();
    await events.publish(opportunityEvent('created', { id: opportunity, name: 'KPB 2 service', salespersonId: sam.id, branchId: 'SAM01', status: 'won' }));
    const b: BookingFields = { id: uuidv7(), number: 'BOS-W/SAM01/2611/00001', bookingDate: '2026-11-26', branchId: 'SAM01', customerId: customer, opportunityId: opportunity, state: 'draft', version: 1 };
    await events.publish(bookingEvent('created', b), bookingEvent('posted', { ...b, state: 'posted', version: 2 }, { changes: { state: { from: 'draft', to: 'posted' } } }));
    await eventually(async () =>
      expect(await openOf(b.id)).toEqual([
        { rule: 'Booking day morning call', due: '2026-11-26', due_time: '08:00', assignee_id: ayu.id, type: 'Call', summary: 'Booking-day call BOS-W/SAM01/2611/00001 (KPB1)' },
      ]),
    );
    const api2 = await api.data(`query($id: ID!) { activities(filter: { allAssignees: true, resourceId: $id }) { edges { node { dueAt timeZone rule { offsetLabel } } } } }`, { id: b.id });
    expect(api2.activities.edges[0].node).toEqual({ dueAt: '2026-11-26T00:00:00.000Z', timeZone: 'Asia/Makassar', rule: { offsetLabel: 'H' } });

    await events.publish(bookingEvent('posted', { ...b, state: 'posted', bookingDate: '2026-11-27', version: 3 }, { changes: { bookingDate: { from: '2026-11-26', to: '2026-11-27' } } }));
    await eventually(async () => expect((await openOf(b.id)).map((r: any) => r.due)).toEqual(['2026-11-27']));

    clock.set('2026-11-27T03:00:00Z');
    await events.publish(bookingEvent('work_order_created', { ...b, state: 'work_order_created', bookingDate: '2026-11-27', version: 4, workOrderNumber: 'WO/SAM01/2611/0042' }, { changes: { state: { from: 'posted', to: 'work_order_created' }, workOrderNumber: { from: null, to: 'WO/SAM01/2611/0042' } } }));
    await eventually(async () =>
      expect(await openOf(b.id)).toEqual([
        { rule: 'Thank-you call H+3 after service', due: '2026-11-30', due_time: null, assignee_id: ayu.id, type: 'Call', summary: 'Thank-you call BOS-W/SAM01/2611/00001' },
      ]),
    );
    const chatter = await timeline('BookingService', b.id);
    expect(chatter.map((m: any) => [m.body, m.trackedChanges.map((c: any) => c.text)])).toEqual([
      ['Work order WO/SAM01/2611/0042 created', ['Status: Posted → Work Order Created', 'Work order: — → WO/SAM01/2611/0042']],
      ['Booking service posted', ['Booking date: 2026-11-26 → 2026-11-27']],
      ['Booking service posted', ['Status: Draft → Posted']],
      ['Booking service BOS-W/SAM01/2611/00001 created', []],
    ]);
    const published = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) => ms.filter((m) => JSON.parse(m.value!).state.resourceId === b.id).length >= 4);
    // Per activity (its id is the message key, so its events keep their order).
    const byActivity = new Map<string, string[]>();
    for (const m of published.filter((x) => JSON.parse(x.value!).state.resourceId === b.id)) {
      byActivity.set(m.key!, [...(byActivity.get(m.key!) ?? []), m.headers['ce_type']!.split('.')[3]!]);
    }
    expect([...byActivity.values()].sort()).toEqual([['scheduled'], ['scheduled', 'rescheduled', 'cancelled']]);
  });

  it('writes tracked changes from opportunity events: stage names, formatted numbers, raw values, names of people', async () => {
    const o: OpportunityFields = { id: uuidv7(), name: '200 Office Chairs', stageId: uuidv7(), stageName: 'New', expectedRevenue: '80000000.00', updatedBy: sam.id };
    const qualified = uuidv7();
    await events.publish(
      opportunityEvent('created', o),
      opportunityEvent('stage_changed', { ...o, version: 2, stageId: qualified, stageName: 'Qualified' }, {
        changes: { stageId: { from: o.stageId, to: qualified } },
        extra: { fromStageId: o.stageId, toStageId: qualified, fromStageName: 'New', toStageName: 'Qualified', secondsInPreviousStage: 3600, changedAt: new Date().toISOString() },
      }),
      opportunityEvent('updated', { ...o, version: 3, stageId: qualified, stageName: 'Qualified', expectedRevenue: '100000000.00', salespersonId: sam.id, probability: '90.00' }, {
        changes: { expectedRevenue: { from: '80000000.00', to: '100000000.00' }, salespersonId: { from: null, to: sam.id }, probability: { from: '30.00', to: '90.00' }, updatedAt: { from: 'a', to: 'b' } },
      }),
    );
    const chatter = await eventually(async () => {
      const entries = await timeline('Opportunity', o.id);
      expect(entries).toHaveLength(3);
      return entries;
    });
    expect(chatter[1]).toMatchObject({ kind: 'TRACKING', authorName: sam.name, sourceEventType: 'crm.pipeline.opportunity.stage_changed.v1' });
    expect(chatter[1].trackedChanges.map((c: any) => c.text)).toEqual(['Stage: New → Qualified']);
    expect(chatter[0].trackedChanges).toEqual([
      { field: 'salespersonId', label: 'Salesperson', fromValue: null, toValue: JSON.stringify(sam.id), fromDisplay: null, toDisplay: sam.name, text: `Salesperson: — → ${sam.name}` },
      { field: 'expectedRevenue', label: 'Expected revenue', fromValue: '"80000000.00"', toValue: '"100000000.00"', fromDisplay: '80,000,000', toDisplay: '100,000,000', text: 'Expected revenue: 80,000,000 → 100,000,000' },
      { field: 'probability', label: 'Probability', fromValue: '"30.00"', toValue: '"90.00"', fromDisplay: '30 %', toDisplay: '90 %', text: 'Probability: 30 % → 90 %' },
    ]);
    const posted = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.message`, (ms) => ms.filter((m) => JSON.parse(m.value!).state.resourceId === o.id).length === 3);
    const stage = posted.map((m) => JSON.parse(m.value!).state).find((s) => s.sourceEventType?.endsWith('stage_changed.v1'));
    expect(stage.trackedChanges).toEqual([{ field: 'stage', label: 'Stage', from: 'New', to: 'Qualified', fromDisplay: 'New', toDisplay: 'Qualified' }]);
  });

  it('logs a quotation sent by email as a message, and notes with attachment metadata', async () => {
    const q = { id: uuidv7(), number: 'S00042', customerId: customer, state: 'draft' as const, version: 1 };
    await events.publish(quotationEvent('created', q), quotationEvent('sent', { ...q, state: 'sent', version: 2 }, { changes: { state: { from: 'draft', to: 'sent' } } }));
    const chatter = await eventually(async () => {
      const entries = await timeline('Quotation', q.id);
      expect(entries).toHaveLength(2);
      return entries;
    });
    expect(chatter[0]).toMatchObject({ kind: 'MESSAGE', body: 'Quotation S00042 sent by email' });
    expect(chatter[0].trackedChanges.map((c: any) => c.text)).toEqual(['Status: Quotation → Quotation Sent']);
    const note = await api.data(
      `mutation($input: PostMessageInput!) { postMessage(input: $input) { message { kind body attachments { name mimeType sizeBytes url } } } }`,
      { input: { resourceType: 'Quotation', resourceId: q.id, body: 'Signed copy attached', attachments: [{ name: 'S00042-signed.pdf', mimeType: 'application/pdf', sizeBytes: 48213, url: 'https://files.example/S00042.pdf' }] } },
    );
    expect(note.postMessage.message).toEqual({ kind: 'NOTE', body: 'Signed copy attached', attachments: [{ name: 'S00042-signed.pdf', mimeType: 'application/pdf', sizeBytes: 48213, url: 'https://files.example/S00042.pdf' }] });
    const bad = await api.request(`mutation($input: PostMessageInput!) { postMessage(input: $input) { message { id } } }`, {
      input: { resourceType: 'Quotation', resourceId: q.id, attachments: [{ name: 'x.pdf', url: 'javascript:alert(1)' }] },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachments.0.url' });
  });

  it('follows a user’s time zone change and cancels open activities of an archived record', async () => {
    const o: OpportunityFields = { id: uuidv7(), name: 'Archive me', salespersonId: sam.id, branchId: 'SAM01' };
    await events.publish(opportunityEvent('created', o));
    const { scheduleActivity } = await api.data(
      `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id state timeZone } } }`,
      { input: { resourceType: 'Opportunity', resourceId: o.id, typeId: '01934d6e-0000-7000-8000-000000000004', dueDate: '2026-11-19', assigneeId: sam.id } },
    );
    // Friday 00:00 UTC: already Friday in Samarinda (due Thursday: overdue), still Thursday in Los Angeles (today).
    expect(scheduleActivity.activity).toMatchObject({ state: 'OVERDUE', timeZone: 'Asia/Makassar' });
    await events.publish(userEvent('updated', { id: sam.id, name: sam.name, timeZone: 'America/Los_Angeles', branchIds: ['SAM01'], version: 2 }));
    await eventually(async () => {
      const a = await api.data(`query($id: ID!) { activity(id: $id) { state timeZone } }`, { id: scheduleActivity.activity.id });
      expect(a.activity).toEqual({ state: 'TODAY', timeZone: 'America/Los_Angeles' });
    });
    await events.publish(opportunityEvent('archived', { ...o, version: 2, active: false }, { changes: { active: { from: true, to: false } } }));
    await eventually(async () => {
      const a = await api.data(`query($id: ID!) { activity(id: $id) { status cancelReason } }`, { id: scheduleActivity.activity.id });
      expect(a.activity).toEqual({ status: 'CANCELLED', cancelReason: 'the record was archived' });
    });
    const refused = await api.request(`mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`, {
      input: { resourceType: 'Opportunity', resourceId: o.id, typeId: '01934d6e-0000-7000-8000-000000000004', dueDate: '2026-11-30' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceId' });
  });

  it('moves the history and activities of merged opportunities to the one kept', async () => {
    const keep: OpportunityFields = { id: uuidv7(), name: 'Chairs (kept)', salespersonId: sam.id };
    const gone: OpportunityFields = { id: uuidv7(), name: 'Chairs (duplicate)' };
    await events.publish(opportunityEvent('created', keep), opportunityEvent('created', gone));
    const { scheduleActivity } = await api.data(
      `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`,
      { input: { resourceType: 'Opportunity', resourceId: gone.id, typeId: '01934d6e-0000-7000-8000-000000000002', dueDate: '2026-11-30' } },
    );
    await api.data(`mutation($input: PostMessageInput!) { postMessage(input: $input) { message { id } } }`, {
      input: { resourceType: 'Opportunity', resourceId: gone.id, body: 'Noted on the duplicate' },
    });
    await events.publish(opportunityEvent('merged', { ...keep, version: 2 }, { extra: { mergedIds: [gone.id] } }));
    await eventually(async () => {
      const moved = await api.data(`query($id: ID!) { activity(id: $id) { resourceId version } }`, { id: scheduleActivity.activity.id });
      expect(moved.activity).toEqual({ resourceId: keep.id, version: 2 });
    });
    const bodies = (await timeline('Opportunity', keep.id)).map((m: any) => m.body);
    expect(bodies).toEqual(expect.arrayContaining(['Merged with 1 other lead/opportunity', 'Noted on the duplicate', 'Opportunity created']));
  });

  it('moves the open activities of merged contacts to the one kept instead of cancelling them with the archived duplicate', async () => {
    const keep = { id: uuidv7(), name: 'PANGESTU,', salespersonId: sam.id };
    const gone = { id: uuidv7(), name: 'Pangestu', salespersonId: sam.id };
    await events.publish(contactEvent('created', keep), contactEvent('created', gone));
    const { scheduleActivity } = await api.data(
      `mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }`,
      { input: { resourceType: 'Contact', resourceId: gone.id, typeId: '01934d6e-0000-7000-8000-000000000002', dueDate: '2026-11-30' } },
    );
    // As the contacts subgraph publishes a merge: the duplicate archived (mergedIntoId), then `merged` on the one kept.
    await events.publish(
      contactEvent('archived', { ...gone, version: 2, active: false }, { extra: { mergedIntoId: keep.id } }),
      contactEvent('merged', { ...keep, version: 2 }, { extra: { mergedIds: [gone.id] } }),
    );
    await eventually(async () => {
      const moved = await api.data(`query($id: ID!) { activity(id: $id) { resourceId status } }`, { id: scheduleActivity.activity.id });
      expect(moved.activity).toEqual({ resourceId: keep.id, status: 'OPEN' });
    });
  });

  it('refuses a rule with an unknown date field (nothing written) and lets only administrators configure', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM activities.reminder_rule`)).rows[0].n;
    const create = `mutation($input: CreateReminderRuleInput!) { createReminderRule(input: $input) { reminderRule { id offsetLabel } } }`;
    const input = { name: 'Quotation expiry call', resourceType: 'Quotation', dateField: 'expiryDate', offsetDays: -2, activityTypeId: '01934d6e-0000-7000-8000-000000000002', summaryTemplate: 'Call about {{number}}' };
    const bad = await api.request(create, { input });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateField' });
    expect((await db.query(`SELECT count(*)::int AS n FROM activities.reminder_rule`)).rows[0].n).toBe(before);
    const asUser = stack.client(await testToken({ role: 'user_all' }));
    expect((await asUser.request(create, { input: { ...input, dateField: 'validityDate' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A quotation known before the rule exists gets its reminder when the rules are applied to existing records.
    const q = { id: uuidv7(), number: 'S00077', customerId: customer, state: 'sent' as const, version: 1, validityDate: '2026-11-30', salespersonId: sam.id };
    await events.publish(quotationEvent('created', q));
    await eventually(async () => expect(await timeline('Quotation', q.id)).toHaveLength(1));
    const ok = await api.data(create, { input: { ...input, dateField: 'validityDate' } });
    expect(ok.createReminderRule.reminderRule.offsetLabel).toBe('H-2');
    const apply = `mutation { applyReminderRules(input: { resourceType: "Quotation" }) { records scheduled rescheduled cancelled } }`;
    const first = await api.data(apply);
    expect(first.applyReminderRules).toMatchObject({ scheduled: 1, rescheduled: 0, cancelled: 0 });
    expect(await openOf(q.id)).toEqual([{ rule: 'Quotation expiry call', due: '2026-11-28', due_time: null, assignee_id: sam.id, type: 'Call', summary: 'Call about S00077' }]);
    expect((await api.data(apply)).applyReminderRules).toMatchObject({ scheduled: 0, rescheduled: 0, cancelled: 0 });
  });
  it('moves the open reminders when an administrator changes a rule’s offset or time, but not one a person moved', async () => {
    const create = `mutation($input: CreateReminderRuleInput!) { createReminderRule(input: $input) { reminderRule { id version } } }`;
    const { createReminderRule } = await api.data(create, {
      input: { name: 'Quotation follow-up', resourceType: 'Quotation', dateField: 'validityDate', offsetDays: -5, activityTypeId: '01934d6e-0000-7000-8000-000000000002', summaryTemplate: 'Follow up {{number}}' },
    });
    const rule = createReminderRule.reminderRule;
    const q1 = { id: uuidv7(), number: 'S00101', customerId: customer, state: 'sent' as const, version: 1, validityDate: '2026-12-10', salespersonId: sam.id };
    const q2 = { id: uuidv7(), number: 'S00102', customerId: customer, state: 'sent' as const, version: 1, validityDate: '2026-12-12', salespersonId: sam.id };
    await events.publish(quotationEvent('created', q1), quotationEvent('created', q2));
    const reminder = async (quotationId: string) =>
      (await db.query(`SELECT id, to_char(due_date, 'YYYY-MM-DD') AS due, due_time, version FROM activities.activity WHERE rule_id = $1 AND resource_id = $2 AND status = 'open'`, [rule.id, quotationId])).rows[0];
    const [r1, r2] = await eventually(async () => {
      const both = [await reminder(q1.id), await reminder(q2.id)];
      expect(both.map((r) => r?.due)).toEqual(['2026-12-05', '2026-12-07']);
      return both;
    });
    // Someone snoozes the second one: it is theirs to place now.
    await api.data(`mutation { snoozeActivity(input: { id: "${r2.id}", days: 2 }) { activity { dueDate } } }`);

    const update = await api.data(
      `mutation($input: UpdateReminderRuleInput!) { updateReminderRule(input: $input) { reminderRule { offsetLabel atTime version } } }`,
      { input: { id: rule.id, expectedVersion: rule.version, offsetDays: -4, atTime: '09:00' } },
    );
    expect(update.updateReminderRule.reminderRule).toEqual({ offsetLabel: 'H-4', atTime: '09:00', version: rule.version + 1 });
    expect(await reminder(q1.id)).toEqual({ id: r1.id, due: '2026-12-06', due_time: '09:00', version: r1.version + 1 });
    expect(await reminder(q2.id)).toMatchObject({ id: r2.id, due: '2026-12-09', due_time: null });
    const published = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) => ms.filter((m) => m.key === r1.id).length === 2);
    const moved = published.filter((m) => m.key === r1.id)[1]!;
    expect(moved.headers['ce_type']).toBe('crm.activities.activity.rescheduled.v1');
    expect(JSON.parse(moved.value!).changes).toEqual({ dueDate: { from: '2026-12-05', to: '2026-12-06' }, dueTime: { from: null, to: '09:00' } });
    // Applying the rules afterwards moves nothing (and does not undo the person's snooze); only the
    // quotation of the previous test, known before this rule existed, gets its reminder now.
    const apply = await api.data(`mutation { applyReminderRules(input: { resourceType: "Quotation" }) { rescheduled scheduled cancelled } }`);
    expect(apply.applyReminderRules).toEqual({ rescheduled: 0, scheduled: 1, cancelled: 0 });
    expect(await reminder(q1.id)).toMatchObject({ due: '2026-12-06', due_time: '09:00' });
    expect(await reminder(q2.id)).toMatchObject({ due: '2026-12-09', due_time: null });
  });
  it('moves the reminders already planned for a branch role to its new holder, except one a person gave to someone else', async () => {
    const budi = { id: uuidv7(), name: 'Budi (new Admin CRM H23)' };
    await events.publish(userEvent('created', { id: budi.id, name: budi.name, timeZone: 'Asia/Makassar', branchIds: ['SAM01'] }));
    const o: OpportunityFields = { id: uuidv7(), name: 'Honda Beat — KPB 2 follow-up', salespersonId: sam.id, branchId: 'SAM01', customerId: customer, properties: { kpbExpiry: '2026-12-20' } };
    await events.publish(opportunityEvent('created', o));
    const planned = await eventually(async () => {
      const rows = await openOf(o.id);
      expect(rows.map((r: any) => [r.rule, r.assignee_id])).toEqual([['KPB reminder H-7 (SMS / WhatsApp)', ayu.id], ['KPB reminder call H-3', ayu.id]]);
      const known = await db.query(`SELECT 1 FROM activities.user_profile WHERE id = $1`, [budi.id]);
      expect(known.rowCount).toBe(1);
      return (await db.query(`SELECT id FROM activities.activity WHERE resource_id = $1 AND status = 'open' ORDER BY due_date`, [o.id])).rows.map((r) => r.id as string);
    });
    // Ayu hands the SMS reminder to Sam herself: it is his now, whoever holds the role.
    await api.data(`mutation { rescheduleActivity(input: { id: "${planned[0]}", assigneeId: "${sam.id}" }) { activity { id } } }`);
    const ayusOpen = async () =>
      (await db.query(
        `SELECT count(*)::int AS n FROM activities.activity a JOIN activities.reminder_rule r ON r.id = a.rule_id
         WHERE a.status = 'open' AND a.branch_id = 'SAM01' AND r.assignee_role = 'crm_admin' AND a.assignee_id = $1`,
        [ayu.id],
      )).rows[0].n;
    const before = await ayusOpen();
    expect(before).toBeGreaterThanOrEqual(1);
    const set = `mutation($input: SetBranchRoleInput!) { setBranchRole(input: $input) { assignment { userId } reassignedReminders } }`;
    const handover = await api.data(set, { input: { branchId: 'SAM01', role: 'crm_admin', userId: budi.id } });
    expect(handover.setBranchRole).toEqual({ assignment: { userId: budi.id }, reassignedReminders: before });
    expect(await ayusOpen()).toBe(0);
    expect((await openOf(o.id)).map((r: any) => r.assignee_id)).toEqual([sam.id, budi.id]);
    const published = await readTopic(env.brokers, `${env.topicPrefix}crm.activities.activity`, (ms) => ms.filter((m) => m.key === planned[1]).length === 2);
    const moved = published.filter((m) => m.key === planned[1])[1]!;
    expect(moved.headers['ce_type']).toBe('crm.activities.activity.rescheduled.v1');
    expect(JSON.parse(moved.value!).changes).toEqual({ assigneeId: { from: ayu.id, to: budi.id } });

    // No one holds the role: the reminders fall back to the salesperson, as new ones would.
    const cleared = await api.data(set, { input: { branchId: 'SAM01', role: 'crm_admin', userId: null } });
    expect(cleared.setBranchRole.assignment).toBeNull();
    expect((await openOf(o.id)).map((r: any) => r.assignee_id)).toEqual([sam.id, sam.id]);
    // Ayu again (the other tests' holder): the reminders waiting on the salesperson go to her.
    const back = await api.data(set, { input: { branchId: 'SAM01', role: 'crm_admin', userId: ayu.id } });
    expect(back.setBranchRole.reassignedReminders).toBeGreaterThanOrEqual(2);
    expect((await openOf(o.id)).map((r: any) => r.assignee_id)).toEqual([ayu.id, ayu.id]);
  });
});
