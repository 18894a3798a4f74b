import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Taxes; products get taxes, a sales description and prices with up to 6 decimals. */
export class CreateTaxes1732400000000 implements MigrationInterface {
  name = 'CreateTaxes1732400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sales.tax (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        percent numeric(9, 4) NOT NULL CHECK (percent >= 0 AND percent <= 100),
        price_included boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query('CREATE UNIQUE INDEX tax_name_uq ON sales.tax (lower(name))');
    await runner.query('ALTER TABLE sales.product ALTER COLUMN list_price TYPE numeric(20, 6)');
    await runner.query(`ALTER TABLE sales.product ADD COLUMN tax_ids uuid[] NOT NULL DEFAULT '{}', ADD COLUMN sales_description text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE sales.product DROP COLUMN sales_description, DROP COLUMN tax_ids');
    await runner.query('ALTER TABLE sales.product ALTER COLUMN list_price TYPE numeric(20, 2)');
    await runner.query('DROP TABLE sales.tax');
  }
}
