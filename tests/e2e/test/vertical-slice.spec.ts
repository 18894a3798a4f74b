import { Client } from 'pg';
import { queryCount } from '@crm/db';
import { changeEventCount, eventually, readTopic, testToken, createTestEnv, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id name email version } } }`;

describe('vertical slice: contact → outbox → Kafka → reporting, through the gateway', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnv('slice');
    stack = await startFullStack(env);
    api = stack.client(await testToken());
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('creates a contact whose row, CloudEvent and read-model entry all exist', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const created = await api.request(
      CREATE_CONTACT,
      { input: { name: 'PT Avengers Initiative', email: ' Pepper@Avengers.ID ' } },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    const contact = created.data!.createContact.contact;
    expect(contact).toMatchObject({ name: 'PT Avengers Initiative', email: 'pepper@avengers.id', version: 1 });

    const row = await db.query('SELECT name, email FROM contacts.contact WHERE id = $1', [contact.id]);
    expect(row.rows).toEqual([{ name: 'PT Avengers Initiative', email: 'pepper@avengers.id' }]);

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) =>
      ms.some((m) => m.key === contact.id),
    );
    const message = messages.find((m) => m.key === contact.id)!;
    expect(message.headers['ce_type']).toBe('crm.contacts.contact.created.v1');
    expect(message.headers['ce_subject']).toBe(contact.id);
    expect(message.headers['ce_source']).toBe('/crm/contacts');
    expect(message.headers['ce_specversion']).toBe('1.0');
    // The caller's trace continues through the gateway into the event.
    expect(message.headers['ce_traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const outbox = await db.query('SELECT event_id FROM contacts.outbox WHERE message_key = $1', [contact.id]);
    expect(message.headers['ce_id']).toBe(outbox.rows[0].event_id);
    expect(JSON.parse(message.value!).state).toMatchObject({ id: contact.id, name: 'PT Avengers Initiative', version: 1 });

    const report = await eventually(async () => {
      const data = await api.data(`{ contactReport { totalContacts newestEventAt contacts(first: 10) { edges { node { id name email } } } } }`);
      expect(data.contactReport.contacts.edges.map((e: any) => e.node.id)).toContain(contact.id);
      return data.contactReport;
    });
    expect(report.newestEventAt).not.toBeNull();
  });

  it.each([
    [{ name: '   ', email: 'a@b.co' }, 'name'],
    [{ name: 'Bruce Banner', email: 'not-an-email' }, 'email'],
  ])('rejects %j with BAD_USER_INPUT on %s and writes nothing', async (input, field) => {
    const before = await db.query(`SELECT (SELECT count(*) FROM contacts.contact) AS rows, ${changeEventCount('contacts')} AS events`);
    const result = await api.request(CREATE_CONTACT, { input });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const after = await db.query(`SELECT (SELECT count(*) FROM contacts.contact) AS rows, ${changeEventCount('contacts')} AS events`);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('answers UNAUTHENTICATED without a token, and with a tampered one', async () => {
    const anonymous = await stack.client().request(`{ contacts(first: 1) { totalCount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const token = await testToken();
    const tampered = await stack.client(`${token.slice(0, -2)}xx`).request(`{ contacts(first: 1) { totalCount } }`);
    expect(tampered.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('resolves 100 opportunities’ customers with one SQL query in contacts', async () => {
    const ids: string[] = [];
    // the records are written 25 per request (each mutation is its own transaction; 100 in one
    // request can outlast the gateway's subgraph timeout on a loaded machine) — the read is what is measured
    for (let from = 0; from < 100; from += 25) {
      const aliases = Array.from({ length: 25 }, (_, k) => `c${from + k}: createContact(input: { name: "Customer ${from + k}" }) { contact { id } }`);
      const contacts = await api.data(`mutation { ${aliases.join('\n')} }`);
      for (let i = from; i < from + 25; i += 1) ids.push(contacts[`c${i}`].contact.id);
    }
    for (let from = 0; from < 100; from += 25) {
      const opportunityAliases = ids.slice(from, from + 25).map(
        (id, k) => `o${from + k}: createOpportunity(input: { name: "Deal ${from + k}", customerId: "${id}", expectedRevenue: "1000" }) { opportunity { id } }`,
      );
      await api.data(`mutation { ${opportunityAliases.join('\n')} }`);
    }

    const contactsDb = stack.subgraph('contacts').deps.dataSource;
    const before = queryCount(contactsDb);
    const board = await api.data(`{ opportunities(first: 100) { edges { node { name customer { id name } } } } }`);
    const after = queryCount(contactsDb);
    expect(board.opportunities.edges).toHaveLength(100);
    for (const edge of board.opportunities.edges) {
      expect(edge.node.customer.name).toBe(`Customer ${edge.node.name.replace('Deal ', '')}`);
    }
    expect(after - before).toBe(1);
  });
});
