import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact's salesperson and branch (the contacts' events carry them), so that the contact
 * report is scoped by the contacts' own rule. Rows projected before this migration have none
 * (head office's, unassigned) until `npm run reporting:rebuild`.
 */
export class ContactRecordScope1733100000100 implements MigrationInterface {
  name = 'ContactRecordScope1733100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.contact_rm ADD COLUMN salesperson_id uuid, ADD COLUMN branch_id text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.contact_rm DROP COLUMN salesperson_id, DROP COLUMN branch_id`);
  }
}
