import type { EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { deferWrite } from '@crm/db';
import { toKafkaRecord, topicOfType, validateEvent, type CloudEvent } from '@crm/events';

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
  // One JSON parameter (serialised natively) rather than six text arrays: pg's array escaping
  // costs ~20x more for large payloads, which matters for bulk writes (a 100,000-row import).
  const rows = events.map((event) => {
    validateEvent(event);
    const record = toKafkaRecord(event);
    return { event_id: event.id, topic: topicOfType(event.type), message_key: record.key, event_type: event.type, headers: record.headers, payload: record.value };
  });
  // Nothing reads its result: in a pipelined transaction it travels with COMMIT.
  await deferWrite(manager, insertStatement(schema), [JSON.stringify(rows)]);
  // The relay of this process is woken when the transaction commits (OutboxCommitSubscriber);
  // no NOTIFY, which would serialise every commit of the cluster on one lock.
  manager.queryRunner.data = { ...manager.queryRunner.data, [OUTBOX_WRITTEN]: true };
}

const OUTBOX_WRITTEN = 'crmOutboxWritten';

const inserts = new Map<string, string>();

/** The outbox insert of a schema: one text per schema (run as a prepared statement once hot). */
function insertStatement(schema: string): string {
  let sql = inserts.get(schema);
  if (!sql) {
    sql = `INSERT INTO "${schema}".outbox (event_id, topic, message_key, event_type, headers, payload)
     SELECT event_id, topic, message_key, event_type, headers, payload
     FROM json_to_recordset($1::json) AS x(event_id uuid, topic text, message_key text, event_type text, headers jsonb, payload text)`;
    inserts.set(schema, sql);
  }
  return sql;
}

/**
 * Wakes the relay after a transaction that wrote outbox rows commits, so events leave at
 * once instead of at the next poll. Nested savepoint commits are ignored; rollbacks too.
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  constructor(private readonly onCommit: () => void) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as Record<string, unknown> | undefined;
    if (event.queryRunner.isTransactionActive || !data?.[OUTBOX_WRITTEN]) return;
    data[OUTBOX_WRITTEN] = false;
    this.onCommit();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const data = event.queryRunner.data as Record<string, unknown> | undefined;
    if (!event.queryRunner.isTransactionActive && data) data[OUTBOX_WRITTEN] = false;
  }
}
