import { Kafka, logLevel } from 'kafkajs';
import { stateEvent, toKafkaRecord } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '../src/module';
import { CREATE } from './helpers';

describe('a lead’s edits update the customer master (seed 002)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;

  beforeAll(async () => {
    env = await createTestEnv('leadedits');
    stack = await startStack({ env, modules: [contactsModule] });
    await stack.subgraph('contacts').consumersReady();
    api = stack.client(await testToken());
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  async function publish(customerId: string, changes: Record<string, { from: unknown; to: unknown }>): Promise<string> {
    const now = new Date();
    const event = stateEvent({
      subgraph: 'pipeline',
      aggregate: 'opportunity',
      event: 'updated',
      state: { id: uuidv7(), name: 'LDS/A-BAN04/2007/00286', customerId, version: 2, createdAt: now.toISOString(), updatedAt: now.toISOString(), updatedBy: '01934d6e-0000-7000-8000-0000000000c1' },
      changes,
      time: now,
    });
    const producer = new Kafka({ clientId: 'test', brokers: env.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const record = toKafkaRecord(event);
    await producer.send({ topic: `${env.topicPrefix}crm.pipeline.opportunity`, messages: [record] });
    await producer.disconnect();
    return event.id;
  }

  it('applies KTP, address and phone; skips an invalid value; ignores repeats', async () => {
    const created = await api.data(CREATE, { input: { name: 'PANGESTU,' } });
    const id = created.createContact.contact.id;
    const eventId = await publish(id, {
      phone: { from: '0', to: '0852-9423-3849' },
      email: { from: null, to: 'not-an-email' },
      properties: { from: {}, to: { nationalId: '3258901108930008', street: 'JL. TIRTA AYU', city: 'Indramayu' } },
    });
    const contact = await eventually(async () => {
      const data = await api.data(`query($id: ID!) { contact(id: $id) { phone nationalId street city email version updatedBy } }`, { id });
      expect(data.contact.version).toBe(2);
      return data.contact;
    });
    expect(contact).toEqual({ phone: '+6285294233849', nationalId: '3258901108930008', street: 'JL. TIRTA AYU', city: 'Indramayu', email: null, version: 2, updatedBy: '01934d6e-0000-7000-8000-0000000000c1' });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.some((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1'));
    const updated = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.contacts.contact.updated.v1')!.value!);
    expect(updated.cause).toMatchObject({ type: 'crm.pipeline.opportunity.updated.v1', id: eventId });

    // The same values again change nothing (no new version, no event).
    await publish(id, { phone: { from: '0', to: '0852-9423-3849' } });
    const consumer = stack.subgraph('contacts').consumers[0]!;
    await eventually(async () => expect(consumer.stats.applied).toBe(2));
    const again = await api.data(`query($id: ID!) { contact(id: $id) { version } }`, { id });
    expect(again.contact.version).toBe(2);
  });
});
