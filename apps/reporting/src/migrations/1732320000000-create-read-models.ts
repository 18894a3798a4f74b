import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@crm/messaging';

export class CreateReadModels1732320000000 implements MigrationInterface {
  name = 'CreateReadModels1732320000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner, 'reporting');
    await runner.query(`
      CREATE TABLE reporting.contact_rm (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE reporting.event_tally (
        event_type text PRIMARY KEY,
        applied bigint NOT NULL DEFAULT 0
      )`);
    await runner.query(`
      CREATE TABLE reporting.freshness (
        stream text PRIMARY KEY,
        newest_event_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE reporting.freshness');
    await runner.query('DROP TABLE reporting.event_tally');
    await runner.query('DROP TABLE reporting.contact_rm');
    await dropMessagingTables(runner, 'reporting');
  }
}
