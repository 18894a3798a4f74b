import { Client } from 'pg';
import { contactsModule } from '../src/module';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { CREATE, UPDATE, expectRefused, footprint, publishTeamEvent } from './helpers';

describe('contacts subgraph: the customer master on Postgres and Kafka', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let db: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('contacts');
    stack = await startStack({ env, modules: [contactsModule] });
    admin = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    for (const [id, name, tz] of [
      ['SAM01', 'SAMARINDA', 'Asia/Makassar'],
      ['MAN01', 'MANADO', 'Asia/Makassar'],
    ]) {
      await admin.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
        input: { id, name, countryCode: 'ID', timeZone: tz, workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
      });
    }
    const tag = await admin.data(`mutation { createTag(input: { name: "VIP", color: "#e91e63" }) { tag { id } } }`);
    ids['vip'] = tag.createTag.tag.id;
    const occupations = await admin.data(`{ occupations(first: 100) { edges { node { id name } } } }`);
    ids['ojek'] = occupations.occupations.edges.find((e: any) => e.node.name === 'Ojek').node.id;
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('ships the dealer’s occupation list', async () => {
    const data = await admin.data(`{ occupations(first: 100) { totalCount edges { node { name } } } }`);
    expect(data.occupations.edges.map((e: any) => e.node.name)).toEqual(
      expect.arrayContaining(['Pegawai Negeri', 'Karyawan Swasta', 'Ojek', 'Wiraswasta/Pedagang', 'Mahasiswa/Pelajar', 'Guru/Dosen', 'TNI/Polri']),
    );
  });

  it('creates a company and a person with every field normalised, a customer code and an event', async () => {
    const company = await admin.data(CREATE, {
      input: { name: 'PT Avengers Initiative', kind: 'COMPANY', countryCode: 'ID', phone: '(021) 5790 0000', website: 'avengers.co.id', taxId: '01.234.567.8-901.000' },
    });
    ids['avengers'] = company.createContact.contact.id;
    expect(company.createContact.contact).toMatchObject({ kind: 'COMPANY', phone: '+622157900000', website: 'https://avengers.co.id', version: 1 });
    expect(company.createContact.contact.code).toMatch(/^BPA\/\d{4}\/000001$/);

    const person = await admin.data(CREATE, {
      input: {
        name: ' Pepper   Potts ',
        parentId: ids['avengers'],
        email: ' Pepper.Potts@Avengers.CO.ID ',
        mobile: '0852-9423-3849',
        nationalId: '3204 0748 0596 0001',
        occupationId: ids['ojek'],
        instagram: '@pepper',
        tagIds: [ids['vip']],
        branchId: 'SAM01',
        jobPosition: 'CEO',
        title: 'Ms.',
        notes: 'Prefers WhatsApp',
      },
    });
    const pepper = person.createContact.contact;
    ids['pepper'] = pepper.id;
    expect(pepper).toMatchObject({
      kind: 'PERSON',
      name: 'Pepper Potts',
      displayName: 'PT Avengers Initiative, Pepper Potts',
      email: 'pepper.potts@avengers.co.id',
      emailEntered: 'Pepper.Potts@Avengers.CO.ID',
      mobile: '+6285294233849',
      mobileEntered: '0852-9423-3849',
      nationalId: '3204074805960001',
      nationalIdDetails: { provinceName: 'Jawa Barat', gender: 'female', birthDate: '1996-05-08' },
      occupation: { name: 'Ojek' },
      instagram: 'pepper',
      tags: [{ id: ids['vip'], name: 'VIP', color: '#e91e63' }],
      parent: { id: ids['avengers'], name: 'PT Avengers Initiative' },
      branchId: 'SAM01',
      addressType: 'CONTACT',
    });
    expect(pepper.code).toMatch(/^BPA\/\d{4}\/000002$/);

    const children = await admin.data(`query($id: ID!) { contact(id: $id) { children { id } } }`, { id: ids['avengers'] });
    expect(children.contact.children).toEqual([{ id: ids['pepper'] }]);

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.some((m) => m.key === pepper.id));
    const event = JSON.parse(messages.find((m) => m.key === pepper.id)!.value!);
    expect(event.state).toMatchObject({ id: pepper.id, parentId: ids['avengers'], mobile: '+6285294233849', tagIds: [ids['vip']], occupationName: 'Ojek', branchId: 'SAM01', version: 1 });
  });

  it('updates with optimistic locking and publishes what changed', async () => {
    const updated = await admin.data(UPDATE, { input: { id: ids['pepper'], expectedVersion: 1, phone: '+62 21 5790 0001', city: 'Jakarta', tagIds: [] } });
    expect(updated.updateContact.contact).toMatchObject({ version: 2, phone: '+622157900001', city: 'Jakarta', tags: [] });
    await expectRefused(db, admin, UPDATE, { input: { id: ids['pepper'], expectedVersion: 1, city: 'Bandung' } }, { code: 'CONFLICT', field: 'expectedVersion' });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1'),
    );
    const event = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1')!.value!);
    expect(Object.keys(event.changes).sort()).toEqual(['city', 'phone', 'phoneEntered', 'tagIds']);
    expect(event.state.version).toBe(2);

    const same = await admin.data(UPDATE, { input: { id: ids['pepper'], city: 'Jakarta' } });
    expect(same.updateContact.contact.version).toBe(2);
  });

  it('archives and restores, with events', async () => {
    const archived = await admin.data(`mutation { archiveContact(input: { id: "${ids['pepper']}", expectedVersion: 2 }) { contact { active version } } }`);
    expect(archived.archiveContact.contact).toEqual({ active: false, version: 3 });
    const again = await admin.request(`mutation { archiveContact(input: { id: "${ids['pepper']}" }) { contact { id } } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const listed = await admin.data(`{ contacts(filter: { text: "pepper" }) { totalCount } archived: contacts(filter: { text: "pepper", active: false }) { totalCount } }`);
    expect(listed).toEqual({ contacts: { totalCount: 0 }, archived: { totalCount: 1 } });
    const restored = await admin.data(`mutation { restoreContact(input: { id: "${ids['pepper']}" }) { contact { active version } } }`);
    expect(restored.restoreContact.contact).toEqual({ active: true, version: 4 });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.contacts.contact.restored.v1'),
    );
    expect(messages.map((m) => m.headers['ce_type'])).toContain('crm.contacts.contact.archived.v1');
  });

  describe('refuses bad input, naming the field, writing nothing', () => {
    it.each([
      [{ name: 'Bad KTP', nationalId: '12345' }, 'nationalId'],
      [{ name: 'Bad KTP date', nationalId: '3204073505960001' }, 'nationalId'],
      [{ name: 'Bad e-mail', email: 'pepper@' }, 'email'],
      [{ name: 'Bad phone', phone: '0' }, 'phone'],
      [{ name: 'Bad mobile', mobile: 'call me' }, 'mobile'],
      [{ name: 'Unknown occupation', occupationId: '01934d6e-0000-7000-8000-0000000000ff' }, 'occupationId'],
      [{ name: 'Unknown tag', tagIds: ['01934d6e-0000-7000-8000-0000000000ff'] }, 'tagIds'],
      [{ name: 'Unknown branch', branchId: 'NOPE01' }, 'branchId'],
      [{ name: 'Unknown salesperson', salespersonId: '01934d6e-0000-7000-8000-0000000000c1' }, 'salespersonId'],
      [{ name: 'Unknown parent', parentId: '01934d6e-0000-7000-8000-0000000000ff' }, 'parentId'],
      [{ name: '   ' }, 'name'],
      [{ name: 'Bad country', countryCode: 'XX' }, 'countryCode'],
    ])('create %j → %s', async (input, field) => {
      await expectRefused(db, admin, CREATE, { input }, { code: 'BAD_USER_INPUT', field });
    });

    it('a person as parent of a company', async () => {
      await expectRefused(db, admin, CREATE, { input: { name: 'Stark Subsidiary', kind: 'COMPANY', parentId: ids['pepper'] } }, { code: 'BAD_USER_INPUT', field: 'parentId' });
    });

    it('a parent-company cycle', async () => {
      const sub = await admin.data(CREATE, { input: { name: 'Avengers East', kind: 'COMPANY', parentId: ids['avengers'] } });
      ids['east'] = sub.createContact.contact.id;
      await expectRefused(db, admin, UPDATE, { input: { id: ids['avengers'], parentId: ids['east'] } }, { code: 'BAD_USER_INPUT', field: 'parentId' });
      await expectRefused(db, admin, UPDATE, { input: { id: ids['avengers'], parentId: ids['avengers'] } }, { code: 'BAD_USER_INPUT', field: 'parentId' });
      await expectRefused(db, admin, UPDATE, { input: { id: ids['avengers'], kind: 'PERSON' } }, { code: 'BAD_USER_INPUT', field: 'kind' });
    });

    it('a customer code that another contact has', async () => {
      const [row] = (await db.query('SELECT code FROM contacts.contact WHERE id = $1', [ids['avengers']])).rows;
      await expectRefused(db, admin, CREATE, { input: { name: 'Copycat', code: row.code } }, { code: 'BAD_USER_INPUT', field: 'code' });
    });
  });

  it('keeps branch users to their branches: reads, counts, defaults and foreign branches', async () => {
    const samUser = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] }));
    const manUser = stack.client(await testToken({ role: 'user_all', branchIds: ['MAN01'] }));
    const created = await samUser.data(CREATE, { input: { name: 'RESTU ANDIKA PRADANA PUTRA', mobile: '085845164510', nationalId: '6472020504010003' } });
    const restu = created.createContact.contact;
    expect(restu.branchId).toBe('SAM01');

    const samSees = await samUser.data(`{ contacts(first: 100) { totalCount edges { node { id } } } }`);
    expect(samSees.contacts.edges.map((e: any) => e.node.id).sort()).toEqual([ids['pepper'], restu.id].sort());
    expect(samSees.contacts.totalCount).toBe(2);
    const manSees = await manUser.data(`{ contacts(first: 100) { totalCount } contact(id: "${restu.id}") { id } }`);
    expect(manSees).toEqual({ contacts: { totalCount: 0 }, contact: null });

    await expectRefused(db, samUser, CREATE, { input: { name: 'Foreign', branchId: 'MAN01' } }, { code: 'FORBIDDEN', field: 'branchId' });
    const notFound = await manUser.request(UPDATE, { input: { id: restu.id, city: 'Manado' } });
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const ownUser = stack.client(await testToken({ role: 'user_own', branchIds: ['SAM01'] }));
    const other = await admin.data(`mutation { createUser(input: { login: "other@daya.test", name: "Other Sales", branchIds: ["SAM01"] }) { user { id } } }`);
    await admin.data(UPDATE, { input: { id: restu.id, salespersonId: other.createUser.user.id } });
    const ownSees = await ownUser.data(`{ contacts(first: 100) { totalCount } }`);
    expect(ownSees.contacts.totalCount).toBe(1); // Pepper (unassigned); Restu belongs to another salesperson

    // user_team: the contacts of their teams' salespeople too (issue 8: "all records of their teams").
    const team = '01934d6e-0000-7000-8000-0000000000d1';
    const mate = await admin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
      input: { login: 'rina@daya.test', name: 'Rina', role: 'USER_OWN', branchIds: ['SAM01'] },
    });
    // Rina joins the team on the sales team (pipeline, the master); contacts follows its event.
    await publishTeamEvent(env, { id: team, memberIds: [mate.createUser.user.id] });
    await eventually(async () => {
      const { user } = await admin.data(`query($id: ID!) { user(id: $id) { teamIds } }`, { id: mate.createUser.user.id });
      if (user.teamIds[0] !== team) throw new Error('not yet a member');
    });
    await admin.data(UPDATE, { input: { id: restu.id, salespersonId: mate.createUser.user.id } });
    const teamUser = stack.client(await testToken({ role: 'user_team', branchIds: ['SAM01'], teamIds: [team] }));
    const teamSees = await teamUser.data(`{ contacts(first: 100) { totalCount edges { node { id } } } contact(id: "${restu.id}") { id } }`);
    expect(teamSees.contacts.edges.map((e: any) => e.node.id).sort()).toEqual([ids['pepper'], restu.id].sort());
    expect(teamSees.contacts.totalCount).toBe(2);
    expect(teamSees.contact).toEqual({ id: restu.id });
    const otherTeam = stack.client(await testToken({ role: 'user_team', branchIds: ['SAM01'], teamIds: ['01934d6e-0000-7000-8000-0000000000d2'] }));
    expect(await otherTeam.data(`{ contacts(first: 100) { totalCount } contact(id: "${restu.id}") { id } }`)).toEqual({ contacts: { totalCount: 1 }, contact: null });
    expect((await ownUser.data(`{ contacts(first: 100) { totalCount } }`)).contacts.totalCount).toBe(1);
  });

  it('publishes branches on crm.contacts.branch and rejects bad ones', async () => {
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.branch`, (ms) => ms.length >= 2);
    expect(JSON.parse(messages.find((m) => m.key === 'SAM01')!.value!).state).toMatchObject({ id: 'SAM01', name: 'SAMARINDA', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', active: true, version: 1 });
    const user = stack.client(await testToken({ role: 'user_all' }));
    const refused = await user.request(`mutation { createBranch(input: { id: "X01", name: "X", countryCode: "ID", timeZone: "Asia/Jakarta" }) { branch { id } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await admin.request(`mutation { createBranch(input: { id: "SAM01", name: "Again", countryCode: "ID", timeZone: "Asia/Jakarta" }) { branch { id } } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const stale = await admin.request(`mutation { updateBranch(input: { id: "SAM01", expectedVersion: 7, name: "X" }) { branch { id } } }`);
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const archived = await admin.data(`mutation { updateBranch(input: { id: "MAN01", active: false }) { branch { active version } } }`);
    expect(archived.updateBranch.branch).toEqual({ active: false, version: 2 });
    const list = await admin.data(`{ branches { edges { node { id } } } all: branches(includeArchived: true) { totalCount } }`);
    expect(list).toEqual({ branches: { edges: [{ node: { id: 'SAM01' } }] }, all: { totalCount: 2 } });
    await footprint(db);
  });
});
