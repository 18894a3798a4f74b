import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 002 through the gateway: a motorcycle dealer's workshop follow-up process, shipped as
 * configuration (the dealer-h23-follow-up template): a branch's lead is converted (creating
 * the customer in the contacts subgraph), followed up three times with the prospect rating
 * and customer status, the next follow-up planned 7 days ahead, the lead's data locked from
 * Follow Up 1 on, and won.
 */
const CARD = `id number version status stage { name } probability properties { key value displayValue }`;

describe('pipeline e2e: the dealer follow-up process (seed 002) as configuration', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let branch: GraphQLClient;
  let db: Client;
  const clock = new ManualClock('2020-07-11T02:00:00Z');
  let teamId: string;
  let pipelineId: string;
  let stages: Record<string, string>;
  let id: string;
  let customerId: string;

  const prop = (o: any, key: string) => o.properties.find((p: any) => p.key === key)?.value ?? null;

  beforeAll(async () => {
    env = await createTestEnv('pipelinedealer');
    stack = await startFullStack(env, clock);
    // Converting with a new customer calls the contacts subgraph's createContact.
    process.env['CONTACTS_URL'] = stack.subgraph('contacts').url;
    admin = stack.client(await testToken({ role: 'admin' }));
    branch = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'], tz: 'Asia/Makassar' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    // The dealer's branch, as head office registers it in the contacts subgraph (the customer
    // master refuses a contact of an unknown branch, and the branch event reaches the others).
    await admin.data(
      `mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`,
      { input: { id: 'SAM01', name: 'SAMARINDA', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' } },
    );
  });

  afterAll(async () => {
    delete process.env['CONTACTS_URL'];
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('creates the dealer pipeline from the shipped template', async () => {
    const templates = await admin.data(`{ pipelineTemplates { key stageNames } }`);
    expect(templates.pipelineTemplates).toContainEqual({
      key: 'dealer-h23-follow-up',
      stageNames: ['New', 'Follow Up 1', 'Follow Up 2', 'Follow Up 3', 'Won'],
    });
    const team = await admin.data(`mutation { createSalesTeam(input: { name: "Daya Motor Workshop H23", currency: "IDR", useLeads: true }) { salesTeam { id } } }`);
    teamId = team.createSalesTeam.salesTeam.id;
    const created = await admin.data(
      `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { id name sharedStages stages { id name probability isWon gates { requiredFields editableFields } } } } }`,
      { input: { teamId, templateKey: 'dealer-h23-follow-up', isDefault: true } },
    );
    const pipeline = created.createPipeline.pipeline;
    pipelineId = pipeline.id;
    expect(pipeline.sharedStages).toBe(false);
    expect(pipeline.stages.map((s: any) => [s.name, s.probability])).toEqual([
      ['New', '10.00'],
      ['Follow Up 1', '25.00'],
      ['Follow Up 2', '50.00'],
      ['Follow Up 3', '70.00'],
      ['Won', '100.00'],
    ]);
    expect(pipeline.stages[1].gates.requiredFields).toEqual(['properties.followUp1', 'properties.prospectRating', 'properties.customerStatus']);
    stages = Object.fromEntries(pipeline.stages.map((s: any) => [s.name, s.id]));
  });

  it('numbers a branch lead LDS/SAM01/2007/00001 and converts it, creating the customer in contacts', async () => {
    const lead = await branch.data(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id number type branchId stage { name } } } }`,
      {
        input: {
          name: 'KPB 3 service reminder',
          teamId,
          contactName: 'RESTU ANDIKA PRADANA PUTRA',
          phone: '085845164510',
          properties: [
            { key: 'occupation', value: 'MAHASISWA' },
            { key: 'serviceRecommendation', value: 'KPB' },
            { key: 'kpbNumber', value: '3' },
            { key: 'kpbExpiry', value: '2020-07-31' },
            { key: 'engineNumber', value: 'KF41E1693525' },
          ],
        },
      },
    );
    id = lead.createLead.opportunity.id;
    expect(lead.createLead.opportunity).toMatchObject({ number: 'LDS/SAM01/2007/00001', type: 'LEAD', branchId: 'SAM01', stage: null });

    const converted = await branch.data(
      `mutation { convertToOpportunity(input: { id: "${id}", customer: { action: CREATE } }) { opportunity { ${CARD} type customer { id name } } } }`,
    );
    const o = converted.convertToOpportunity.opportunity;
    expect(o).toMatchObject({ type: 'OPPORTUNITY', stage: { name: 'New' }, customer: { name: 'RESTU ANDIKA PRADANA PUTRA' } });
    expect(prop(o, 'occupation')).toBe('MAHASISWA');
    const contact = await db.query('SELECT name, branch_id, phone FROM contacts.contact WHERE id = $1', [o.customer.id]);
    // The new customer takes the lead's branch and phone (as Odoo prepares the partner from the lead).
    expect(contact.rows).toEqual([{ name: 'RESTU ANDIKA PRADANA PUTRA', branch_id: 'SAM01', phone: '+6285845164510' }]);
    customerId = o.customer.id;
  });

  it('sends the branch’s corrections of phone, KTP and address on the lead to the customer master (seed 002, real events)', async () => {
    await branch.data(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, {
      input: {
        id,
        phone: '0852 9423 3849',
        properties: [
          { key: 'nationalId', value: '6472020504010003' },
          { key: 'street', value: 'JL. P. SURYANATA GG. MAWAR NO. 12' },
          { key: 'city', value: 'Samarinda' },
        ],
      },
    });
    const master = await eventually(async () => {
      const c = (await admin.data(`query($id: ID!) { contact(id: $id) { phone phoneEntered nationalId street city version } }`, { id: customerId })).contact;
      expect(c.version).toBe(2);
      return c;
    });
    expect(master).toEqual({
      phone: '+6285294233849',
      phoneEntered: '0852 9423 3849',
      nationalId: '6472020504010003',
      street: 'JL. P. SURYANATA GG. MAWAR NO. 12',
      city: 'Samarinda',
      version: 2,
    });
    // The template's rule: with the KTP number and phone known, the lead's priority turns High by itself.
    expect((await branch.data(`{ opportunity(id: "${id}") { priority } }`)).opportunity.priority).toBe(2);
  });

  it('refuses Follow Up 1 without its date, rating and status, and changes nothing', async () => {
    const before = await db.query('SELECT version FROM pipeline.opportunity WHERE id = $1', [id]);
    const refused = await branch.request(`mutation { moveOpportunity(input: { id: "${id}", stageId: "${stages['Follow Up 1']}" }) { opportunity { id } } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'properties.followUp1',
      missing: ['properties.followUp1', 'properties.prospectRating', 'properties.customerStatus'],
    });
    expect((await db.query('SELECT version FROM pipeline.opportunity WHERE id = $1', [id])).rows).toEqual(before.rows);
  });

  it('moves to Follow Up 1 with them and plans Follow Up 2 seven days later', async () => {
    const moved = await branch.data(
      `mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { ${CARD} } } }`,
      {
        input: {
          id,
          stageId: stages['Follow Up 1'],
          properties: [
            { key: 'followUp1', value: '2020-07-11' },
            { key: 'prospectRating', value: 'COLD' },
            { key: 'customerStatus', value: 'Terhubung' },
          ],
        },
      },
    );
    const o = moved.moveOpportunity.opportunity;
    expect(o.stage.name).toBe('Follow Up 1');
    expect(prop(o, 'nextPlanFollowUp2')).toBe('2020-07-18');
    expect(prop(o, 'customerStatus')).toBe('TERHUBUNG');
    expect(o.properties.find((p: any) => p.key === 'prospectRating').displayValue).toMatch(/^COLD PROSPECT/);
  });

  it('locks the lead’s data from Follow Up 1 on: only the follow-up fields change', async () => {
    const before = await db.query('SELECT version, phone, properties FROM pipeline.opportunity WHERE id = $1', [id]);
    for (const [input, field] of [
      [{ phone: '081200000000' }, 'phone'],
      [{ properties: [{ key: 'occupation', value: 'OJEK' }] }, 'properties.occupation'],
    ] as const) {
      const locked = await branch.request(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, {
        input: { id, ...input },
      });
      expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, locked: true, stageName: 'Follow Up 1' });
    }
    expect((await db.query('SELECT version, phone, properties FROM pipeline.opportunity WHERE id = $1', [id])).rows).toEqual(before.rows);
    const allowed = await branch.data(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { ${CARD} } } }`, {
      input: { id, properties: [{ key: 'prospectRating', value: 'MEDIUM' }, { key: 'note', value: 'Will come Saturday' }] },
    });
    expect(prop(allowed.updateOpportunity.opportunity, 'prospectRating')).toBe('MEDIUM');
  });

  it('follows up twice more; Follow Up 1 and its plan stay locked; won freezes everything', async () => {
    clock.advance(7 * 24 * 3600 * 1000);
    const fu2 = await branch.data(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { ${CARD} } } }`, {
      input: { id, stageId: stages['Follow Up 2'], properties: [{ key: 'followUp2', value: '2020-07-18' }] },
    });
    expect(prop(fu2.moveOpportunity.opportunity, 'nextPlanFollowUp3')).toBe('2020-07-25');
    const locked = await branch.request(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, {
      input: { id, properties: [{ key: 'followUp1', value: '2020-07-12' }] },
    });
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties.followUp1', locked: true });

    clock.advance(7 * 24 * 3600 * 1000);
    const fu3 = await branch.data(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { ${CARD} } } }`, {
      input: { id, stageId: stages['Follow Up 3'], properties: [{ key: 'followUp3', value: '2020-07-25' }, { key: 'prospectRating', value: 'HOT' }] },
    });
    expect(fu3.moveOpportunity.opportunity).toMatchObject({ stage: { name: 'Follow Up 3' }, probability: '70.00' });

    const won = await branch.data(`mutation { markWon(input: { id: "${id}" }) { opportunity { ${CARD} } } }`);
    expect(won.markWon.opportunity).toMatchObject({ status: 'WON', stage: { name: 'Won' }, probability: '100.00' });
    const frozen = await branch.request(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, {
      input: { id, properties: [{ key: 'note', value: 'changed' }] },
    });
    expect(frozen.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', locked: true, stageName: 'Won' });
    // Not even the stage: dragging it back to Follow Up 3 would reopen it.
    const back = await branch.request(`mutation { moveOpportunity(input: { id: "${id}", stageId: "${stages['Follow Up 3']}" }) { opportunity { id } } }`);
    expect(back.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId', locked: true, stageName: 'Won' });
  });

  it('shows the board of the dealer pipeline and publishes each step with its properties', async () => {
    const board = await branch.data(`{ pipelineBoard(teamId: "${teamId}") { pipeline { id } columns { stage { name } count } } }`);
    expect(board.pipelineBoard.pipeline.id).toBe(pipelineId);
    expect(board.pipelineBoard.columns.map((c: any) => [c.stage.name, c.count])).toEqual([
      ['New', 0],
      ['Follow Up 1', 0],
      ['Follow Up 2', 0],
      ['Follow Up 3', 0],
      ['Won', 1],
    ]);
    const messages = (
      await readTopic(env.brokers, `${env.topicPrefix}crm.pipeline.opportunity`, (ms) =>
        ms.some((m) => m.key === id && m.headers['ce_type'] === 'crm.pipeline.opportunity.won.v1'),
      )
    ).filter((m) => m.key === id);
    expect(messages.map((m) => m.headers['ce_type']!.replace('crm.pipeline.opportunity.', ''))).toEqual([
      'created.v1',
      'stage_changed.v1',
      'converted.v1',
      'updated.v1',
      'stage_changed.v1',
      'updated.v1',
      'stage_changed.v1',
      'stage_changed.v1',
      'stage_changed.v1',
      'won.v1',
    ]);
    const converted = JSON.parse(messages[2]!.value!);
    expect(converted.createdCustomerId).toBe(converted.state.customerId);
    const fu1 = JSON.parse(messages[4]!.value!);
    expect(fu1).toMatchObject({
      fromStageName: 'New',
      toStageName: 'Follow Up 1',
      state: { branchId: 'SAM01', properties: { followUp1: '2020-07-11', nextPlanFollowUp2: '2020-07-18', prospectRating: 'COLD', customerStatus: 'TERHUBUNG' } },
      changes: { 'properties': { to: expect.objectContaining({ nextPlanFollowUp2: '2020-07-18' }) } },
    });
    expect(JSON.parse(messages[7]!.value!).secondsInPreviousStage).toBe(7 * 24 * 3600);
  });
});
