import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { stateEvent, toKafkaRecord } from '@crm/events';
import { ManualClock } from '@crm/runtime';
import { changeEventCount, createTestEnv, eventually, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { pipelineModule } from '../src/module';

/** Lifecycle use cases on real Postgres and Kafka: events in the outbox, all-or-nothing bulk changes, scoring, merges. */
describe('pipeline lifecycle (integration)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const clock = new ManualClock('2026-11-23T02:00:00Z');
  let stages: Record<string, string>;

  const FIELDS = `id name version status active type probability automatedProbability probabilityIsManual proratedRevenue stage { name }
    customer { id } lostReason { name } lostFeedback tags { name } stageHistory { stageName seconds mergedFromId } salespersonId team { name }`;
  const create = async (input: Record<string, unknown>, mutation = 'createOpportunity', type = 'CreateOpportunityInput') =>
    (await api.data(`mutation($input: ${type}!) { ${mutation}(input: $input) { opportunity { ${FIELDS} } } }`, { input }))[mutation].opportunity;
  const call = async (mutation: string, input: Record<string, unknown>, type = 'OpportunityRefInput') =>
    api.request(`mutation($input: ${type}!) { ${mutation}(input: $input) { opportunity { ${FIELDS} } } }`, { input });
  const events = async (id: string) =>
    (await db.query('SELECT event_type, payload FROM pipeline.outbox WHERE message_key = $1 ORDER BY seq', [id])).rows.map((r) => ({
      type: r.event_type.replace('crm.pipeline.opportunity.', '').replace('.v1', ''),
      data: JSON.parse(r.payload),
    }));
  const snapshot = async () =>
    (await db.query(`SELECT ${changeEventCount('pipeline')} AS events, (SELECT string_agg(id::text || version || status || active, ',' ORDER BY id) FROM pipeline.opportunity) AS rows`)).rows[0];

  beforeAll(async () => {
    env = await createTestEnv('pipelinelife');
    stack = await startStack({ env, modules: [pipelineModule], clock });
    api = stack.client(await testToken({ role: 'admin' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    stages = Object.fromEntries((await api.data(`{ stages { id name } }`)).stages.map((s: any) => [s.name, s.id]));
    // The shipped team skips the lead step (as Odoo's does until leads are switched on); these tests qualify leads.
    const defaultTeam = (await api.data(`{ salesTeams { id isDefault } }`)).salesTeams.find((t: any) => t.isDefault).id;
    await api.data(`mutation { updateSalesTeam(input: { id: "${defaultTeam}", useLeads: true }) { salesTeam { useLeads } } }`);
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('loses, restores, archives, unarchives — each with its event', async () => {
    const o = await create({ name: 'Cabinets', expectedRevenue: '500' });
    const reason = (await api.data(`{ lostReasons { id name } }`)).lostReasons.find((r: any) => r.name === 'Too expensive');
    const lost = (await call('markLost', { id: o.id, lostReasonId: reason.id, lostFeedback: 'Cheaper elsewhere' }, 'MarkLostInput')).data!.markLost.opportunity;
    expect(lost).toMatchObject({ status: 'LOST', active: false, probability: '0.00', lostReason: { name: 'Too expensive' }, lostFeedback: 'Cheaper elsewhere' });
    const restored = (await call('restoreOpportunity', { id: o.id })).data!.restoreOpportunity.opportunity;
    expect(restored).toMatchObject({ status: 'OPEN', active: true, lostReason: null, probability: '10.00' });
    expect((await call('archiveOpportunity', { id: o.id })).data!.archiveOpportunity.opportunity.active).toBe(false);
    expect((await call('unarchiveOpportunity', { id: o.id })).data!.unarchiveOpportunity.opportunity.active).toBe(true);
    const published = await events(o.id);
    expect(published.map((e) => e.type)).toEqual(['created', 'lost', 'restored', 'archived', 'unarchived']);
    expect(published[1]!.data).toMatchObject({ lostReasonId: reason.id, state: { lostReasonName: 'Too expensive', active: false, status: 'lost' } });
  });

  it('duplicates (first stage, fresh number) and deletes for administrators only', async () => {
    const tag = (await api.data(`mutation { createOpportunityTag(input: { name: "Office", color: 2 }) { tag { id } } }`)).createOpportunityTag.tag.id;
    const o = await create({ name: 'Desks', tagIds: [tag], stageId: stages['Proposition'], expectedRevenue: '900' });
    const copy = (await call('duplicateOpportunity', { id: o.id }, 'DuplicateOpportunityInput')).data!.duplicateOpportunity.opportunity;
    expect(copy).toMatchObject({ name: 'Desks (copy)', stage: { name: 'New' }, tags: [{ name: 'Office' }], version: 1 });
    const user = stack.client(await testToken({ role: 'user_all' }));
    expect((await user.request(`mutation { deleteOpportunity(input: { id: "${copy.id}" }) { deletedId } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await api.data(`mutation { deleteOpportunity(input: { id: "${copy.id}" }) { deletedId } }`)).deleteOpportunity.deletedId).toBe(copy.id);
    expect((await events(copy.id)).map((e) => e.type)).toEqual(['created', 'deleted']);
    expect(await api.data(`{ opportunity(id: "${copy.id}") { id } }`)).toEqual({ opportunity: null });
  });

  it('merges duplicates into the most advanced one, keeping their stage history', async () => {
    const early = await create({ name: 'Chairs (from the website)', email: 'pepper@avengers.co.id' });
    clock.advance(3600_000);
    const advanced = await create({ name: 'Chairs', stageId: stages['Qualified'], expectedRevenue: '100' });
    clock.advance(3600_000);
    const merged = (await call('mergeOpportunities', { ids: [early.id, advanced.id] }, 'MergeOpportunitiesInput')).data!.mergeOpportunities.opportunity;
    expect(merged).toMatchObject({ id: advanced.id, name: 'Chairs', stage: { name: 'Qualified' }, version: 2 });
    expect(merged.stageHistory.map((v: any) => [v.stageName, v.mergedFromId])).toEqual([
      ['New', early.id],
      ['Qualified', null],
    ]);
    expect(await api.data(`{ opportunity(id: "${early.id}") { id } }`)).toEqual({ opportunity: null });
    expect((await events(advanced.id)).map((e) => e.type)).toEqual(['created', 'merged']);
    expect((await events(advanced.id))[1]!.data).toMatchObject({ mergedIds: [early.id], state: { email: 'pepper@avengers.co.id' } });
    expect((await events(early.id)).map((e) => [e.type, e.data.mergedIntoId])).toEqual([['created', undefined], ['deleted', advanced.id]]);
  });

  it('converts a lead linking an existing customer and merging a duplicate lead', async () => {
    const customerId = '0193a2b4-0000-7000-8000-0000000c0001';
    const lead = await create({ name: 'Website enquiry', contactName: 'Pepper Potts', companyName: 'PT Avengers Initiative' }, 'createLead', 'CreateLeadInput');
    const duplicate = await create({ name: 'Phone enquiry', phone: '+62 21 555 0100' }, 'createLead', 'CreateLeadInput');
    expect(lead).toMatchObject({ type: 'LEAD', stage: null, probability: '0.00' });
    const converted = (
      await call('convertToOpportunity', { id: lead.id, customer: { action: 'EXISTING', customerId }, mergeWithIds: [duplicate.id] }, 'ConvertToOpportunityInput')
    ).data!.convertToOpportunity.opportunity;
    expect(converted).toMatchObject({ type: 'OPPORTUNITY', stage: { name: 'New' }, customer: { id: customerId } });
    const published = await events(converted.id);
    expect(published.map((e) => e.type)).toEqual(['created', 'stage_changed', 'merged', 'converted']);
    expect(published[3]!.data).toMatchObject({ createdCustomerId: null, state: { phone: '+62 21 555 0100', type: 'opportunity' } });
  });

  it('creates an opportunity in the first stage when the team does not use leads', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Walk-in", useLeads: false }) { salesTeam { id useLeads } } }`)).createSalesTeam.salesTeam;
    expect(team.useLeads).toBe(false);
    const direct = await create({ name: 'Walk-in enquiry', teamId: team.id, expectedRevenue: '1000' }, 'createLead', 'CreateLeadInput');
    expect(direct).toMatchObject({ type: 'OPPORTUNITY', stage: { name: 'New' }, probability: '10.00', proratedRevenue: '100.00', team: { name: 'Walk-in' } });
    const typed = await create({ name: 'Typed as a lead', teamId: team.id, type: 'LEAD' });
    expect(typed).toMatchObject({ type: 'OPPORTUNITY', stage: { name: 'New' } });
    expect((await events(direct.id))[0]!.data).toMatchObject({ state: { type: 'opportunity', stageName: 'New' } });
    const leads = await api.data(`query($f: OpportunityFilter) { leads(filter: $f) { totalCount } }`, { f: { teamIds: [team.id] } });
    expect(leads.leads.totalCount).toBe(0);
    // Switched on, the same team qualifies leads first.
    await api.data(`mutation { updateSalesTeam(input: { id: "${team.id}", useLeads: true }) { salesTeam { useLeads } } }`);
    expect(await create({ name: 'Qualified first', teamId: team.id }, 'createLead', 'CreateLeadInput')).toMatchObject({ type: 'LEAD', stage: null });
  });

  it('moves, assigns and loses in bulk — all or nothing', async () => {
    const a = await create({ name: 'Bulk A' });
    const b = await create({ name: 'Bulk B' });
    const lost = await create({ name: 'Bulk lost' });
    await call('markLost', { id: lost.id }, 'MarkLostInput');
    const before = await snapshot();
    const refused = await api.request(`mutation { moveOpportunities(input: { ids: ["${a.id}", "${b.id}", "${lost.id}"], stageId: "${stages['Qualified']}" }) { opportunities { id } } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(refused.errors?.[0]?.extensions?.id).toBe(lost.id);
    expect(await snapshot()).toEqual(before);

    const moved = await api.data(`mutation { moveOpportunities(input: { ids: ["${a.id}", "${b.id}"], stageId: "${stages['Qualified']}" }) { opportunities { stage { name } } } }`);
    expect(moved.moveOpportunities.opportunities.map((o: any) => o.stage.name)).toEqual(['Qualified', 'Qualified']);

    const member = '0193a2b4-0000-7000-8000-0000000000c7';
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Retail", memberIds: ["${member}"] }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const assigned = await api.data(`mutation { assignOpportunities(input: { ids: ["${a.id}", "${b.id}"], salespersonId: "${member}" }) { opportunities { salespersonId team { id } stage { name } dateOpened } } }`);
    // Odoo follows the salesperson into their team; the team's pipeline shares the stages.
    expect(assigned.assignOpportunities.opportunities).toEqual([
      expect.objectContaining({ salespersonId: member, team: { id: team }, stage: { name: 'Qualified' } }),
      expect.objectContaining({ salespersonId: member, team: { id: team }, stage: { name: 'Qualified' } }),
    ]);

    const allLost = await api.data(`mutation { markOpportunitiesLost(input: { ids: ["${a.id}", "${b.id}"], lostFeedback: "Project cancelled" }) { opportunities { status lostFeedback } } }`);
    expect(allLost.markOpportunitiesLost.opportunities).toEqual([
      { status: 'LOST', lostFeedback: 'Project cancelled' },
      { status: 'LOST', lostFeedback: 'Project cancelled' },
    ]);
  });

  it('scores probability from the team’s won/lost history; a typed value wins until reset', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Scoring", useLeads: true, scoringFields: ["stage", "country"] }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    for (let i = 0; i < 3; i += 1) {
      const won = await create({ name: `ID won ${i}`, teamId: team, countryCode: 'ID' });
      await call('markWon', { id: won.id });
    }
    const lost = await create({ name: 'US lost', teamId: team, countryCode: 'US' });
    await call('markLost', { id: lost.id }, 'MarkLostInput');

    const indonesian = await create({ name: 'ID open', teamId: team, countryCode: 'ID' });
    const american = await create({ name: 'US open', teamId: team, countryCode: 'US' });
    // Stage New alone: 31/42 · 31/31 vs 11/42 · 11/11; with the country: · 31/32 vs · 1/12 (ID), · 1/32 vs · 11/12 (US).
    const expected = (won: number, lost: number) => (Math.round((10000 * won) / (won + lost)) / 100).toFixed(2);
    expect(indonesian.automatedProbability).toBe(expected((31 / 42) * (31 / 32), (11 / 42) * (1 / 12)));
    expect(american.automatedProbability).toBe(expected((31 / 42) * (1 / 32), (11 / 42) * (11 / 12)));
    expect(american).toMatchObject({ probabilityIsManual: false });

    const typed = (await call('updateOpportunity', { id: american.id, probability: '55', expectedRevenue: '1000' }, 'UpdateOpportunityInput')).data!.updateOpportunity.opportunity;
    expect(typed).toMatchObject({ probability: '55.00', probabilityIsManual: true, proratedRevenue: '550.00', automatedProbability: american.automatedProbability });
    const movedOn = (await call('moveOpportunity', { id: american.id, stageId: stages['Qualified'] }, 'MoveOpportunityInput')).data!.moveOpportunity.opportunity;
    expect(movedOn).toMatchObject({ probability: '55.00', probabilityIsManual: true });
    expect(movedOn.automatedProbability).not.toBe(american.automatedProbability);
    const reset = (await call('updateOpportunity', { id: american.id, resetProbability: true }, 'UpdateOpportunityInput')).data!.updateOpportunity.opportunity;
    expect(reset).toMatchObject({ probabilityIsManual: false, probability: movedOn.automatedProbability });

    await db.query('DELETE FROM pipeline.scoring_frequency WHERE team_id = $1', [team]);
    const rebuilt = await api.data(`mutation { rebuildLeadScoring(input: { teamId: "${team}" }) { closedCount updatedCount } }`);
    expect(rebuilt.rebuildLeadScoring).toEqual({ closedCount: 4, updatedCount: 0 });
    const table = await db.query(`SELECT won_tenths, lost_tenths FROM pipeline.scoring_frequency WHERE team_id = $1 AND variable = '__total__'`, [team]);
    expect(table.rows).toEqual([{ won_tenths: '31', lost_tenths: '11' }]);

    // A lead (no stage) is scored on its other fields, as Odoo scores leads: the same as at New, where converting puts it.
    const lead = await create({ name: 'ID lead', teamId: team, countryCode: 'ID', expectedRevenue: '1000' }, 'createLead', 'CreateLeadInput');
    expect(lead).toMatchObject({ type: 'LEAD', stage: null, automatedProbability: indonesian.automatedProbability, probability: indonesian.automatedProbability });
    expect(lead.proratedRevenue).toBe((Math.round(1000 * Number(indonesian.automatedProbability)) / 100).toFixed(2));
    expect((await events(lead.id))[0]!.data).toMatchObject({ state: { probability: lead.probability, proratedRevenue: lead.proratedRevenue } });
    const usLead = await create({ name: 'US lead', teamId: team, countryCode: 'US' }, 'createLead', 'CreateLeadInput');
    expect(usLead.automatedProbability).toBe(american.automatedProbability);
    const converted = (await call('convertToOpportunity', { id: lead.id }, 'ConvertToOpportunityInput')).data!.convertToOpportunity.opportunity;
    expect(converted).toMatchObject({ stage: { name: 'New' }, probability: lead.probability, proratedRevenue: lead.proratedRevenue });
  });

  async function publish(topic: string, event: ReturnType<typeof stateEvent>): Promise<void> {
    const producer = new Kafka({ clientId: 'test', brokers: env.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const record = toKafkaRecord(event);
    await producer.send({ topic: `${env.topicPrefix}${topic}`, messages: [{ key: record.key, value: record.value, headers: record.headers }] });
    await producer.disconnect();
  }

  it('marks the opportunity won when a confirmed order says its team wants it (crm.sales.quotation.confirmed)', async () => {
    const team = await api.data(`mutation { createSalesTeam(input: { name: "Orders win", orderConfirmationMarksWon: true }) { salesTeam { id orderConfirmationMarksWon } } }`);
    expect(team.createSalesTeam.salesTeam.orderConfirmationMarksWon).toBe(true);
    const o = await create({ name: 'Chairs order', teamId: team.createSalesTeam.salesTeam.id, stageId: stages['Proposition'] });
    const confirmed = (opportunityId: string, marksOpportunityWon: boolean) =>
      stateEvent({
        subgraph: 'sales',
        aggregate: 'quotation',
        event: 'confirmed',
        state: {
          id: '0193a2b4-0000-7000-8000-0000000d0001',
          number: 'S00042',
          customerId: '0193a2b4-0000-7000-8000-0000000c0001',
          opportunityId,
          currency: 'IDR',
          amountUntaxed: '100000000.00',
          amountTax: '11000000.00',
          amountTotal: '111000000.00',
          state: 'sale',
          version: 3,
          createdAt: clock.now().toISOString(),
          updatedAt: clock.now().toISOString(),
        },
        extra: { marksOpportunityWon },
        time: clock.now(),
      });
    const other = await create({ name: 'Not marked' });
    await publish('crm.sales.quotation', confirmed(other.id, false));
    await publish('crm.sales.quotation', confirmed(o.id, true));
    await eventually(async () => {
      const read = await api.data(`{ opportunity(id: "${o.id}") { status stage { name } probability } }`);
      expect(read.opportunity).toEqual({ status: 'WON', stage: { name: 'Won' }, probability: '100.00' });
    });
    expect((await events(o.id)).map((e) => e.type)).toEqual(['created', 'stage_changed', 'won']);
    expect((await events(o.id))[2]!.data).toMatchObject({ cause: 'crm.sales.quotation.confirmed.v1', quotationId: '0193a2b4-0000-7000-8000-0000000d0001' });
    expect((await api.data(`{ opportunity(id: "${other.id}") { status } }`)).opportunity.status).toBe('OPEN');

    const teamId = team.createSalesTeam.salesTeam.id;
    const updated = await api.data(
      `mutation { updateSalesTeam(input: { id: "${teamId}", expectedVersion: 1, orderConfirmationMarksWon: false, invoicingTarget: "250000000", memberIds: ["${o.id}"] }) { salesTeam { version orderConfirmationMarksWon invoicingTarget memberIds } } }`,
    );
    expect(updated.updateSalesTeam.salesTeam).toEqual({ version: 2, orderConfirmationMarksWon: false, invoicingTarget: '250000000.00', memberIds: [o.id] });
    const stale = await api.request(`mutation { updateSalesTeam(input: { id: "${teamId}", expectedVersion: 1, name: "x" }) { salesTeam { id } } }`);
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const teamEvents = (await db.query('SELECT event_type, payload FROM pipeline.outbox WHERE message_key = $1 ORDER BY seq', [teamId])).rows;
    expect(teamEvents.map((r) => r.event_type)).toEqual(['crm.pipeline.team.created.v1', 'crm.pipeline.team.updated.v1']);
    expect(JSON.parse(teamEvents[1].payload).changes).toMatchObject({ orderConfirmationMarksWon: { from: true, to: false } });
  });

  it('follows contact.merged: re-points customers of merged contacts, with updated events', async () => {
    const target = '0193a2b4-0000-7000-8000-0000000c0010';
    const gone = '0193a2b4-0000-7000-8000-0000000c0011';
    const o = await create({ name: 'Merged customer deal', customerId: gone });
    const event = stateEvent({
      subgraph: 'contacts',
      aggregate: 'contact',
      event: 'merged',
      state: { id: target, name: 'PT Avengers Initiative', version: 3, createdAt: clock.now().toISOString(), updatedAt: clock.now().toISOString(), countryCode: 'ID' },
      extra: { mergedIds: [gone] },
      time: clock.now(),
    });
    await publish('crm.contacts.contact', event);
    await eventually(async () => {
      const read = await api.data(`{ opportunity(id: "${o.id}") { customer { id } version } }`);
      expect(read.opportunity).toEqual({ customer: { id: target }, version: 2 });
    });
    const published = await events(o.id);
    expect(published.map((e) => e.type)).toEqual(['created', 'updated']);
    expect(published[1]!.data).toMatchObject({ changes: { customerId: { from: gone, to: target } }, cause: 'crm.contacts.contact.merged.v1' });
    expect((await api.data(`{ opportunities(filter: { text: "avengers initiative", customerIds: ["${target}"] }) { totalCount } }`)).opportunities.totalCount).toBe(1);
  });

  it('fills a lead from its chosen customer’s master data: the dealer’s KTP, address, occupation — and priority High by the rule (seed 002)', async () => {
    const customerId = '0193a2b4-0000-7000-8000-0000000c0020';
    const state = {
      id: customerId,
      name: 'RESTU ANDIKA PRADANA PUTRA',
      phone: '+6285845164510',
      nationalId: '6472020504010003',
      street: 'JL.CIPTO MANGUNKUSUMO',
      city: 'Samarinda',
      occupationName: 'Mahasiswa/Pelajar',
      countryCode: 'ID',
      version: 1,
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    };
    await publish('crm.contacts.contact', stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'created', state, time: clock.now() }));
    await eventually(async () => {
      expect((await db.query('SELECT national_id FROM pipeline.contact_copy WHERE id = $1', [customerId])).rows).toEqual([{ national_id: '6472020504010003' }]);
    });
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Samarinda workshop", useLeads: true }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    await api.data(`mutation { createPipeline(input: { teamId: "${team}", templateKey: "dealer-h23-follow-up", isDefault: true }) { pipeline { id } } }`);
    const lead = await api.data(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { phone priority properties { key value } } } }`,
      { input: { name: 'KPB 3 service reminder', teamId: team, customerId, properties: [{ key: 'street', value: 'JL. P. SURYANATA' }] } },
    );
    const o = lead.createLead.opportunity;
    const props = Object.fromEntries(o.properties.filter((p: any) => p.value !== null).map((p: any) => [p.key, p.value]));
    // What the branch typed stays; the rest comes from the customer master.
    expect(props).toEqual({ nationalId: '6472020504010003', street: 'JL. P. SURYANATA', city: 'Samarinda', occupation: 'MAHASISWA' });
    expect(o).toMatchObject({ phone: '+6285845164510', priority: 2 });
  });
  it('proposes duplicates by phone number in E.164: national and international forms, national ones read in the branch’s country', async () => {
    const state = { id: 'KUL01', name: 'Kuala Lumpur', countryCode: 'MY', timeZone: 'Asia/Kuala_Lumpur', defaultPhoneCountry: 'MY', active: true, version: 1 };
    await publish('crm.contacts.branch', stateEvent({ subgraph: 'contacts', aggregate: 'branch', event: 'created', state, time: clock.now() }));
    await eventually(async () =>
      expect((await db.query(`SELECT default_phone_country FROM pipeline.branch_copy WHERE id = 'KUL01'`)).rows).toEqual([{ default_phone_country: 'MY' }]),
    );
    const duplicates = async (id: string) => (await api.data(`{ opportunity(id: "${id}") { duplicates { name } } }`)).opportunity.duplicates.map((d: any) => d.name);
    // As seed 002's lead form writes a number (0858-…) and contacts keeps it (+62858…): the same phone.
    const lead = await create({ name: 'Budi: KPB 2 reminder', phone: '0858-1234-5670' }, 'createLead', 'CreateLeadInput');
    await create({ name: 'Budi: service', phone: '+62 858 1234 5670', stageId: stages['Qualified'] });
    await create({ name: 'Another number', phone: '+62 858 1234 5671' });
    expect(await duplicates(lead.id)).toEqual(['Budi: service']);
    // A national number of a Malaysian branch is a Malaysian number; the same digits at head office are Indonesian.
    const kl = await create({ name: 'KL walk-in', phone: '03-2345 6789', branchId: 'KUL01' });
    await create({ name: 'KL by its international number', phone: '+60 3-2345 6789' });
    await create({ name: 'Jakarta, same digits', phone: '03-2345 6789' });
    expect(await duplicates(kl.id)).toEqual(['KL by its international number']);
    expect((await db.query('SELECT phone_e164 FROM pipeline.opportunity WHERE id = $1', [kl.id])).rows[0].phone_e164).toBe('+60323456789');
  });
});
