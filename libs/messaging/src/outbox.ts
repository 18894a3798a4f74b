import type { EntityManager } from 'typeorm';
import { toKafkaRecord, topicOfType, validateEvent, type CloudEvent } from '@crm/events';
import { outboxChannel } from './tables';

/**
 * Appends events to the subgraph's outbox inside the caller's transaction: they are
 * published if and only if the transaction commits. Each event is checked against its
 * JSON Schema first, so a broken contract fails the write, not a consumer.
 */
export async function appendToOutbox(manager: EntityManager, schema: string, events: CloudEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must run inside a transaction');
  }
  const ids: string[] = [];
  const topics: string[] = [];
  const keys: string[] = [];
  const types: string[] = [];
  const headers: string[] = [];
  const payloads: string[] = [];
  for (const event of events) {
    validateEvent(event);
    const record = toKafkaRecord(event);
    ids.push(event.id);
    topics.push(topicOfType(event.type));
    keys.push(record.key);
    types.push(event.type);
    headers.push(JSON.stringify(record.headers));
    payloads.push(record.value);
  }
  await manager.query(
    `INSERT INTO "${schema}".outbox (event_id, topic, message_key, event_type, headers, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
    [ids, topics, keys, types, headers, payloads],
  );
  // Delivered on commit only: wakes the relay without polling delay.
  await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(schema), String(events.length)]);
}
