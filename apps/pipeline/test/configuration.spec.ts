import { Client } from 'pg';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { pipelineModule } from '../src/module';

/**
 * Configuration on real Postgres (issue 4): stages, lost reasons, tags, rates and a team's
 * several pipelines — each change with its event on crm.pipeline.{stage,pipeline}, bad input
 * refused with nothing written.
 */
describe('pipeline configuration (integration)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;

  const outbox = async (key: string) =>
    (await db.query('SELECT event_type, payload FROM pipeline.outbox WHERE message_key = $1 ORDER BY seq', [key])).rows.map((r) => ({
      type: r.event_type as string,
      data: JSON.parse(r.payload),
    }));
  const outboxCount = async () => (await db.query('SELECT count(*)::int AS n FROM pipeline.outbox')).rows[0].n as number;

  beforeAll(async () => {
    env = await createTestEnv('pipelineconfig');
    stack = await startStack({ env, modules: [pipelineModule] });
    api = stack.client(await testToken({ role: 'admin' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('creates, updates and deletes a stage, each with its crm.pipeline.stage event', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Stages" }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const created = await api.data(
      `mutation($input: CreateStageInput!) { createStage(input: $input) { stage { id name sequence folded probability requirements team { id } version } } }`,
      { input: { name: 'Negotiation', teamId: team, sequence: 4, probability: '75', requirements: 'Send the price list' } },
    );
    const stage = created.createStage.stage;
    expect(stage).toMatchObject({ name: 'Negotiation', sequence: 4, folded: false, probability: '75.00', requirements: 'Send the price list', team: { id: team }, version: 1 });
    const stages = await api.data(`{ stages(teamId: "${team}") { name } }`);
    expect(stages.stages.map((s: any) => s.name)).toEqual(['New', 'Qualified', 'Proposition', 'Negotiation', 'Won']);

    const updated = await api.data(`mutation { updateStage(input: { id: "${stage.id}", expectedVersion: 1, folded: true, probability: "80" }) { stage { folded probability version } } }`);
    expect(updated.updateStage.stage).toEqual({ folded: true, probability: '80.00', version: 2 });

    const before = await outboxCount();
    const stale = await api.request(`mutation { updateStage(input: { id: "${stage.id}", expectedVersion: 1, name: "x" }) { stage { id } } }`);
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const tooLikely = await api.request(`mutation { updateStage(input: { id: "${stage.id}", probability: "101" }) { stage { id } } }`);
    expect(tooLikely.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'probability' });
    const notAnId = await api.request(`mutation { updateStage(input: { id: "nope", name: "x" }) { stage { id } } }`);
    expect(notAnId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const o = (await api.data(`mutation { createOpportunity(input: { name: "Held", teamId: "${team}", stageId: "${stage.id}" }) { opportunity { id } } }`))
      .createOpportunity.opportunity.id;
    const afterCreate = await outboxCount();
    const holding = await api.request(`mutation { deleteStage(input: { id: "${stage.id}" }) { stage { id } } }`);
    expect(holding.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await outboxCount()).toBe(afterCreate);
    expect(afterCreate).toBe(before + 1);
    await api.data(`mutation { deleteOpportunity(input: { id: "${o}" }) { deletedId } }`);
    expect((await api.data(`mutation { deleteStage(input: { id: "${stage.id}" }) { stage { id } } }`)).deleteStage.stage.id).toBe(stage.id);

    const events = await outbox(stage.id);
    expect(events.map((e) => e.type)).toEqual(['crm.pipeline.stage.created.v1', 'crm.pipeline.stage.updated.v1', 'crm.pipeline.stage.deleted.v1']);
    expect(events[1]!.data.changes).toMatchObject({ folded: { from: false, to: true }, probability: { from: '75.00', to: '80.00' } });
  });

  it('configures lost reasons: unique names, archived ones no longer offered', async () => {
    const reason = (await api.data(`mutation { createLostReason(input: { name: "No budget" }) { lostReason { id name active version } } }`)).createLostReason.lostReason;
    expect(reason).toMatchObject({ name: 'No budget', active: true, version: 1 });
    const twice = await api.request(`mutation { createLostReason(input: { name: "no BUDGET" }) { lostReason { id } } }`);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });

    const archived = await api.data(`mutation { updateLostReason(input: { id: "${reason.id}", expectedVersion: 1, active: false }) { lostReason { active version } } }`);
    expect(archived.updateLostReason.lostReason).toEqual({ active: false, version: 2 });
    expect((await api.data(`{ lostReasons { name } }`)).lostReasons.map((r: any) => r.name)).not.toContain('No budget');
    expect((await api.data(`{ lostReasons(includeArchived: true) { name } }`)).lostReasons.map((r: any) => r.name)).toContain('No budget');

    const o = (await api.data(`mutation { createOpportunity(input: { name: "Lost for no budget" }) { opportunity { id version } } }`)).createOpportunity.opportunity;
    const refused = await api.request(`mutation { markLost(input: { id: "${o.id}", lostReasonId: "${reason.id}" }) { opportunity { id } } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lostReasonId' });
    expect((await api.data(`{ opportunity(id: "${o.id}") { status version } }`)).opportunity).toEqual({ status: 'OPEN', version: o.version });
  });

  it('configures coloured tags', async () => {
    const tag = (await api.data(`mutation { createOpportunityTag(input: { name: "Urgent", color: 1 }) { tag { id name color version } } }`)).createOpportunityTag.tag;
    const renamed = await api.data(`mutation { updateOpportunityTag(input: { id: "${tag.id}", expectedVersion: 1, name: "Very urgent", color: 9 }) { tag { name color version } } }`);
    expect(renamed.updateOpportunityTag.tag).toEqual({ name: 'Very urgent', color: 9, version: 2 });
    expect((await api.data(`{ opportunityTags { name color } }`)).opportunityTags).toContainEqual({ name: 'Very urgent', color: 9 });
    const badColour = await api.request(`mutation { createOpportunityTag(input: { name: "Rainbow", color: 12 }) { tag { id } } }`);
    expect(badColour.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'color' });
    const user = stack.client(await testToken({ role: 'user_all' }));
    const denied = await user.request(`mutation { updateOpportunityTag(input: { id: "${tag.id}", name: "Mine" }) { tag { id } } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lists the rates in force; only administrators set them, and a rate must be positive', async () => {
    const rates = (await api.data(`{ currencyRates { currency rate } }`)).currencyRates;
    expect(rates).toContainEqual({ currency: 'IDR', rate: expect.stringMatching(/^1(\.0+)?$/) });
    expect(rates.map((r: any) => r.currency)).toContain('USD');
    const user = stack.client(await testToken({ role: 'user_all' }));
    expect((await user.request(`mutation { setCurrencyRate(input: { currency: "SGD", rate: "12000" }) { currencyRate { currency } } }`)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const zero = await api.request(`mutation { setCurrencyRate(input: { currency: "SGD", rate: "0" }) { currencyRate { currency } } }`);
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rate' });
    const set = await api.data(`mutation { setCurrencyRate(input: { currency: "sgd", rate: "12000" }) { currencyRate { currency rate } } }`);
    expect(set.setCurrencyRate.currencyRate).toEqual({ currency: 'SGD', rate: '12000' });
    const o = await api.data(`mutation { createOpportunity(input: { name: "Singapore", currency: "SGD", expectedRevenue: "10" }) { opportunity { currency } } }`);
    expect(o.createOpportunity.opportunity.currency).toBe('SGD');
  });

  it('gives a team several pipelines (by deal type): own boards, moves between them, pipeline events', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Fleet and retail" }) { salesTeam { id pipelines { id name isDefault } } } }`)).createSalesTeam
      .salesTeam;
    expect(team.pipelines).toHaveLength(1);
    const retail = team.pipelines[0];
    const fleet = (
      await api.data(`mutation { createPipeline(input: { teamId: "${team.id}", name: "Fleet", sharedStages: false, sequence: 20 }) { pipeline { id name sharedStages isDefault team { id } version } } }`)
    ).createPipeline.pipeline;
    expect(fleet).toMatchObject({ name: 'Fleet', sharedStages: false, isDefault: false, team: { id: team.id }, version: 1 });
    const tender = (
      await api.data(`mutation { createStage(input: { name: "Tender", pipelineId: "${fleet.id}", sequence: 1, probability: "20" }) { stage { id pipeline { id } } } }`)
    ).createStage.stage;
    const fleetWon = (await api.data(`mutation { createStage(input: { name: "Contract", pipelineId: "${fleet.id}", sequence: 9, isWon: true }) { stage { id } } }`))
      .createStage.stage;
    expect(tender.pipeline.id).toBe(fleet.id);
    const read = await api.data(`{ pipeline(id: "${fleet.id}") { name stages { name isWon } } }`);
    expect(read.pipeline).toEqual({ name: 'Fleet', stages: [{ name: 'Tender', isWon: false }, { name: 'Contract', isWon: true }] });

    // A deal created on the fleet pipeline starts in its first stage; the retail board does not show it.
    const deal = (
      await api.data(`mutation { createOpportunity(input: { name: "30 vans", pipelineId: "${fleet.id}", expectedRevenue: "300" }) { opportunity { id version stage { name } pipeline { id } probability } } }`)
    ).createOpportunity.opportunity;
    expect(deal).toMatchObject({ stage: { name: 'Tender' }, pipeline: { id: fleet.id }, probability: '20.00' });
    const boards = async () =>
      api.data(
        `{ retail: pipelineBoard(teamId: "${team.id}") { pipeline { id } count } fleet: pipelineBoard(pipelineId: "${fleet.id}") { pipeline { id } count columns { stage { name } count } } }`,
      );
    let both = await boards();
    expect(both.retail).toEqual({ pipeline: { id: retail.id }, count: 0 });
    expect(both.fleet.columns).toEqual([
      { stage: { name: 'Tender' }, count: 1 },
      { stage: { name: 'Contract' }, count: 0 },
    ]);

    // Dropped on a stage of the team's other pipeline, it moves there.
    const qualified = (await api.data(`{ pipeline(id: "${retail.id}") { stages { id name } } }`)).pipeline.stages.find((s: any) => s.name === 'Qualified').id;
    const moved = await api.data(`mutation { moveOpportunity(input: { id: "${deal.id}", stageId: "${qualified}" }) { opportunity { stage { name } pipeline { id } } } }`);
    expect(moved.moveOpportunity.opportunity).toEqual({ stage: { name: 'Qualified' }, pipeline: { id: retail.id } });
    both = await boards();
    expect(both.retail.count).toBe(1);
    expect(both.fleet.count).toBe(0);
    const assigned = await api.data(`mutation { assignOpportunity(input: { id: "${deal.id}", pipelineId: "${fleet.id}" }) { opportunity { stage { name } pipeline { id } } } }`);
    expect(assigned.assignOpportunity.opportunity).toEqual({ stage: { name: 'Tender' }, pipeline: { id: fleet.id } });
    const won = await api.data(`mutation { markWon(input: { id: "${deal.id}" }) { opportunity { status stage { id } } } }`);
    expect(won.markWon.opportunity).toEqual({ status: 'WON', stage: { id: fleetWon.id } });

    // Another team's pipeline is refused, on the board and for a deal.
    const other = (await api.data(`mutation { createSalesTeam(input: { name: "Other" }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const board = await api.request(`{ pipelineBoard(teamId: "${other}", pipelineId: "${fleet.id}") { count } }`);
    expect(board.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pipelineId' });
    const foreign = await api.request(`mutation { createOpportunity(input: { name: "x", teamId: "${other}", pipelineId: "${fleet.id}" }) { opportunity { id } } }`);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pipelineId' });

    const renamed = await api.data(`mutation { updatePipeline(input: { id: "${fleet.id}", expectedVersion: 1, name: "Fleet deals", isDefault: true }) { pipeline { name isDefault version } } }`);
    expect(renamed.updatePipeline.pipeline).toEqual({ name: 'Fleet deals', isDefault: true, version: 2 });
    const teamNow = await api.data(`{ salesTeam(id: "${team.id}") { pipelines { name isDefault } } }`);
    expect(teamNow.salesTeam.pipelines).toEqual([
      { name: 'Fleet deals', isDefault: true },
      { name: retail.name, isDefault: false },
    ]);
    const events = await outbox(fleet.id);
    expect(events.map((e) => e.type)).toEqual(['crm.pipeline.pipeline.created.v1', 'crm.pipeline.pipeline.updated.v1']);
    expect(events[1]!.data.changes).toMatchObject({ name: { from: 'Fleet', to: 'Fleet deals' }, isDefault: { from: false, to: true } });
    const retailEvents = await outbox(retail.id);
    expect(retailEvents.at(-1)!.data.changes).toMatchObject({ isDefault: { from: true, to: false } });
  });

  it('applies a pipeline’s rules to leads: the dealer’s Pekerjaan required, priority High once KTP and phone are known (seed 002)', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Dealer rules", useLeads: true }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const dealer = (
      await api.data(`mutation { createPipeline(input: { teamId: "${team}", templateKey: "dealer-h23-follow-up", isDefault: true }) { pipeline { id rules { leadRequiredFields autoValues { field value whenFilled } lostReasonRequired lostIsFinal } } } }`)
    ).createPipeline.pipeline;
    expect(dealer.rules).toEqual({
      leadRequiredFields: ['properties.occupation'],
      autoValues: [{ field: 'priority', value: '2', whenFilled: ['properties.nationalId', 'phone'] }],
      lostReasonRequired: true,
      lostIsFinal: true,
    });
    const lead = (input: Record<string, unknown>) =>
      api.request(`mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id version priority } } }`, { input: { teamId: team, ...input } });

    const before = await outboxCount();
    const incomplete = await lead({ name: 'KPB 1', phone: '085845164510' });
    expect(incomplete.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties.occupation', missing: ['properties.occupation'] });
    expect(await outboxCount()).toBe(before);

    const occupation = { key: 'occupation', value: 'MAHASISWA' };
    const known = await lead({ name: 'KPB 2', phone: '085845164510', properties: [occupation, { key: 'nationalId', value: '6472020504010003' }] });
    expect(known.data!.createLead.opportunity.priority).toBe(2);
    const chosen = await lead({ name: 'KPB 3', phone: '0858', priority: 1, properties: [occupation, { key: 'nationalId', value: '6472' }] });
    expect(chosen.data!.createLead.opportunity.priority).toBe(1);

    // The KTP number arrives later: priority turns High with it; clearing the required field is refused.
    const later = (await lead({ name: 'KPB 4', phone: '0858', properties: [occupation] })).data!.createLead.opportunity;
    expect(later.priority).toBe(0);
    const update = (input: Record<string, unknown>) =>
      api.request(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { version priority } } }`, { input: { id: later.id, ...input } });
    expect((await update({ properties: [{ key: 'nationalId', value: '6472' }] })).data!.updateOpportunity.opportunity).toEqual({ version: 2, priority: 2 });
    expect((await update({ priority: 0 })).data!.updateOpportunity.opportunity).toEqual({ version: 3, priority: 0 });
    expect((await update({ name: 'KPB 4 (called)' })).data!.updateOpportunity.opportunity).toEqual({ version: 4, priority: 0 });
    const cleared = await update({ properties: [{ key: 'occupation', value: null }] });
    expect(cleared.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties.occupation' });
    // The dealer's "Make Leads Lost" pop-up must be filled: no reason, no loss.
    const noReason = await api.request(`mutation { markLost(input: { id: "${later.id}" }) { opportunity { status } } }`);
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lostReasonId' });
    const reason = (await api.data(`{ lostReasons { id name } }`)).lostReasons.find((r: any) => r.name === 'Not reachable (tidak tersambung)').id;
    const lost = await api.data(`mutation { markLost(input: { id: "${later.id}", lostReasonId: "${reason}" }) { opportunity { status version } } }`);
    expect(lost.markLost.opportunity).toEqual({ status: 'LOST', version: 5 });
    // Lost is final there: not carried on.
    const restored = await api.request(`mutation { restoreOpportunity(input: { id: "${later.id}" }) { opportunity { status } } }`);
    expect(restored.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', action: 'restore' });

    // A pipeline's own rules, checked against its fields.
    const unknown = await api.request(
      `mutation { updatePipeline(input: { id: "${dealer.id}", rules: { leadRequiredFields: ["properties.shoeSize"] } }) { pipeline { id } } }`,
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.leadRequiredFields.0' });
    const relaxed = await api.data(
      `mutation { updatePipeline(input: { id: "${dealer.id}", rules: { leadRequiredFields: [] } }) { pipeline { rules { leadRequiredFields autoValues { field } lostReasonRequired lostIsFinal } } } }`,
    );
    expect(relaxed.updatePipeline.pipeline.rules).toEqual({ leadRequiredFields: [], autoValues: [], lostReasonRequired: false, lostIsFinal: false });
    expect((await api.data(`mutation { restoreOpportunity(input: { id: "${later.id}" }) { opportunity { status } } }`)).restoreOpportunity.opportunity.status).toBe('OPEN');
    expect((await lead({ name: 'KPB 5' })).data!.createLead.opportunity.priority).toBe(0);
    const events = await outbox(dealer.id);
    expect(events.at(-1)!.data.changes).toMatchObject({ rules: { to: { leadRequiredFields: [], autoValues: [], lostReasonRequired: false, lostIsFinal: false } } });
  });
});
