import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A local copy of the contacts the pipeline needs to know (name for text search, country for
 * predictive scoring), kept from crm.contacts.contact events; never read from the contacts schema.
 */
export class ContactCopy1732500000001 implements MigrationInterface {
  name = 'ContactCopy1732500000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pipeline.contact_copy (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text,
        phone text,
        country_code text,
        version integer NOT NULL,
        merged_into_id uuid
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE pipeline.contact_copy');
  }
}
