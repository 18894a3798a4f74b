import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { pipelineModule } from '../src/module';

/**
 * The lists of issue 4 on real Postgres: leads(…) beside opportunities(…), every filter the
 * issue names (team, pipeline, stage, salesperson, won/lost/active, created and closing date
 * ranges, priority), and edits refused with a typed error and nothing changed.
 */
describe('pipeline lists and edits (integration)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const clock = new ManualClock('2026-11-23T02:00:00Z');
  const alice = '0193a2b4-0000-7000-8000-00000000a11c';
  const bob = '0193a2b4-0000-7000-8000-0000000000b0';
  /** In no team: their records stay in the default team. */
  const carol = '0193a2b4-0000-7000-8000-0000000000c0';
  let stages: Record<string, string>;
  let team: string;
  let pipelineId: string;
  const ids: Record<string, string> = {};

  const create = async (input: Record<string, unknown>, mutation = 'createOpportunity', type = 'CreateOpportunityInput') =>
    (await api.data(`mutation($input: ${type}!) { ${mutation}(input: $input) { opportunity { id version } } }`, { input }))[mutation].opportunity as {
      id: string;
      version: number;
    };
  const names = async (list: 'opportunities' | 'leads', filter: Record<string, unknown>) => {
    const data = await api.data(`query($filter: OpportunityFilter) { ${list}(filter: $filter, orderBy: { field: NAME }, first: 100) { totalCount edges { node { name } } } }`, {
      filter,
    });
    const found = data[list].edges.map((e: any) => e.node.name);
    expect(data[list].totalCount).toBe(found.length);
    return found;
  };
  const row = async (id: string) => (await db.query('SELECT version, expected_revenue::text, probability::text, currency, status FROM pipeline.opportunity WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    env = await createTestEnv('pipelinelists');
    stack = await startStack({ env, modules: [pipelineModule], clock });
    api = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    stages = Object.fromEntries((await api.data(`{ stages { id name } }`)).stages.map((s: any) => [s.name, s.id]));
    const created = await api.data(`mutation { createSalesTeam(input: { name: "Lists", useLeads: true, memberIds: ["${alice}", "${bob}"] }) { salesTeam { id pipelines { id } } } }`);
    team = created.createSalesTeam.salesTeam.id;
    pipelineId = created.createSalesTeam.salesTeam.pipelines[0].id;
    // The shipped team skips the lead step until leads are switched on (as in Odoo); carol's leads go there.
    const defaultTeam = (await api.data(`{ salesTeams { id isDefault } }`)).salesTeams.find((t: any) => t.isDefault).id;
    await api.data(`mutation { updateSalesTeam(input: { id: "${defaultTeam}", useLeads: true }) { salesTeam { useLeads } } }`);

    ids['Alpha'] = (await create({ name: 'Alpha', teamId: team, salespersonId: alice, priority: 3, expectedClosing: '2026-12-01' })).id;
    clock.advance(24 * 3600_000);
    ids['Bravo'] = (await create({ name: 'Bravo', teamId: team, salespersonId: bob, stageId: stages['Qualified'], priority: 1, expectedClosing: '2027-01-15' })).id;
    clock.advance(24 * 3600_000);
    ids['Charlie'] = (await create({ name: 'Charlie', salespersonId: null, priority: 2 })).id;
    ids['Delta'] = (await create({ name: 'Delta', salespersonId: carol })).id;
    ids['Echo'] = (await create({ name: 'Echo', salespersonId: carol })).id;
    await api.data(`mutation { markWon(input: { id: "${ids['Delta']}" }) { opportunity { id } } }`);
    await api.data(`mutation { markLost(input: { id: "${ids['Echo']}" }) { opportunity { id } } }`);
    ids['Lead one'] = (await create({ name: 'Lead one', teamId: team, email: 'one@example.com' }, 'createLead', 'CreateLeadInput')).id;
    ids['Lead two'] = (await create({ name: 'Lead two', salespersonId: carol }, 'createLead', 'CreateLeadInput')).id;
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('lists leads apart from opportunities, with the same filters', async () => {
    expect(await names('leads', {})).toEqual(['Lead one', 'Lead two']);
    expect(await names('leads', { teamIds: [team] })).toEqual(['Lead one']);
    expect(await names('leads', { salespersonIds: [carol] })).toEqual(['Lead two']);
    expect(await names('opportunities', {})).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
  });

  it('filters by team, pipeline, stage and salesperson', async () => {
    expect(await names('opportunities', { teamIds: [team] })).toEqual(['Alpha', 'Bravo']);
    expect(await names('opportunities', { pipelineIds: [pipelineId] })).toEqual(['Alpha', 'Bravo']);
    expect(await names('opportunities', { stageIds: [stages['Qualified']] })).toEqual(['Bravo']);
    expect(await names('opportunities', { salespersonIds: [alice, carol] })).toEqual(['Alpha', 'Delta']);
    expect(await names('opportunities', { salespersonIds: [carol], unassigned: true })).toEqual(['Charlie', 'Delta']);
  });

  it('filters won, lost and active, and archived ones', async () => {
    expect(await names('opportunities', { status: ['WON'] })).toEqual(['Delta']);
    expect(await names('opportunities', { status: ['LOST'] })).toEqual(['Echo']);
    expect(await names('opportunities', { status: ['OPEN'] })).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(await names('opportunities', { archived: 'ARCHIVED' })).toEqual(['Echo']);
    expect(await names('opportunities', { archived: 'ALL' })).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
  });

  it('filters by created and expected closing date ranges, and priority', async () => {
    expect(await names('opportunities', { createdFrom: '2026-11-24T00:00:00Z' })).toEqual(['Bravo', 'Charlie', 'Delta']);
    expect(await names('opportunities', { createdTo: '2026-11-24T00:00:00Z' })).toEqual(['Alpha']);
    expect(await names('opportunities', { closingFrom: '2026-12-01', closingTo: '2026-12-31' })).toEqual(['Alpha']);
    expect(await names('opportunities', { closingFrom: '2026-12-02' })).toEqual(['Bravo']);
    expect(await names('opportunities', { priorityAtLeast: 2 })).toEqual(['Alpha', 'Charlie']);
    const overdueLater = await api.request(`{ opportunities(filter: { priorityAtLeast: 4 }) { totalCount } }`);
    expect(overdueLater.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.priorityAtLeast' });
  });

  it('refuses bad edits with a typed error and changes nothing', async () => {
    const id = ids['Alpha']!;
    const before = await row(id);
    for (const [input, code, field] of [
      [{ expectedRevenue: '-5' }, 'BAD_USER_INPUT', 'expectedRevenue'],
      [{ probability: '100.01' }, 'BAD_USER_INPUT', 'probability'],
      [{ probability: '-1' }, 'BAD_USER_INPUT', 'probability'],
      [{ currency: 'ABC' }, 'BAD_USER_INPUT', 'currency'],
      [{ priority: -1 }, 'BAD_USER_INPUT', 'priority'],
      [{ teamId: '0193a2b4-0000-7000-8000-000000000999' }, 'BAD_USER_INPUT', 'teamId'],
      [{ expectedVersion: before.version + 1, name: 'x' }, 'CONFLICT', undefined],
    ] as const) {
      const result = await api.request(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, {
        input: { id, ...input },
      });
      expect(result.errors?.[0]?.extensions).toMatchObject(field ? { code, field } : { code });
    }
    expect(await row(id)).toEqual(before);
  });

  it('refuses transitions the state machine does not allow, changing nothing', async () => {
    const won = ids['Delta']!;
    const lead = ids['Lead one']!;
    const [wonBefore, leadBefore] = [await row(won), await row(lead)];
    for (const [mutation, id] of [
      ['markWon', won],
      ['markLost', won],
      ['restoreOpportunity', won],
      ['unarchiveOpportunity', won],
      ['markWon', lead],
    ] as const) {
      const type = mutation === 'markLost' ? 'MarkLostInput' : 'OpportunityRefInput';
      const result = await api.request(`mutation($input: ${type}!) { ${mutation}(input: $input) { opportunity { id } } }`, { input: { id } });
      expect([mutation, result.errors?.[0]?.extensions?.code]).toEqual([mutation, 'INVALID_TRANSITION']);
    }
    // A won opportunity is 100 %: a typed probability is refused, not silently overridden with a new version.
    const typed = await api.request(`mutation { updateOpportunity(input: { id: "${won}", probability: "50" }) { opportunity { id } } }`);
    expect(typed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'probability' });
    const move = await api.request(`mutation { moveOpportunity(input: { id: "${lead}", stageId: "${stages['Qualified']}" }) { opportunity { id } } }`);
    expect(move.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect([await row(won), await row(lead)]).toEqual([wonBefore, leadBefore]);
  });

  it('reopens a won opportunity by moving it out of the won stage (probability automated again)', async () => {
    const won = ids['Delta']!;
    const reopened = await api.data(
      `mutation { moveOpportunity(input: { id: "${won}", stageId: "${stages['Proposition']}" }) { opportunity { status probability automatedProbability probabilityIsManual dateClosed } } }`,
    );
    const o = reopened.moveOpportunity.opportunity;
    expect(o).toMatchObject({ status: 'OPEN', probabilityIsManual: false, dateClosed: null });
    expect(o.probability).toBe(o.automatedProbability);
    expect(Number(o.probability)).toBeLessThan(100);
  });

  it('proposes a lead’s likely duplicates for conversion: same customer, e-mail or phone, lost ones too', async () => {
    const customerId = '0193a2b4-0000-7000-8000-0000000c0042';
    const lead = (await create({ name: 'Dup lead', email: 'Pepper@Stark.com', phone: '+62 21 555-0100', customerId }, 'createLead', 'CreateLeadInput')).id;
    const byEmail = (await create({ name: 'Dup by e-mail', email: 'pepper@stark.com' })).id;
    // The national form of the same number (compared in E.164, not by digits).
    const byPhone = (await create({ name: 'Dup by phone', phone: '021-555 0100' }, 'createLead', 'CreateLeadInput')).id;
    const byCustomer = (await create({ name: 'Dup by customer', customerId, stageId: stages['Proposition'] })).id;
    const lost = (await create({ name: 'Dup lost', email: 'PEPPER@stark.com' })).id;
    await api.data(`mutation { markLost(input: { id: "${lost}" }) { opportunity { id } } }`);
    await create({ name: 'Not a duplicate', email: 'tony@stark.com', phone: '+62 21 555 0101' });
    const read = await api.data(`{ opportunity(id: "${lead}") { duplicates { name } } }`);
    // Opportunities first, the most advanced stage first (the one Odoo would keep), then leads.
    expect(read.opportunity.duplicates.map((d: any) => d.name)).toEqual(['Dup by customer', 'Dup by e-mail', 'Dup lost', 'Dup by phone']);
    const converted = await api.data(
      `mutation($input: ConvertToOpportunityInput!) { convertToOpportunity(input: $input) { opportunity { id name duplicates { name } } } }`,
      { input: { id: lead, mergeWithIds: [byEmail, byPhone, byCustomer] } },
    );
    expect(converted.convertToOpportunity.opportunity).toEqual({ id: byCustomer, name: 'Dup by customer', duplicates: [{ name: 'Dup lost' }] });
    // Only those the user may see.
    const carols = (await create({ name: 'Carol’s deal', email: 'pepper@stark.com', salespersonId: carol })).id;
    const duplicatesOf = async (client: GraphQLClient) => (await client.data(`{ opportunity(id: "${carols}") { duplicates { name } } }`)).opportunity.duplicates;
    expect(await duplicatesOf(api)).toEqual([{ name: 'Dup by customer' }, { name: 'Dup lost' }]);
    expect(await duplicatesOf(stack.client(await testToken({ id: carol, role: 'user_own' })))).toEqual([]);
  });
});
