import { readTopic, testToken, createTestEnv, startStack, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '@crm/contacts/src/module';

describe('outbox relay: a commit wakes it (no polling, no NOTIFY)', () => {
  let env: TestEnv;
  let stack: Stack;

  beforeAll(async () => {
    env = await createTestEnv('wakeup');
    // Polling once an hour: only the commit hook can get these events out during the test.
    stack = await startStack({ env, modules: [contactsModule], outboxPollMs: 3_600_000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('publishes each committed change at once, in commit order per aggregate', async () => {
    const api = stack.client(await testToken());
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      // The relay is idle between these: each commit has to wake it again.
      const created = await api.data(`mutation { createContact(input: { name: "Woken ${i}" }) { contact { id } } }`);
      ids.push(created.createContact.contact.id);
      await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.some((m) => m.key === ids[i]), 15_000);
    }
    const pending = await stack.subgraph('contacts').relay.pending();
    expect(pending).toBe(0);
  });
});
