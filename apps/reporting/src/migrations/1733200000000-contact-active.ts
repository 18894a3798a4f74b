import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a contact is archived (the contacts' events carry `active`; archived, merged away),
 * so the contact report tells active contacts from archived ones. Rows projected before this
 * migration count as active until `npm run reporting:rebuild`.
 */
export class ContactActive1733200000000 implements MigrationInterface {
  name = 'ContactActive1733200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.contact_rm ADD COLUMN active boolean NOT NULL DEFAULT true`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.contact_rm DROP COLUMN active`);
  }
}
