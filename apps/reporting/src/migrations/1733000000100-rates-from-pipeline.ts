import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rates now come from the pipeline's crm.pipeline.currency_rate events, with the date they apply from. */
export class RatesFromPipeline1733000000100 implements MigrationInterface {
  name = 'RatesFromPipeline1733000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.currency_rate ADD COLUMN valid_from date NOT NULL DEFAULT DATE '1970-01-01'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE reporting.currency_rate DROP COLUMN valid_from');
  }
}
