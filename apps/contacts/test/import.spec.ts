import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestEnv, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '../src/module';
import { footprint } from './helpers';

const IMPORT = `mutation($input: ImportContactsInput!) { importContacts(input: $input) {
  rows created updated unchanged failed dryRun ignoredColumns errors { line field message } } }`;

const CSV = [
  'Customer Code;Nama;Kind;Parent Code;No KTP;No HP;Email;Pekerjaan;Tags;Branch;Notes;Engine No',
  'BPA/2004/1720000;PT Daya Motor Indonesia;company;;;021 5790 0000;crm@dayamotor.co.id;;Fleet;SAM01;;',
  'BPA/2004/1720353;PANGESTU,;person;BPA/2004/1720000;3258901108930008;0852-9423-3849;;Karyawan Swasta;KPB;SAM01;"first line',
  'second line";D 5890 KZ',
  ';RESTU ANDIKA PRADANA PUTRA;;;6472020504010003;085845164510;;Mahasiswa/Pelajar;;SAM01;;KT 2146 FK',
  ';BAD KTP;;;12345;;;;;SAM01;;',
  ';BAD EMAIL;;;;;budi@;;;SAM01;;',
  ';BAD PHONE;;;;0;;;;SAM01;;',
  ';BAD OCCUPATION;;;;;;Astronaut;;SAM01;;',
  ';BAD TAG;;;;;;;Nope;SAM01;;',
  ';BAD PARENT;;BPA/9999/1;;;;;;SAM01;;',
  ';PERSON ABOVE COMPANY;company;BPA/2004/1720353;;;;;;SAM01;;',
  ';Walk-in customer;;;;;walkin@example.co.id;;;SAM01;;',
  '',
  'BPA/2004/1720353;PANGESTU,;;;;;budi@example.co.id;;;;;',
].join('\n');

describe('CSV import', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const importDir = mkdtempSync(join(tmpdir(), 'crm-import-'));

  beforeAll(async () => {
    process.env['CONTACTS_IMPORT_DIR'] = importDir;
    process.env['CONTACTS_UPLOAD_LIMIT_BYTES'] = '2000000';
    env = await createTestEnv('import');
    stack = await startStack({ env, modules: [contactsModule] });
    api = stack.client(await testToken());
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await api.data(`mutation { createBranch(input: { id: "SAM01", name: "SAMARINDA", countryCode: "ID", timeZone: "Asia/Makassar" }) { branch { id } } }`);
    for (const name of ['Fleet', 'KPB']) await api.data(`mutation($name: String!) { createTag(input: { name: $name }) { tag { id } } }`, { name });
  });

  afterAll(async () => {
    delete process.env['CONTACTS_IMPORT_DIR'];
    delete process.env['CONTACTS_UPLOAD_LIMIT_BYTES'];
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('checks every row on a dry run and writes nothing', async () => {
    const before = await footprint(db);
    const data = await api.data(IMPORT, { input: { csv: CSV, dryRun: true } });
    expect(data.importContacts).toMatchObject({ rows: 12, created: 4, updated: 1, failed: 7, dryRun: true });
    expect(await footprint(db)).toEqual(before);
  });

  it('imports the good rows and reports every bad one with its line and column', async () => {
    const data = await api.data(IMPORT, { input: { csv: CSV } });
    expect(data.importContacts).toMatchObject({ rows: 12, created: 4, updated: 1, unchanged: 0, failed: 7, dryRun: false, ignoredColumns: ['Engine No'] });
    expect(data.importContacts.errors.map((e: any) => [e.line, e.field])).toEqual([
      [6, 'No KTP'],
      [7, 'Email'],
      [8, 'No HP'],
      [9, 'Pekerjaan'],
      [10, 'Tags'],
      [11, 'Parent Code'],
      [12, 'Parent Code'],
    ]);
    expect(data.importContacts.errors[0].message).toContain('16 digits');

    const { rows } = await db.query(`SELECT c.name, c.code, c.kind, c.mobile, c.email, c.national_id, c.notes, c.branch_id, p.code AS parent_code, c.version
      FROM contacts.contact c LEFT JOIN contacts.contact p ON p.id = c.parent_id ORDER BY c.name`);
    expect(rows.map((r) => r.name)).toEqual(['PANGESTU,', 'PT Daya Motor Indonesia', 'RESTU ANDIKA PRADANA PUTRA', 'Walk-in customer']);
    const pangestu = rows.find((r) => r.name === 'PANGESTU,');
    expect(pangestu).toMatchObject({ code: 'BPA/2004/1720353', parent_code: 'BPA/2004/1720000', mobile: '+6285294233849', email: 'budi@example.co.id', national_id: '3258901108930008', notes: 'first line\nsecond line', branch_id: 'SAM01', version: 1 });
    expect(rows.find((r) => r.name === 'RESTU ANDIKA PRADANA PUTRA').code).toMatch(/^BPA\/\d{4}\/1720354$/);
    const events = await db.query(`SELECT event_type, count(*)::int AS n FROM contacts.outbox WHERE event_type LIKE 'crm.contacts.contact.%' GROUP BY event_type`);
    expect(events.rows).toEqual([{ event_type: 'crm.contacts.contact.created.v1', n: 4 }]);
  });

  it('changes nothing and publishes nothing when the same file is imported again', async () => {
    const before = await footprint(db);
    const data = await api.data(IMPORT, { input: { csv: CSV } });
    expect(data.importContacts).toMatchObject({ rows: 12, created: 0, updated: 0, unchanged: 5, failed: 7 });
    expect(await footprint(db)).toEqual(before);
  });

  it('upserts by customer code and by national id', async () => {
    const csv = ['code,name,ktp,city', 'BPA/2004/1720353,,,Bandung', ',Restu A. P. Putra,6472 0205 0401 0003,Samarinda'].join('\r\n');
    const data = await api.data(IMPORT, { input: { csv } });
    expect(data.importContacts.errors).toEqual([]);
    expect(data.importContacts).toMatchObject({ rows: 2, created: 0, updated: 2, failed: 0 });
    const { rows } = await db.query(`SELECT name, city, version FROM contacts.contact WHERE city IS NOT NULL ORDER BY city`);
    expect(rows).toEqual([
      { name: 'PANGESTU,', city: 'Bandung', version: 2 },
      { name: 'Restu A. P. Putra', city: 'Samarinda', version: 2 },
    ]);
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.filter((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1').length === 2);
    const updated = messages.filter((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1').map((m) => JSON.parse(m.value!));
    expect(updated.find((e) => e.state.name === 'PANGESTU,').changes).toEqual({ city: { from: null, to: 'Bandung' } });
  });

  it('names the salesperson by login, name or id; an unknown one is a bad row', async () => {
    const sari = (await api.data(`mutation { createUser(input: { login: "sari@dayamotor.co.id", name: "Sari Wulandari" }) { user { id } } }`)).createUser.user.id;
    const csv = ['name,salesperson', 'CUSTOMER BY LOGIN,SARI@dayamotor.co.id', 'CUSTOMER BY NAME,sari wulandari', `CUSTOMER BY ID,${sari}`, 'CUSTOMER OF NOBODY,Nobody Here'].join('\n');
    const data = await api.data(IMPORT, { input: { csv } });
    expect(data.importContacts).toMatchObject({ created: 3, failed: 1, errors: [{ line: 5, field: 'salesperson' }] });
    const { rows } = await db.query(`SELECT name, salesperson_id FROM contacts.contact WHERE name LIKE 'CUSTOMER %' ORDER BY name`);
    expect(rows).toEqual([
      { name: 'CUSTOMER BY ID', salesperson_id: sari },
      { name: 'CUSTOMER BY LOGIN', salesperson_id: sari },
      { name: 'CUSTOMER BY NAME', salesperson_id: sari },
    ]);
  });

  it('reads a file of the import directory for administrators only', async () => {
    writeFileSync(join(importDir, 'customers.csv'), 'name,email\nFENTI ZUMARNI,fenti@example.co.id\n');
    const data = await api.data(IMPORT, { input: { path: 'customers.csv' } });
    expect(data.importContacts).toMatchObject({ rows: 1, created: 1, failed: 0 });
    const outside = await api.request(IMPORT, { input: { path: '../../etc/passwd' } });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'path' });
    const branchUser = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] }));
    const forbidden = await branchUser.request(IMPORT, { input: { path: 'customers.csv' } });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viaText = await branchUser.data(IMPORT, { input: { csv: 'name\nM. KOSIM\n' } });
    expect(viaText.importContacts).toMatchObject({ created: 1 });
    const { rows } = await db.query(`SELECT branch_id FROM contacts.contact WHERE name = 'M. KOSIM'`);
    expect(rows).toEqual([{ branch_id: 'SAM01' }]);
  });

  it.each([
    [{ csv: '' }, 'csv'],
    [{}, 'csv'],
    [{ csv: 'a,b', path: 'x.csv' }, 'path'],
    [{ csv: 'email,phone\nx@y.co,\n' }, 'csv'],
  ])('refuses %j as a whole (BAD_USER_INPUT on %s)', async (input, field) => {
    await stack.subgraph('contacts').deniedAttempts.flush(); // earlier tests' refusals are written in the background
    const before = await footprint(db);
    const result = await api.request(IMPORT, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await footprint(db)).toEqual(before);
  });
  describe('upload: POST /imports/contacts with the file as the body', () => {
    const upload = async (body: string, options: { token?: string | null; query?: string; method?: string; contentType?: string } = {}) => {
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'text/csv; charset=utf-8' };
      const token = options.token === undefined ? await testToken() : options.token;
      if (token) headers['authorization'] = `Bearer ${token}`;
      const url = new URL(`/imports/contacts${options.query ?? ''}`, stack.subgraph('contacts').url);
      const response = await fetch(url, { method: options.method ?? 'POST', headers, body: options.method === 'GET' ? undefined : body });
      return { status: response.status, body: (await response.json()) as any };
    };
    // Larger than a GraphQL request may be (BODY_LIMIT_BYTES, 1 MB): 9,000 rows, two of them bad.
    const rows = Array.from({ length: 9000 }, (_, i) =>
      i === 100 ? `UPLOADED ${i},not-an-email,,${'x'.repeat(90)}` : i === 8999 ? `UPLOADED ${i},,12,${'x'.repeat(90)}` : `UPLOADED ${i},u${i}@example.co.id,0812${String(10000000 + i)},${'x'.repeat(90)}`,
    );
    const big = ['name,email,mobile,notes', ...rows].join('\n');

    it('is needed: the same file as GraphQL text is refused for its size', async () => {
      expect(Buffer.byteLength(big)).toBeGreaterThan(1_000_000);
      const response = await fetch(stack.subgraph('contacts').url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
        body: JSON.stringify({ query: IMPORT, variables: { input: { csv: big } } }),
      });
      expect(response.status).toBe(413);
    });

    it('checks a dry run and writes nothing', async () => {
      await stack.subgraph('contacts').deniedAttempts.flush(); // earlier tests' refusals, written in the background
      const before = await footprint(db);
      const result = await upload(big, { query: '?dryRun=true' });
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ rows: 9000, created: 8998, failed: 2, dryRun: true });
      expect(await footprint(db)).toEqual(before);
    });

    it('imports every good row of a file of any size, reports the bad ones, and is idempotent', async () => {
      const before = await footprint(db);
      const result = await upload(big);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ rows: 9000, created: 8998, updated: 0, failed: 2, dryRun: false, ignoredColumns: [] });
      expect(result.body.errors.map((e: any) => [e.line, e.field])).toEqual([
        [102, 'email'],
        [9001, 'mobile'],
      ]);
      const after = await footprint(db);
      expect(after.contacts - before.contacts).toBe(8998);
      expect(after.events - before.events).toBe(8998);
      const again = await upload(big);
      expect(again.body).toMatchObject({ rows: 9000, created: 0, updated: 0, unchanged: 8998, failed: 2 });
      expect(await footprint(db)).toEqual(after);
    });

    it('refuses callers without a token or the right (audited), other methods and multipart forms, writing nothing', async () => {
      const deniedAttempts = stack.subgraph('contacts').deniedAttempts;
      await deniedAttempts.flush();
      const before = await footprint(db);
      const auditedBefore = (await db.query(`SELECT max(seq) AS seq FROM contacts.outbox`)).rows[0].seq;
      const csv = 'name\nNOBODY\n';
      expect(await upload(csv, { token: null })).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
      expect(await upload(csv, { token: 'not-a-jwt' })).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
      expect(await upload(csv, { token: await testToken({ role: 'user_own' }) })).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
      expect((await upload(csv, { method: 'GET' })).status).toBe(405);
      expect((await upload(csv, { contentType: 'multipart/form-data; boundary=x' })).status).toBe(415);
      expect(await upload('email\nx@y.co\n')).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'csv' } }] } });
      expect(await upload(csv, { query: '?dryRun=maybe' })).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'dryRun' } }] } });
      // Larger than CONTACTS_UPLOAD_LIMIT_BYTES (2 MB here): refused before a row is written.
      expect(await upload(`${big}\n${big.split('\n').slice(1).join('\n')}`)).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 2000000 } }] } });
      // Without a Content-Length the size cannot be checked first.
      const chunked = await fetch(new URL('/imports/contacts', stack.subgraph('contacts').url), {
        method: 'POST',
        headers: { authorization: `Bearer ${await testToken()}`, 'content-type': 'text/csv' },
        body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(csv)), c.close()) }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(411);
      await deniedAttempts.flush();
      const audited = await db.query(`SELECT event_type, payload FROM contacts.outbox WHERE seq > $1 ORDER BY seq`, [auditedBefore]);
      expect(audited.rows.map((r) => r.event_type)).toEqual(audited.rows.map(() => 'crm.contacts.access.denied.v1'));
      expect(audited.rows.map((r) => JSON.parse(r.payload)).map((d: any) => [d.code, d.path])).toEqual([['UNAUTHENTICATED', '/imports/contacts'], ['UNAUTHENTICATED', '/imports/contacts'], ['FORBIDDEN', '/imports/contacts']]);
      expect({ ...(await footprint(db)), events: 0 }).toEqual({ ...before, events: 0 });
    });
  });
});
