import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads generated from sales and service history (src/services/history-import-service.ts):
 * - generated_lead: one row per generated lead's key (engine + KPB number, engine + service
 *   date) in its pipeline, so a second or overlapping import creates no duplicate;
 * - contact_copy.code: the customer code (BPA/…) a history row names its customer by (copies
 *   written before fill in with the contact's next event);
 * - branch_copy: the branches (crm.contacts.branch), for "today" in the branch's time zone and
 *   to refuse rows of an unknown branch.
 */
export class HistoryLeadGeneration1732500000007 implements MigrationInterface {
  name = 'HistoryLeadGeneration1732500000007';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pipeline.generated_lead (
        pipeline_id uuid NOT NULL,
        source_key text NOT NULL,
        opportunity_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (pipeline_id, source_key)
      )`);
    await runner.query('ALTER TABLE pipeline.contact_copy ADD COLUMN code text');
    await runner.query('CREATE INDEX contact_copy_code ON pipeline.contact_copy (code) WHERE code IS NOT NULL AND merged_into_id IS NULL');
    await runner.query('CREATE INDEX contact_copy_national_id ON pipeline.contact_copy (national_id) WHERE national_id IS NOT NULL AND merged_into_id IS NULL');
    await runner.query(`
      CREATE TABLE pipeline.branch_copy (
        id text PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        time_zone text NOT NULL,
        active boolean NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE pipeline.branch_copy');
    await runner.query('DROP INDEX pipeline.contact_copy_national_id');
    await runner.query('DROP INDEX pipeline.contact_copy_code');
    await runner.query('ALTER TABLE pipeline.contact_copy DROP COLUMN code');
    await runner.query('DROP TABLE pipeline.generated_lead');
  }
}
