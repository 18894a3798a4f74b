import type { QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every subgraph has in its own schema.
 * Call from the subgraph's first migration.
 */
export async function createMessagingTables(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`
    CREATE TABLE "${schema}".outbox (
      seq bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      message_key text NOT NULL,
      event_type text NOT NULL,
      headers jsonb NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    )`);
  await runner.query(`CREATE INDEX outbox_unsent_idx ON "${schema}".outbox (seq) WHERE sent_at IS NULL`);
  await runner.query(`
    CREATE TABLE "${schema}".inbox (
      event_id uuid PRIMARY KEY,
      event_type text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      "offset" bigint NOT NULL,
      event_time timestamptz NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropMessagingTables(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`DROP TABLE IF EXISTS "${schema}".inbox`);
  await runner.query(`DROP TABLE IF EXISTS "${schema}".outbox`);
}
