import { Client } from 'pg';
import { readTopic, testToken, createTestEnv, startStack, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '@crm/contacts/src/module';

describe('graceful shutdown', () => {
  let env: TestEnv;
  let stack: Stack;

  beforeAll(async () => {
    env = await createTestEnv('shutdown');
    stack = await startStack({ env, modules: [contactsModule] });
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('answers what it accepted, flushes the outbox, then refuses connections', async () => {
    const contacts = stack.subgraph('contacts');
    const api = stack.client(await testToken());
    const url = new URL(contacts.url);
    const ready = await fetch(new URL('/health/ready', url));
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: true, kafka: true } });

    // 30 creates on the wire; the stop begins as soon as the first one is answered.
    const inFlight = Array.from({ length: 30 }, (_, i) =>
      api.data(`mutation { createContact(input: { name: "Shutdown ${i}" }) { contact { id } } }`),
    );
    await Promise.race(inFlight);
    await contacts.stop();
    const results = await Promise.allSettled(inFlight);
    const answered = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<any>).value.createContact.contact.id as string);
    expect(answered.length).toBeGreaterThan(0);

    // Every row that was written has its event on Kafka: the stop flushed the outbox.
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const rows = (await db.query('SELECT id FROM contacts.contact')).rows.map((r) => r.id as string);
    const unsent = (await db.query('SELECT count(*)::int AS n FROM contacts.outbox WHERE sent_at IS NULL')).rows[0].n;
    await db.end();
    expect(unsent).toBe(0);
    for (const id of answered) expect(rows).toContain(id);
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.length >= rows.length);
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(rows));
    await expect(fetch(new URL('/health/live', url))).rejects.toThrow();
  });
});
