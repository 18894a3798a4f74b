import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@crm/messaging';

export class CreateProducts1732320000000 implements MigrationInterface {
  name = 'CreateProducts1732320000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner, 'sales');
    await runner.query(`
      CREATE TABLE sales.product (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        internal_reference text UNIQUE,
        type text NOT NULL CHECK (type IN ('GOODS', 'SERVICE')),
        list_price numeric(20, 2) NOT NULL CHECK (list_price >= 0),
        currency char(3) NOT NULL,
        unit_of_measure text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE sales.product');
    await dropMessagingTables(runner, 'sales');
  }
}
