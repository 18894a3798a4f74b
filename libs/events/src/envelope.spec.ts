import { fromKafkaMessage, MalformedEventError, stateEvent, toKafkaRecord } from './envelope';
import { topicOfType } from './topics';
import { validateEvent, EventValidationError } from './validate';
import { EVENT_CATALOG } from './catalog';
import { buildAsyncApi } from './asyncapi';

const now = new Date('2026-11-23T08:00:00.000Z');
const state = { id: '01934d6e-0000-7000-8000-0000000000aa', name: 'PT Avengers', version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() };

describe('CloudEvents envelope (Kafka binary mode)', () => {
  it('round-trips through ce_* headers with the aggregate id as key', () => {
    const event = stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'created', state, time: now, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(event.type).toBe('crm.contacts.contact.created.v1');
    expect(event.source).toBe('/crm/contacts');
    const record = toKafkaRecord(event);
    expect(record.key).toBe(state.id);
    expect(record.headers).toMatchObject({ ce_specversion: '1.0', ce_type: event.type, ce_id: event.id, ce_subject: state.id });
    const back = fromKafkaMessage({ key: record.key, value: Buffer.from(record.value), headers: record.headers });
    expect(back).toEqual(event);
  });

  it('refuses a message without headers or with a body that is not JSON', () => {
    expect(() => fromKafkaMessage({ value: '{}', headers: {} })).toThrow(MalformedEventError);
    const record = toKafkaRecord(stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'created', state, time: now }));
    expect(() => fromKafkaMessage({ value: '{oops', headers: record.headers })).toThrow('not JSON');
  });

  it('validates data against the JSON Schema of its type', () => {
    const ok = stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'created', state, time: now });
    expect(() => validateEvent(ok)).not.toThrow();
    const bad = stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'created', state: { ...state, version: 0 }, time: now });
    expect(() => validateEvent(bad)).toThrow(EventValidationError);
    const unknown = stateEvent({ subgraph: 'contacts', aggregate: 'contact', event: 'exploded', state, time: now });
    expect(() => validateEvent(unknown)).toThrow('unknown event type');
  });

  it('maps a type to its topic, and every catalog entry to an AsyncAPI message', () => {
    expect(topicOfType('crm.pipeline.opportunity.stage_changed.v1')).toBe('crm.pipeline.opportunity');
    const doc = buildAsyncApi() as { components: { messages: Record<string, unknown> } };
    expect(Object.keys(doc.components.messages)).toHaveLength(EVENT_CATALOG.length);
  });
});
