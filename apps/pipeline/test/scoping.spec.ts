import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { pipelineModule } from '../src/module';

/**
 * Record visibility inside the SQL: own-documents users see their own records (and the
 * unassigned ones of their teams); lists, counts, board sums and entity references agree.
 */
describe('pipeline record scope (integration)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let alice: GraphQLClient;
  let branchUser: GraphQLClient;
  const aliceId = '0193a2b4-0000-7000-8000-00000000a11c';
  const bobId = '0193a2b4-0000-7000-8000-0000000000b0';
  let teamId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('pipelinescope');
    stack = await startStack({ env, modules: [pipelineModule] });
    admin = stack.client(await testToken({ role: 'admin' }));
    const team = await admin.data(
      `mutation { createSalesTeam(input: { name: "Jakarta", memberIds: ["${aliceId}", "${bobId}"] }) { salesTeam { id } } }`,
    );
    teamId = team.createSalesTeam.salesTeam.id;
    alice = stack.client(await testToken({ id: aliceId, role: 'user_own', teamIds: [teamId] }));
    branchUser = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] }));
    for (const [key, salespersonId, revenue, branchId] of [
      ['alice', aliceId, '1000', 'SAM01'],
      ['bob', bobId, '2000', 'SAM01'],
      ['unassigned', null, '4000', 'MAN01'],
    ] as const) {
      const created = await admin.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
        input: { name: key, teamId, salespersonId, expectedRevenue: revenue, branchId },
      });
      ids[key] = created.createOpportunity.opportunity.id;
    }
    // Not Alice's team, not hers.
    const other = await admin.data(`mutation { createOpportunity(input: { name: "elsewhere", expectedRevenue: "8000" }) { opportunity { id } } }`);
    ids['elsewhere'] = other.createOpportunity.opportunity.id;
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  const namesOf = (connection: any) => connection.edges.map((e: any) => e.node.name).sort();

  it('lists "my pipeline" by default for an own-documents user, and the team’s unassigned ones on request', async () => {
    const mine = await alice.data(`{ opportunities { totalCount edges { node { name } } } }`);
    expect(namesOf(mine.opportunities)).toEqual(['alice']);
    expect(mine.opportunities.totalCount).toBe(1);
    const visible = await alice.data(`{ opportunities(filter: { mine: false }) { totalCount edges { node { name } } } }`);
    expect(namesOf(visible.opportunities)).toEqual(['alice', 'unassigned']);
    expect(visible.opportunities.totalCount).toBe(2);
    const everything = await admin.data(`{ opportunities { totalCount } }`);
    expect(everything.opportunities.totalCount).toBe(4);
  });

  it('sums the board over visible records only', async () => {
    const board = await alice.data(`{ pipelineBoard(teamId: "${teamId}", filter: { mine: false }) { count expectedRevenue columns { count cards { edges { node { name } } } } } }`);
    expect(board.pipelineBoard).toMatchObject({ count: 2, expectedRevenue: '5000.00' });
    const adminBoard = await admin.data(`{ pipelineBoard(teamId: "${teamId}") { count expectedRevenue } }`);
    expect(adminBoard.pipelineBoard).toMatchObject({ count: 3, expectedRevenue: '7000.00' });
  });

  it('hides other records from reads, references and changes alike', async () => {
    const read = await alice.data(`{ opportunity(id: "${ids['bob']}") { id } }`);
    expect(read.opportunity).toBeNull();
    const entities = await alice.data(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { id name } } }`,
      { r: [{ __typename: 'Opportunity', id: ids['bob'] }, { __typename: 'Opportunity', id: ids['alice'] }] },
    );
    expect(entities._entities).toEqual([null, { id: ids['alice'], name: 'alice' }]);
    const change = await alice.request(`mutation { markWon(input: { id: "${ids['bob']}" }) { opportunity { id } } }`);
    expect(change.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('limits branch users to their branches, and their records to them', async () => {
    const list = await branchUser.data(`{ opportunities { edges { node { name branchId } } } }`);
    expect(list.opportunities.edges.map((e: any) => e.node.branchId)).toEqual(['SAM01', 'SAM01']);
    // libs/auth resolveBranch: a foreign branch is FORBIDDEN, a malformed one BAD_USER_INPUT, and a
    // several-branch user must choose — nothing written in each case.
    const countAll = async () => (await admin.data(`{ opportunities(filter: { archived: ALL }) { totalCount } }`)).opportunities.totalCount;
    const before = await countAll();
    const foreign = await branchUser.request(`mutation { createOpportunity(input: { name: "x", branchId: "MAN01" }) { opportunity { id } } }`);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const malformed = await branchUser.request(`mutation { createOpportunity(input: { name: "x", branchId: "SAM 01" }) { opportunity { id } } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const twoBranches = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01', 'MAN01'] }));
    const ambiguous = await twoBranches.request(`mutation { createOpportunity(input: { name: "x" }) { opportunity { id } } }`);
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    expect(await countAll()).toBe(before);
    const chosen = await twoBranches.data(`mutation { createOpportunity(input: { name: "Manado deal", branchId: "man01" }) { opportunity { branchId } } }`);
    expect(chosen.createOpportunity.opportunity.branchId).toBe('MAN01');
    const own = await branchUser.data(`mutation { createOpportunity(input: { name: "branch deal" }) { opportunity { id branchId number version } } }`);
    expect(own.createOpportunity.opportunity.branchId).toBe('SAM01');
    expect(own.createOpportunity.opportunity.number).toMatch(/^LDS\/SAM01\/\d{4}\/00003$/);
    // Edits: moving it to a foreign branch is FORBIDDEN, clearing it BAD_USER_INPUT; head office may clear it.
    const { id, version } = own.createOpportunity.opportunity;
    const away = await branchUser.request(`mutation { updateOpportunity(input: { id: "${id}", branchId: "MAN01" }) { opportunity { id } } }`);
    expect(away.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const cleared = await branchUser.request(`mutation { updateOpportunity(input: { id: "${id}", branchId: null }) { opportunity { id } } }`);
    expect(cleared.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const unchanged = await admin.data(`{ opportunity(id: "${id}") { branchId version } }`);
    expect(unchanged.opportunity).toEqual({ branchId: 'SAM01', version });
    const byHeadOffice = await admin.data(`mutation { updateOpportunity(input: { id: "${id}", branchId: null }) { opportunity { branchId } } }`);
    expect(byHeadOffice.updateOpportunity.opportunity.branchId).toBeNull();
  });

  it('lets only administrators configure', async () => {
    const denied = await alice.request(`mutation { createOpportunityTag(input: { name: "VIP" }) { tag { id } } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await stack.client().request(`{ salesTeams { id } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const teams = await alice.data(`{ salesTeams { name isDefault pipelines { name stages { name } } } }`);
    expect(teams.salesTeams.map((t: any) => t.name)).toEqual(['Sales', 'Jakarta']);
  });
});
