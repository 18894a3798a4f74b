import { contactsModule } from '../src/module';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { CREATE } from './helpers';

const LIST = `query($filter: ContactFilter, $orderBy: ContactOrderBy, $first: Int, $after: String) {
  contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name code createdAt updatedAt } } } }`;

describe('contact search and keyset pagination (pg_trgm)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  const ids: Record<string, string> = {};

  async function names(filter: Record<string, unknown>, orderBy = 'NAME_ASC'): Promise<string[]> {
    const data = await api.data(LIST, { filter, orderBy, first: 100 });
    return data.contacts.edges.map((e: any) => e.node.name);
  }

  beforeAll(async () => {
    env = await createTestEnv('search');
    stack = await startStack({ env, modules: [contactsModule] });
    api = stack.client(await testToken());
    await api.data(`mutation { createBranch(input: { id: "SAM01", name: "SAMARINDA", countryCode: "ID", timeZone: "Asia/Makassar" }) { branch { id } } }`);
    const tag = await api.data(`mutation { createTag(input: { name: "KPB" }) { tag { id } } }`);
    ids['kpb'] = tag.createTag.tag.id;
    const create = async (key: string, input: Record<string, unknown>) => {
      const data = await api.data(CREATE, { input });
      ids[key] = data.createContact.contact.id;
    };
    await create('daya', { name: 'PT Daya Motor Indonesia', kind: 'COMPANY', email: 'crm@dayamotor.co.id' });
    await create('pangestu', { name: 'PANGESTU,', phone: '0852 9423 3849', nationalId: '3204070805960001', branchId: 'SAM01', tagIds: [ids['kpb']] });
    const rina = await api.data(`mutation { createUser(input: { login: "rina@dayamotor.co.id", name: "Rina" }) { user { id } } }`);
    ids['rina'] = rina.createUser.user.id;
    await create('budi', { name: 'Budi Pangestu', parentId: ids['daya'], salespersonId: ids['rina'] });
    await create('kosim', { name: 'M. KOSIM', mobile: '083803793582', branchId: 'SAM01' });
    await create('fenti', { name: 'FENTI ZUMARNI', email: 'fenti@example.co.id' });
    for (let i = 0; i < 25; i += 1) await create(`filler${i}`, { name: `Customer ${String(i).padStart(2, '0')}` });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('finds "PANGESTU," by "pangestu", case and punctuation aside', async () => {
    expect(await names({ text: 'pangestu' })).toEqual(['Budi Pangestu', 'PANGESTU,']);
    expect(await names({ text: 'PANGESTU, budi' })).toEqual(['Budi Pangestu']);
    expect(await names({ text: 'kosim' })).toEqual(['M. KOSIM']);
  });

  it('tolerates typos in longer words (trigram word similarity)', async () => {
    expect(await names({ text: 'pangestoo' })).toEqual(['Budi Pangestu', 'PANGESTU,']);
    expect(await names({ text: 'zumarny' })).toEqual(['FENTI ZUMARNI']);
  });

  it('finds by e-mail, code, national id and phone in any notation', async () => {
    expect(await names({ text: 'dayamotor' })).toEqual(['PT Daya Motor Indonesia']);
    expect(await names({ text: '+62 852-9423-3849' })).toEqual(['PANGESTU,']);
    expect(await names({ text: '085294233849' })).toEqual(['PANGESTU,']);
    expect(await names({ text: '0852 9423' })).toEqual(['PANGESTU,']);
    expect(await names({ text: '3793582' })).toEqual(['M. KOSIM']);
    expect(await names({ text: '3204070805960001' })).toEqual(['PANGESTU,']);
    const { rows } = await stack.subgraph('contacts').deps.dataSource.query('SELECT code FROM contacts.contact WHERE id = $1', [ids['fenti']]).then((r: any) => ({ rows: r }));
    expect(await names({ text: rows[0].code.toLowerCase() })).toEqual(['FENTI ZUMARNI']);
  });

  it('filters by kind, tag, company, branch, salesperson and active', async () => {
    expect(await names({ kind: 'COMPANY' })).toEqual(['PT Daya Motor Indonesia']);
    expect(await names({ tagIds: [ids['kpb']] })).toEqual(['PANGESTU,']);
    expect(await names({ companyId: ids['daya'] })).toEqual(['Budi Pangestu']);
    expect(await names({ branchIds: ['SAM01'] })).toEqual(['M. KOSIM', 'PANGESTU,']);
    expect(await names({ salespersonId: ids['rina'] })).toEqual(['Budi Pangestu']);
    expect(await names({ text: 'pangestu', topLevel: true })).toEqual(['PANGESTU,']);
    const bad = await api.request(LIST, { filter: { tagIds: ['kpb'] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tagIds' });
  });

  it('ranks by relevance', async () => {
    const data = await api.data(LIST, { filter: { text: 'pangestu budi' }, orderBy: 'RELEVANCE', first: 10 });
    expect(data.contacts.edges[0].node.name).toBe('Budi Pangestu');
  });

  it.each(['CREATED_AT_DESC', 'CREATED_AT_ASC', 'UPDATED_AT_DESC', 'NAME_ASC', 'NAME_DESC', 'CODE_ASC'])(
    'pages through everything with keyset cursors in %s order',
    async (orderBy) => {
      const seen: any[] = [];
      let after: string | null = null;
      let total = 0;
      for (let i = 0; i < 20; i += 1) {
        const data: any = await api.data(LIST, { orderBy, first: 7, after });
        total = data.contacts.totalCount;
        seen.push(...data.contacts.edges.map((e: any) => e.node));
        if (!data.contacts.pageInfo.hasNextPage) break;
        after = data.contacts.pageInfo.endCursor;
      }
      expect(total).toBe(30);
      expect(new Set(seen.map((n) => n.id)).size).toBe(30);
      const key = (n: any) =>
        orderBy.startsWith('NAME') ? n.name.toLowerCase() : orderBy.startsWith('CODE') ? n.code : orderBy.startsWith('UPDATED') ? n.updatedAt : n.createdAt;
      const keys = seen.map(key);
      const sorted = [...keys].sort();
      expect(keys).toEqual(orderBy.endsWith('DESC') ? sorted.reverse() : sorted);
    },
  );

  it('refuses more than 100 per page and bad cursors', async () => {
    const big = await api.request(LIST, { first: 101 });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const cursor = await api.request(LIST, { after: 'bm9wZQ' });
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
