import { Client } from 'pg';
import { createTestEnv, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '../src/module';
import { CREATE, expectRefused, footprint } from './helpers';

const MERGE = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
  dryRun mergedIds movedChildIds filledFields contact { id name email mobile nationalId notes code version tags { name } children { id } } } }`;
const DUPLICATES = `query($id: ID!) { contactDuplicates(id: $id) { score reasons { reason detail } contact { id name } } }`;

describe('duplicates and merge', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const ids: Record<string, string> = {};
  const tags: Record<string, string> = {};

  async function create(key: string, input: Record<string, unknown>): Promise<string> {
    const data = await api.data(CREATE, { input });
    ids[key] = data.createContact.contact.id;
    return ids[key]!;
  }

  beforeAll(async () => {
    env = await createTestEnv('merge');
    stack = await startStack({ env, modules: [contactsModule] });
    api = stack.client(await testToken());
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    for (const name of ['KPB', 'VIP']) {
      const tag = await api.data(`mutation($name: String!) { createTag(input: { name: $name }) { tag { id } } }`, { name });
      tags[name] = tag.createTag.tag.id;
    }
    await create('target', { name: 'PANGESTU,', kind: 'COMPANY', email: 'budi@example.co.id', tagIds: [tags['KPB']], notes: 'KPB 1 done' });
    await create('targetChild', { name: 'Pangestu workshop', parentId: ids['target'] });
    await create('s1', { name: 'Pangestu', kind: 'COMPANY', mobile: '0852 9423 3849', nationalId: '3258901108930008', tagIds: [tags['VIP']], notes: 'Prefers WhatsApp' });
    await create('s1child', { name: 'Budi (driver)', parentId: ids['s1'] });
    await create('s1invoice', { name: 'Invoices', parentId: ids['s1'], addressType: 'INVOICE', street: 'Jl. Tirta Ayu 8' });
    await create('s2', { name: 'B. Pangestu', email: 'BUDI@example.co.id ' });
    await create('s3', { name: 'Someone else', mobile: '+62 852-9423-3849' });
    await create('unrelated', { name: 'FENTI ZUMARNI' });
    await create('holding', { name: 'PT Holding', kind: 'COMPANY' });
    const user = await api.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
      input: { login: 'budi@example.co.id', name: 'Budi Pangestu', contactId: ids['s2'] },
    });
    ids['user'] = user.createUser.user.id;
    await create('subsidiary', { name: 'PT Subsidiary', kind: 'COMPANY', parentId: ids['holding'] });
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('ranks likely duplicates with their reasons', async () => {
    const data = await api.data(DUPLICATES, { id: ids['s1'] });
    const byName = Object.fromEntries(data.contactDuplicates.map((d: any) => [d.contact.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['B. Pangestu', 'PANGESTU,', 'Someone else']);
    expect(byName['Someone else'].reasons).toEqual([{ reason: 'PHONE', detail: '+6285294233849' }]);
    expect(byName['PANGESTU,'].reasons.map((r: any) => r.reason)).toEqual(['SIMILAR_NAME']);

    const forTarget = await api.data(DUPLICATES, { id: ids['target'] });
    expect(forTarget.contactDuplicates.map((d: any) => d.contact.name)).toEqual(['B. Pangestu', 'Pangestu']);
    expect(forTarget.contactDuplicates[0].reasons.map((r: any) => r.reason)).toEqual(['EMAIL', 'SIMILAR_NAME']);
    expect(forTarget.contactDuplicates[0].score).toBeGreaterThan(forTarget.contactDuplicates[1].score);
  });

  it('previews a merge on a dry run and writes nothing', async () => {
    const before = await footprint(db);
    const data = await api.data(MERGE, { input: { targetId: ids['target'], sourceIds: [ids['s1'], ids['s2']], dryRun: true } });
    expect(data.mergeContacts).toMatchObject({ dryRun: true, mergedIds: [ids['s1'], ids['s2']], filledFields: expect.arrayContaining(['mobile', 'nationalId', 'tagIds', 'notes']) });
    expect(data.mergeContacts.movedChildIds.sort()).toEqual([ids['s1child'], ids['s1invoice']].sort());
    expect(await footprint(db)).toEqual(before);
  });

  it.each([
    ['merging a contact into itself', () => ({ targetId: ids['target'], sourceIds: [ids['target']] }), 'BAD_USER_INPUT', 'sourceIds'],
    ['no sources', () => ({ targetId: ids['target'], sourceIds: [] }), 'BAD_USER_INPUT', 'sourceIds'],
    ['a parent into its child', () => ({ targetId: ids['targetChild'], sourceIds: [ids['target']] }), 'BAD_USER_INPUT', 'sourceIds'],
    ['a company’s children under a person', () => ({ targetId: ids['s3'], sourceIds: [ids['holding']] }), 'BAD_USER_INPUT', 'targetId'],
    ['a stale expectedVersion', () => ({ targetId: ids['target'], sourceIds: [ids['s1']], expectedVersion: 5 }), 'CONFLICT', 'expectedVersion'],
  ])('refuses %s, writing nothing', async (_label, input, code, field) => {
    await expectRefused(db, api, MERGE, { input: input() }, { code, field });
  });

  it('merges: fills fields, combines tags and notes, moves children, archives the sources, publishes', async () => {
    const data = await api.data(MERGE, { input: { targetId: ids['target'], sourceIds: [ids['s1'], ids['s2']], expectedVersion: 1 } });
    const merged = data.mergeContacts.contact;
    expect(merged).toMatchObject({
      name: 'PANGESTU,',
      email: 'budi@example.co.id',
      mobile: '+6285294233849',
      nationalId: '3258901108930008',
      version: 2,
    });
    expect(merged.tags.map((t: any) => t.name).sort()).toEqual(['KPB', 'VIP']);
    expect(merged.notes).toContain('KPB 1 done');
    expect(merged.notes).toContain('Prefers WhatsApp');
    expect(merged.children.map((c: any) => c.id).sort()).toEqual([ids['targetChild'], ids['s1child'], ids['s1invoice']].sort());

    const sources = await api.data(`query($a: ID!, $b: ID!) { a: contact(id: $a) { active mergedInto { id } } b: contact(id: $b) { active mergedInto { id } } }`, { a: ids['s1'], b: ids['s2'] });
    expect(sources).toEqual({ a: { active: false, mergedInto: { id: ids['target'] } }, b: { active: false, mergedInto: { id: ids['target'] } } });

    const topic = `${env.topicPrefix}crm.contacts.contact`;
    const count = (ms: { headers: Record<string, string> }[], type: string) => ms.filter((m) => m.headers['ce_type'] === `crm.contacts.contact.${type}.v1`).length;
    const messages = await readTopic(env.brokers, topic, (ms) => count(ms, 'merged') === 1 && count(ms, 'archived') === 2 && count(ms, 'updated') === 2);
    const mergedEvent = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.contacts.contact.merged.v1')!.value!);
    expect(mergedEvent.mergedIds).toEqual([ids['s1'], ids['s2']]);
    expect(mergedEvent.state).toMatchObject({ id: ids['target'], nationalId: '3258901108930008', version: 2 });
    const archived = messages.filter((m) => m.headers['ce_type'] === 'crm.contacts.contact.archived.v1').map((m) => JSON.parse(m.value!));
    expect(archived.map((e) => [e.state.id, e.mergedIntoId]).sort()).toEqual([[ids['s1'], ids['target']], [ids['s2'], ids['target']]].sort());
    const moved = messages.filter((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1').map((m) => JSON.parse(m.value!));
    expect(moved.map((e) => e.state.id).sort()).toEqual([ids['s1child'], ids['s1invoice']].sort());
    expect(moved[0].changes.parentId).toEqual({ from: ids['s1'], to: ids['target'] });

    // The user whose card was B. Pangestu now has the card kept.
    const user = await api.data(`query($id: ID!) { user(id: $id) { contact { id } version } }`, { id: ids['user'] });
    expect(user.user).toEqual({ contact: { id: ids['target'] }, version: 2 });
    const users = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.user`, (ms) => ms.some((m) => m.headers['ce_type'] === 'crm.contacts.user.updated.v1'));
    const userEvent = JSON.parse(users.find((m) => m.headers['ce_type'] === 'crm.contacts.user.updated.v1')!.value!);
    expect(userEvent.changes).toEqual({ contactId: { from: ids['s2'], to: ids['target'] } });
  });

  it('merges any number of contacts at once (no cap of 5)', async () => {
    const target = await create('big', { name: 'PT Big Fleet', kind: 'COMPANY' });
    const aliases = Array.from({ length: 150 }, (_, i) => `c${i}: createContact(input: { name: "Fleet duplicate ${i}", kind: COMPANY }) { contact { id } }`);
    const created = await api.data(`mutation { ${aliases.join('\n')} }`);
    const sourceIds = Array.from({ length: 150 }, (_, i) => created[`c${i}`].contact.id);
    const data = await api.data(MERGE, { input: { targetId: target, sourceIds } });
    expect(data.mergeContacts.mergedIds).toHaveLength(150);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM contacts.contact WHERE merged_into_id = $1 AND NOT active`, [target]);
    expect(rows[0].n).toBe(150);
  });
});
