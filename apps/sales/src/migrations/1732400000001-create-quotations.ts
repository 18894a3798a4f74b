import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Quotations and sales orders (one aggregate), their lines, and the S00001 sequence. */
export class CreateQuotations1732400000001 implements MigrationInterface {
  name = 'CreateQuotations1732400000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE SEQUENCE sales.quotation_number_seq');
    await runner.query(`
      CREATE TABLE sales.quotation (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        state text NOT NULL CHECK (state IN ('draft', 'sent', 'sale', 'cancelled')),
        customer_id uuid NOT NULL,
        invoice_address_id uuid,
        delivery_address_id uuid,
        opportunity_id uuid,
        salesperson_id uuid,
        team_id uuid,
        branch_id text,
        origin text,
        client_order_ref text,
        campaign text,
        medium text,
        source text,
        tag_ids text[] NOT NULL DEFAULT '{}',
        note text,
        quotation_date date NOT NULL,
        validity_date date CHECK (validity_date IS NULL OR validity_date >= quotation_date),
        order_date timestamptz,
        currency char(3) NOT NULL,
        amount_untaxed numeric(24, 6) NOT NULL DEFAULT 0,
        amount_tax numeric(24, 6) NOT NULL DEFAULT 0,
        amount_total numeric(24, 6) NOT NULL DEFAULT 0,
        last_sent_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query('CREATE INDEX quotation_opportunity_idx ON sales.quotation (opportunity_id) WHERE opportunity_id IS NOT NULL');
    await runner.query('CREATE INDEX quotation_customer_idx ON sales.quotation (customer_id)');
    await runner.query('CREATE INDEX quotation_salesperson_idx ON sales.quotation (salesperson_id)');
    await runner.query('CREATE INDEX quotation_team_idx ON sales.quotation (team_id)');
    await runner.query('CREATE INDEX quotation_state_idx ON sales.quotation (state, id)');
    await runner.query(`
      CREATE TABLE sales.quotation_line (
        id uuid PRIMARY KEY,
        quotation_id uuid NOT NULL REFERENCES sales.quotation (id) ON DELETE CASCADE,
        sequence integer NOT NULL,
        product_id uuid,
        description text NOT NULL CHECK (btrim(description) <> ''),
        quantity numeric(16, 4) NOT NULL CHECK (quantity > 0),
        unit_price numeric(20, 6) NOT NULL CHECK (unit_price >= 0),
        discount numeric(5, 2) NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 100),
        tax_ids uuid[] NOT NULL DEFAULT '{}',
        taxes jsonb NOT NULL DEFAULT '[]',
        subtotal numeric(24, 6) NOT NULL,
        tax numeric(24, 6) NOT NULL,
        total numeric(24, 6) NOT NULL
      )`);
    await runner.query('CREATE INDEX quotation_line_quotation_idx ON sales.quotation_line (quotation_id, sequence)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE sales.quotation_line');
    await runner.query('DROP TABLE sales.quotation');
    await runner.query('DROP SEQUENCE sales.quotation_number_seq');
  }
}
