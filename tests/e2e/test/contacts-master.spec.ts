import { Client } from 'pg';
import { changeEventCount, createTestEnv, eventually, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { contactsStep } from '../../../tools/demo/steps/contacts';
import { pipelineStep } from '../../../tools/demo/steps/pipeline';
import { usersStep } from '../../../tools/demo/steps/users';
import { startFullStack } from '../src/full-stack';

async function footprint(db: Client): Promise<unknown> {
  const { rows } = await db.query(`SELECT (SELECT count(*) FROM contacts.contact) AS contacts,
    (SELECT sum(version) FROM contacts.contact) AS versions, ${changeEventCount('contacts')} AS events`);
  return rows[0];
}

describe('contacts through the gateway: the customer master', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  let adminToken: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('contactsmaster');
    stack = await startFullStack(env);
    // The demo runs as a real administrator (its users step starts from `me`).
    const bootstrap = stack.client(await testToken({ role: 'admin' }));
    const admin = await bootstrap.data(`mutation { createUser(input: { login: "admin@crm.demo", name: "Demo Administrator", role: ADMIN }) { user { id } } }`);
    adminToken = await testToken({ role: 'admin', id: admin.createUser.user.id });
    api = stack.client(adminToken);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await usersStep.run({ api, ids });
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

  it('sets the demo users’ teams once, on the sales teams: contacts follows them into each user’s teamIds', async () => {
    const teamsOf = async (key: string) => (await api.data(`query($id: ID!) { user(id: $id) { teamIds } }`, { id: ids[`user.${key}`] })).user.teamIds;
    await eventually(async () => {
      expect(await teamsOf('manager')).toEqual([ids['team.sales']]);
      for (const key of ['sam01.head', 'sam01.team', 'sam01.sales', 'man01.head', 'man01.sales']) expect(await teamsOf(key)).toEqual([ids['team.dealer']]);
      expect(await teamsOf('finance')).toEqual([]);
    });
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

  it('shows the dealer’s leads generated from the demo’s sales and service history', async () => {
    const leads = [];
    for (const i of [0, 1, 2]) {
      leads.push((await api.data(`query($id: ID!) { opportunity(id: $id) { name branchId stage { name } } }`, { id: ids[`lead.generated.${i}`] })).opportunity);
    }
    expect(ids['lead.generated.3']).toBeUndefined();
    expect(leads).toEqual([
      { name: 'KPB 2 service reminder – FENTI ZUMARNI', branchId: 'BEN01', stage: { name: 'New' } },
      { name: 'KPB 1 service reminder – BUDI SANTOSO', branchId: 'SAM01', stage: { name: 'New' } },
      { name: 'Service reminder – URYANINGSIH', branchId: 'IND01', stage: { name: 'New' } },
    ]);
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

  it('imports CSV text, reporting bad rows, and is idempotent', async () => {
    const csv = ['Nama;No KTP;No HP;Pekerjaan;Branch', 'DAYAT;1771035102780005;082396490109;Ojek;MSE01', 'URYANINGSIH;12345;081312995113;Ojek;IND01'].join('\n');
    const mutation = `mutation($csv: String!) { importContacts(input: { csv: $csv }) { created unchanged failed errors { line field message } } }`;
    const first = await api.data(mutation, { csv });
    expect(first.importContacts).toMatchObject({ created: 1, failed: 1, errors: [{ line: 3, field: 'No KTP' }] });
    const second = await api.data(mutation, { csv });
    expect(second.importContacts).toMatchObject({ created: 0, unchanged: 1, failed: 1 });
  });

  it('uploads a CSV file larger than any GraphQL request through the gateway: good rows imported, bad ones reported', async () => {
    const rows = Array.from({ length: 8000 }, (_, i) => `UPLOAD ${i};${i === 7 ? '12345' : ''};0813${String(20000000 + i)};Ojek;${'catatan '.repeat(12)}`);
    const csv = ['Nama;No KTP;No HP;Pekerjaan;Catatan', ...rows].join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1_000_000);
    const url = new URL('/imports/contacts', stack.gatewayUrl);
    const post = (token: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
    const refused = await post('tampered');
    expect(refused.status).toBe(401);
    const response = await post(adminToken);
    expect(response.status).toBe(200);
    const result = (await response.json()) as any;
    expect(result).toMatchObject({ rows: 8000, created: 7999, failed: 1, errors: [{ line: 9, field: 'No KTP' }] });
    const found = await api.data(`{ contacts(filter: { text: "0813-2000-7998" }) { edges { node { name mobile occupation { name } } } } }`);
    expect(found.contacts.edges.map((e: any) => e.node)).toEqual([{ name: 'UPLOAD 7998', mobile: '+6281320007998', occupation: { name: 'Ojek' } }]);
  });

  it('finds duplicates and merges them; the merged contact answers for the absorbed one', async () => {
    const create = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;
    const dup = await api.data(create, { input: { name: 'Pangestu', branchId: 'A-BAN04', nationalId: '3258901108930008', mobile: '0852 9423 3849' } });
    const dupId = dup.createContact.contact.id;
    const duplicates = await api.data(`query($id: ID!) { contactDuplicates(id: $id) { score reasons { reason } contact { id } } }`, { id: dupId });
    expect(duplicates.contactDuplicates[0].contact.id).toBe(ids['contact.pangestu']);
    expect(duplicates.contactDuplicates[0].reasons.map((r: any) => r.reason)).toEqual(expect.arrayContaining(['NATIONAL_ID', 'SIMILAR_NAME']));

    const refused = await api.request(`mutation($id: ID!) { mergeContacts(input: { targetId: $id, sourceIds: [$id] }) { mergedIds } }`, { id: dupId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sourceIds' });

    const merged = await api.data(`mutation($t: ID!, $s: ID!) { mergeContacts(input: { targetId: $t, sourceIds: [$s] }) { mergedIds filledFields contact { mobile code } } }`, {
      t: ids['contact.pangestu'],
      s: dupId,
    });
    expect(merged.mergeContacts).toMatchObject({ mergedIds: [dupId], contact: { mobile: '+6285294233849', code: 'BPA/2004/1720353' } });
    const absorbed = await api.data(`query($id: ID!) { contact(id: $id) { active mergedInto { id name } } }`, { id: dupId });
    expect(absorbed.contact).toEqual({ active: false, mergedInto: { id: ids['contact.pangestu'], name: 'PANGESTU,' } });
  });

  it('refuses a stale expectedVersion with CONFLICT', async () => {
    const before = await footprint(db);
    const result = await api.request(`mutation { updateContact(input: { id: "${ids['contact.daya']}", expectedVersion: 9, city: "Jakarta" }) { contact { id } } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'expectedVersion' });
    expect(await footprint(db)).toEqual(before);
  });
});
