import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@crm/messaging';

/** Odoo's default activity types, with fixed ids so every installation agrees on them. */
const DEFAULT_TYPES: [string, string, string, string, number][] = [
  ['01934d6e-0000-7000-8000-000000000001', 'Email', 'fa-envelope', 'DEFAULT', 1],
  ['01934d6e-0000-7000-8000-000000000002', 'Call', 'fa-phone', 'PHONE_CALL', 2],
  ['01934d6e-0000-7000-8000-000000000003', 'Meeting', 'fa-users', 'MEETING', 3],
  ['01934d6e-0000-7000-8000-000000000004', 'To-Do', 'fa-check', 'DEFAULT', 4],
  ['01934d6e-0000-7000-8000-000000000005', 'Upload Document', 'fa-upload', 'UPLOAD_DOCUMENT', 5],
];

export class CreateActivityTypes1732320000000 implements MigrationInterface {
  name = 'CreateActivityTypes1732320000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner, 'activities');
    await runner.query(`
      CREATE TABLE activities.activity_type (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        icon text,
        category text NOT NULL CHECK (category IN ('DEFAULT', 'MEETING', 'UPLOAD_DOCUMENT', 'PHONE_CALL')),
        sequence integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const [id, name, icon, category, sequence] of DEFAULT_TYPES) {
      await runner.query(
        'INSERT INTO activities.activity_type (id, name, icon, category, sequence) VALUES ($1, $2, $3, $4, $5)',
        [id, name, icon, category, sequence],
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE activities.activity_type');
    await dropMessagingTables(runner, 'activities');
  }
}
