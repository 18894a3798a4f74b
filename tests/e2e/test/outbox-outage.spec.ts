import { Client } from 'pg';
import { eventually, readTopic, testToken, createTestEnv, PrivateBroker, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

const CREATE = `mutation($name: String!) { createContact(input: { name: $name }) { contact { id } } }`;
const REPORT = `{ contactReport { totalContacts contactsCreated } }`;

describe('outbox: Kafka down, writes go on, and every event arrives once when it is back', () => {
  let broker: PrivateBroker;
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;

  beforeAll(async () => {
    broker = await PrivateBroker.start();
    env = await createTestEnv('outage', { brokers: broker.brokers });
    stack = await startFullStack(env);
    api = stack.client(await testToken());
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
    await broker?.destroy();
  });

  it('accepts creates while the broker is stopped and publishes them all after it restarts', async () => {
    const first = await api.data(CREATE, { name: 'Before the outage' });
    await eventually(async () => expect((await api.data(REPORT)).contactReport.contactsCreated).toBe(1));

    await broker.stop();
    const during: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const created = await api.data(CREATE, { name: `During the outage ${i}` });
      during.push(created.createContact.contact.id);
    }
    const unsent = await db.query('SELECT count(*)::int AS n FROM contacts.outbox WHERE sent_at IS NULL');
    expect(unsent.rows[0].n).toBe(5);
    // Readiness tells the platform Kafka is gone; liveness stays up.
    const base = new URL(stack.subgraph('contacts').url);
    await eventually(async () => {
      const ready = await fetch(new URL('/health/ready', base));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { postgres: true, kafka: false } });
    }, 20_000, 500);
    expect((await fetch(new URL('/health/live', base))).status).toBe(200);

    await broker.start();
    await eventually(async () => {
      const report = (await api.data(REPORT)).contactReport;
      expect(report).toEqual({ totalContacts: 6, contactsCreated: 6 });
    }, 90_000, 500);

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.length >= 6);
    const keys = messages.map((m) => m.key).sort();
    expect(keys).toEqual([first.createContact.contact.id, ...during].sort());
    expect(new Set(messages.map((m) => m.headers['ce_id'])).size).toBe(6);
    const sent = await db.query('SELECT count(*)::int AS n FROM contacts.outbox WHERE sent_at IS NULL');
    expect(sent.rows[0].n).toBe(0);
  }, 180_000);
});
