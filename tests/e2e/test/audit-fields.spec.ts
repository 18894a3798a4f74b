import { contactsModule } from '@crm/contacts/src/module';
import { pipelineModule } from '@crm/pipeline/src/module';
import { reportingModule } from '@crm/reporting/src/module';
import { GraphQLClient, createTestEnv, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';

const ALICE = '01934d6e-0000-7000-8000-0000000a1ce0';
const BOB = '01934d6e-0000-7000-8000-000000000b0b';
const AUDIT = 'createdAt updatedAt createdBy updatedBy';

/** Configuration records say who created and who last changed them (issue 8: createdBy/updatedBy everywhere). */
describe('configuration records carry createdBy and updatedBy', () => {
  let env: TestEnv;
  let stack: Stack;
  let as: (subgraph: 'contacts' | 'pipeline' | 'reporting', user: string) => Promise<GraphQLClient>;

  beforeAll(async () => {
    env = await createTestEnv('auditfields');
    stack = await startStack({ env, modules: [contactsModule, pipelineModule, reportingModule] });
    as = async (subgraph, user) => new GraphQLClient(stack.subgraph(subgraph).url, await testToken({ id: user, role: 'admin' }));
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it.each([
    ['contacts', 'Tag', `createTag(input: { name: "VIP" }) { tag { id ${AUDIT} } }`, (id: string) => `updateTag(input: { id: "${id}", name: "Very VIP" }) { tag { id ${AUDIT} } }`],
    ['contacts', 'Occupation', `createOccupation(input: { name: "Nelayan Laut" }) { occupation { id ${AUDIT} } }`, (id: string) => `updateOccupation(input: { id: "${id}", sequence: 7 }) { occupation { id ${AUDIT} } }`],
    ['pipeline', 'SalesTeam', `createSalesTeam(input: { name: "Samarinda" }) { salesTeam { id ${AUDIT} } }`, (id: string) => `updateSalesTeam(input: { id: "${id}", name: "Samarinda H23" }) { salesTeam { id ${AUDIT} } }`],
    ['pipeline', 'Stage', `createStage(input: { name: "Follow Up 1" }) { stage { id ${AUDIT} } }`, (id: string) => `updateStage(input: { id: "${id}", name: "Follow Up 2" }) { stage { id ${AUDIT} } }`],
    ['pipeline', 'LostReason', `createLostReason(input: { name: "Bought a used bike" }) { lostReason { id ${AUDIT} } }`, (id: string) => `updateLostReason(input: { id: "${id}", name: "Bought a used motorcycle" }) { lostReason { id ${AUDIT} } }`],
    ['pipeline', 'OpportunityTag', `createOpportunityTag(input: { name: "Fleet" }) { tag { id ${AUDIT} } }`, (id: string) => `updateOpportunityTag(input: { id: "${id}", name: "Fleets" }) { tag { id ${AUDIT} } }`],
  ] as const)('%s %s: created by one administrator, updated by another', async (subgraph, _type, create, update) => {
    const payload = (data: Record<string, any>) => Object.values(Object.values(data)[0] as Record<string, any>)[0];
    const created = payload(await (await as(subgraph, ALICE)).data(`mutation { ${create} }`));
    expect(created).toMatchObject({ createdBy: ALICE, updatedBy: ALICE, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const updated = payload(await (await as(subgraph, BOB)).data(`mutation { ${update(created.id)} }`));
    expect(updated).toMatchObject({ id: created.id, createdBy: ALICE, updatedBy: BOB, createdAt: created.createdAt });
  });

  it('pipeline Pipeline: created by one administrator, updated by another', async () => {
    const team = (await (await as('pipeline', ALICE)).data(`mutation { createSalesTeam(input: { name: "Manado" }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const created = (await (await as('pipeline', ALICE)).data(`mutation($t: ID!) { createPipeline(input: { teamId: $t, name: "Workshop" }) { pipeline { id ${AUDIT} } } }`, { t: team }))
      .createPipeline.pipeline;
    expect(created).toMatchObject({ createdBy: ALICE, updatedBy: ALICE });
    const updated = (await (await as('pipeline', BOB)).data(`mutation($id: ID!) { updatePipeline(input: { id: $id, name: "Workshop H23" }) { pipeline { ${AUDIT} } } }`, { id: created.id }))
      .updatePipeline.pipeline;
    expect(updated).toMatchObject({ createdBy: ALICE, updatedBy: BOB });
  });

  it('reporting FollowUpConfig: the administrator who last changed it', async () => {
    expect((await (await as('reporting', ALICE)).data(`{ followUpConfig { updatedBy } }`)).followUpConfig.updatedBy).toBeNull();
    const configured = await (await as('reporting', BOB)).data(`mutation { configureFollowUpMonitoring(input: { customerStatusKey: "statusCustomer" }) { config { updatedBy updatedAt } } }`);
    expect(configured.configureFollowUpMonitoring.config.updatedBy).toBe(BOB);
    expect((await (await as('reporting', ALICE)).data(`{ followUpConfig { updatedBy } }`)).followUpConfig.updatedBy).toBe(BOB);
  });
});
