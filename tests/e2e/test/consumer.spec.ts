import { Kafka, logLevel } from 'kafkajs';
import { newEvent, toKafkaRecord } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import { eventually, readTopic, testToken, createTestEnv, startStack, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '@crm/reporting/src/module';

function contactCreated(name: string) {
  const id = uuidv7();
  const now = new Date().toISOString();
  return newEvent({
    subgraph: 'contacts',
    aggregate: 'contact',
    event: 'created',
    subject: id,
    data: { state: { id, name, email: null, version: 1, createdAt: now, updatedAt: now } },
  });
}

describe('idempotent consumer with a dead-letter topic (reporting)', () => {
  let env: TestEnv;
  let stack: Stack;

  beforeAll(async () => {
    env = await createTestEnv('consumer');
    stack = await startStack({ env, modules: [reportingModule] });
    await stack.subgraph('reporting').consumersReady();
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('applies a twice-delivered event once, dead-letters poison messages and keeps going', async () => {
    const topic = `${env.topicPrefix}crm.contacts.contact`;
    const producer = new Kafka({ clientId: 'test', brokers: env.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const twice = contactCreated('Delivered twice');
    const after = contactCreated('After the poison');
    const schemaBreaking = contactCreated('');
    // The same key keeps one partition: once the update is applied, both copies before it were seen.
    const state = (twice.data as any).state;
    const update = newEvent({
      subgraph: 'contacts',
      aggregate: 'contact',
      event: 'updated',
      subject: twice.subject,
      data: { state: { ...state, name: 'Delivered twice, then updated', version: 2 } },
    });
    await producer.send({ topic, messages: [toKafkaRecord(twice), toKafkaRecord(twice), toKafkaRecord(update)] });
    await producer.send({
      topic,
      messages: [
        { key: 'garbage', value: '{not json', headers: { ce_specversion: '1.0', ce_id: uuidv7(), ce_type: 'crm.contacts.contact.created.v1', ce_source: '/crm/contacts', ce_subject: 'x', ce_time: new Date().toISOString() } },
        { key: 'no-headers', value: '{}' },
        toKafkaRecord(schemaBreaking),
      ],
    });
    await producer.send({ topic, messages: [toKafkaRecord(after)] });
    await producer.disconnect();

    const api = stack.client(await testToken());
    const REPORT = `{ contactReport { totalContacts contactsCreated contacts(first: 10) { edges { node { name } } } } }`;
    await eventually(async () => {
      const data = await api.data(REPORT);
      // Partitions are independent: wait for both good events, wherever they landed.
      const names = data.contactReport.contacts.edges.map((e: any) => e.node.name);
      expect(names).toEqual(expect.arrayContaining(['After the poison', 'Delivered twice, then updated']));
    });
    // Read the figures afresh: within one request the list and the summary are separate
    // statements, and the summary may have run before the last event committed.
    const report = (await api.data(REPORT)).contactReport;
    expect(report.totalContacts).toBe(2);
    expect(report.contactsCreated).toBe(2);

    const dead = await readTopic(env.brokers, `${topic}.dlq`, (ms) => ms.length >= 3);
    expect(dead.map((m) => m.key).sort()).toEqual(['garbage', 'no-headers', schemaBreaking.subject].sort());
    for (const m of dead) {
      expect(m.headers['dlq_reason']).toMatch(/MalformedEventError|EventValidationError/);
      expect(m.headers['dlq_source_topic']).toBe(topic);
    }
    const inbox = await stack.subgraph('reporting').deps.dataSource.query('SELECT count(*)::int AS n FROM reporting.inbox');
    expect(inbox[0].n).toBe(3);
  });
});
