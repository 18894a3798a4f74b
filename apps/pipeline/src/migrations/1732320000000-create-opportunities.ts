import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@crm/messaging';

export class CreateOpportunities1732320000000 implements MigrationInterface {
  name = 'CreateOpportunities1732320000000';

  async up(runner: QueryRunner): Promise<void> {
    await createMessagingTables(runner, 'pipeline');
    await runner.query(`
      CREATE TABLE pipeline.opportunity (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        customer_id uuid,
        expected_revenue numeric(20, 2) NOT NULL DEFAULT 0 CHECK (expected_revenue >= 0),
        currency char(3) NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query('CREATE INDEX opportunity_customer_idx ON pipeline.opportunity (customer_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE pipeline.opportunity');
    await dropMessagingTables(runner, 'pipeline');
  }
}
