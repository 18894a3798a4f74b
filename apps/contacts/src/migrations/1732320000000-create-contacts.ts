import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@crm/messaging';

export class CreateContacts1732320000000 implements MigrationInterface {
  name = 'CreateContacts1732320000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner, 'contacts');
    await runner.query(`
      CREATE TABLE contacts.contact (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        email text,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE contacts.contact');
    await dropMessagingTables(runner, 'contacts');
  }
}
