import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local copies of other subgraphs' records (from their events; never their tables) and the
 * workshop's booking services with their per-branch, per-month sequence.
 */
export class CreateProjectionsAndBookings1732400000002 implements MigrationInterface {
  name = 'CreateProjectionsAndBookings1732400000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sales.opportunity_copy (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        type text,
        name text NOT NULL,
        number text,
        customer_id uuid,
        phone text,
        salesperson_id uuid,
        team_id uuid,
        branch_id text,
        currency char(3),
        campaign text,
        medium text,
        source text,
        tag_ids text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'open',
        active boolean NOT NULL DEFAULT true,
        deleted boolean NOT NULL DEFAULT false,
        properties jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE sales.team_copy (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        order_confirmation_marks_won boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true
      )`);
    await runner.query(`
      CREATE TABLE sales.contact_copy (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        kind text,
        parent_id uuid,
        address_type text,
        street text,
        street2 text,
        city text,
        state text,
        zip text,
        country_code text,
        email text,
        phone text,
        mobile text,
        active boolean NOT NULL DEFAULT true
      )`);
    await runner.query('CREATE INDEX contact_copy_parent_idx ON sales.contact_copy (parent_id) WHERE parent_id IS NOT NULL');
    await runner.query(`
      CREATE TABLE sales.branch_copy (
        id text PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        time_zone text NOT NULL,
        workshop_opens_at text,
        workshop_closes_at text,
        active boolean NOT NULL DEFAULT true
      )`);
    await runner.query(`
      CREATE TABLE sales.document_sequence (
        key text PRIMARY KEY,
        last_value integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE sales.booking (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        state text NOT NULL CHECK (state IN ('draft', 'posted', 'cancelled', 'work_order_created')),
        booking_date date NOT NULL,
        service_hour integer NOT NULL CHECK (service_hour BETWEEN 0 AND 23),
        service_minute integer NOT NULL DEFAULT 0 CHECK (service_minute BETWEEN 0 AND 59),
        scheduled_at timestamptz NOT NULL,
        time_zone text NOT NULL,
        branch_id text NOT NULL,
        opportunity_id uuid NOT NULL,
        lead_number text,
        customer_id uuid NOT NULL,
        mobile text,
        engine_number text,
        service_type text NOT NULL CHECK (service_type IN ('KPB1', 'KPB2', 'KPB3', 'KPB4', 'REGULAR')),
        visit_reason text,
        complaint text,
        carrier_relation text,
        pit text,
        mechanic text,
        service_advisor text,
        work_order_number text UNIQUE,
        salesperson_id uuid,
        team_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid,
        CHECK ((state = 'work_order_created') = (work_order_number IS NOT NULL))
      )`);
    await runner.query('CREATE INDEX booking_opportunity_idx ON sales.booking (opportunity_id)');
    await runner.query('CREATE INDEX booking_branch_date_idx ON sales.booking (branch_id, booking_date)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['booking', 'document_sequence', 'branch_copy', 'contact_copy', 'team_copy', 'opportunity_copy']) {
      await runner.query(`DROP TABLE sales.${table}`);
    }
  }
}
