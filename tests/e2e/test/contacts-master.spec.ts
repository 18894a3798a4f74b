import { Client } from 'pg';
import { createTestEnv, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { contactsStep } from '../../../tools/demo/steps/contacts';
import { pipelineStep } from '../../../tools/demo/steps/pipeline';
import { startFullStack } from '../src/full-stack';

async function footprint(db: Client): Promise<unknown> {
  const { rows } = await db.query(`SELECT (SELECT count(*) FROM contacts.contact) AS contacts,
    (SELECT sum(version) FROM contacts.contact) AS versions, (SELECT count(*) FROM contacts.outbox) AS events`);
  return rows[0];
}

describe('contacts through the gateway: the customer master', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('contactsmaster');
    stack = await startFullStack(env);
    api = stack.client(await testToken({ role: 'admin' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await contactsStep.run({ api, ids });
    await pipelineStep.run({ api, ids });
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('loads the demo: branches, tags, companies, people and the dealer’s customers', async () => {
    const data = await api.data(`query($id: ID!) {
      contact(id: $id) { name displayName parent { name kind } code }
      branches(first: 100) { totalCount }
      tags { totalCount }
    }`, { id: ids['contact.pepper'] });
    expect(data.contact).toMatchObject({ name: 'Pepper Potts', displayName: 'PT Avengers Initiative, Pepper Potts', parent: { name: 'PT Avengers Initiative', kind: 'COMPANY' } });
    expect(data.branches.totalCount).toBe(12);
    expect(data.tags.totalCount).toBe(5);
  });

  it('resolves an opportunity’s customer with the master’s fields across subgraphs', async () => {
    const data = await api.data(`query($id: ID!) { opportunity(id: $id) { name customer { name code nationalId nationalIdDetails { provinceName } branch { id name timeZone } occupation { name } tags { name } } } }`, {
      id: ids['opportunity.kpb'],
    });
    expect(data.opportunity.customer).toEqual({
      name: 'PANGESTU,',
      code: 'BPA/2004/1720353',
      nationalId: '3258901108930008',
      nationalIdDetails: { provinceName: 'Jawa Barat' },
      branch: { id: 'A-BAN04', name: 'A KARAWITAN', timeZone: 'Asia/Jakarta' },
      occupation: { name: 'Karyawan Swasta' },
      tags: [{ name: 'Reguler' }],
    });
  });

  it('searches "pangestu" and finds "PANGESTU,"', async () => {
    const data = await api.data(`{ contacts(filter: { text: "pangestu" }) { totalCount edges { node { name code } } } }`);
    expect(data.contacts.edges.map((e: any) => e.node)).toEqual([{ name: 'PANGESTU,', code: 'BPA/2004/1720353' }]);
  });

  it('shows a branch user only their branch’s customers', async () => {
    const sam = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] }));
    const data = await sam.data(`{ contacts(first: 100) { totalCount edges { node { name } } } }`);
    expect(data.contacts).toEqual({ totalCount: 1, edges: [{ node: { name: 'RESTU ANDIKA PRADANA PUTRA' } }] });
  });

  it.each([
    [{ name: 'Bad KTP', nationalId: '325890110893' }, 'nationalId'],
    [{ name: 'Bad phone', phone: '0' }, 'phone'],
    [{ name: 'Bad e-mail', email: 'budi@' }, 'email'],
    [{ name: 'Unknown occupation', occupationId: '01934d6e-0000-7000-8000-0000000000ff' }, 'occupationId'],
  ])('refuses %j with BAD_USER_INPUT on %s through the gateway, writing nothing', async (input, field) => {
    const before = await footprint(db);
    const result = await api.request(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await footprint(db)).toEqual(before);
  });

  it('refuses a stale expectedVersion with CONFLICT', async () => {
    const before = await footprint(db);
    const result = await api.request(`mutation { updateContact(input: { id: "${ids['contact.daya']}", expectedVersion: 9, city: "Jakarta" }) { contact { id } } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect(await footprint(db)).toEqual(before);
  });
});
