import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer-master fields a lead takes from its customer when one is chosen (seed 002: KTP
 * number, address, occupation fill the dealer's lead form), kept from crm.contacts.contact
 * events like the rest of the copy. Copies written before fill in with the contact's next event.
 */
export class ContactCopyMasterFields1732500000006 implements MigrationInterface {
  name = 'ContactCopyMasterFields1732500000006';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.contact_copy ADD COLUMN national_id text, ADD COLUMN street text, ADD COLUMN city text, ADD COLUMN occupation_name text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.contact_copy DROP COLUMN national_id, DROP COLUMN street, DROP COLUMN city, DROP COLUMN occupation_name');
  }
}
