import { stateEvent } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import { uuidv7 } from '@crm/runtime';
import { readTopic, testToken, createTestEnv, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '@crm/contacts/src/module';
import { startStack } from '@crm/testing';

describe('outbox: a rolled-back change publishes nothing', () => {
  let env: TestEnv;
  let stack: Stack;

  beforeAll(async () => {
    env = await createTestEnv('rollback');
    stack = await startStack({ env, modules: [contactsModule] });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('leaves no outbox row and no message for a transaction that fails after writing both', async () => {
    const { dataSource } = stack.subgraph('contacts').deps;
    const doomedId = uuidv7();
    const now = new Date();
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO contacts.contact (id, name, created_at, updated_at) VALUES ($1, 'Doomed', $2, $2)`,
          [doomedId, now],
        );
        await appendToOutbox(manager, 'contacts', [
          stateEvent({
            subgraph: 'contacts',
            aggregate: 'contact',
            event: 'created',
            state: { id: doomedId, name: 'Doomed', version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() },
            time: now,
          }),
        ]);
        throw new Error('business rule failed after the writes');
      }),
    ).rejects.toThrow('business rule failed');

    const rows = await dataSource.query('SELECT count(*)::int AS n FROM contacts.outbox');
    expect(rows[0].n).toBe(0);
    const contactRows = await dataSource.query('SELECT count(*)::int AS n FROM contacts.contact WHERE id = $1', [doomedId]);
    expect(contactRows[0].n).toBe(0);

    // A later, committed change is published; the doomed one never is.
    const marker = await stack.client(await testToken()).data(`mutation { createContact(input: { name: "Committed" }) { contact { id } } }`);
    const markerId = marker.createContact.contact.id;
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.some((m) => m.key === markerId));
    expect(messages.map((m) => m.key)).toEqual([markerId]);
  });
});
