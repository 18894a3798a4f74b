import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models of the analysis queries, all kept from Kafka events (see src/projections):
 * opportunities with their version history and stage transitions, a pre-aggregated cube of
 * opportunities for the pipeline analysis, teams, stages, users, branches, names (labels),
 * activities, quotations and bookings. Plus reporting's own configuration (currency rates,
 * follow-up monitoring keys) and export requests, which are not read models and survive a
 * rebuild.
 */
export class AnalyticsReadModels1733000000000 implements MigrationInterface {
  name = 'AnalyticsReadModels1733000000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = (sql: string) => runner.query(sql);
    await q(`CREATE TABLE reporting.settings (key text PRIMARY KEY, value text NOT NULL)`);

    await q(`
      CREATE TABLE reporting.opportunity_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        type text NOT NULL,
        name text NOT NULL,
        number text,
        customer_id uuid,
        contact_name text,
        company_name text,
        email text,
        phone text,
        salesperson_id uuid,
        team_id uuid,
        pipeline_id uuid,
        stage_id uuid,
        stage_name text,
        priority smallint NOT NULL DEFAULT 0,
        expected_revenue numeric NOT NULL DEFAULT 0,
        currency text NOT NULL,
        probability numeric,
        prorated_revenue numeric,
        expected_closing date,
        tag_ids text[] NOT NULL DEFAULT '{}',
        campaign text,
        medium text,
        source text,
        status text NOT NULL,
        lost_reason_id uuid,
        lost_reason_name text,
        lost_feedback text,
        active boolean NOT NULL,
        date_opened timestamptz,
        date_closed timestamptz,
        date_last_stage_update timestamptz,
        branch_id text,
        properties jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid,
        converted_at timestamptz,
        merged_into uuid,
        deleted boolean NOT NULL DEFAULT false,
        created_month date NOT NULL
      )`);
    await q(`CREATE INDEX opportunity_rm_created_idx ON reporting.opportunity_rm (created_at, id)`);
    await q(`CREATE INDEX opportunity_rm_branch_created_idx ON reporting.opportunity_rm (branch_id, created_at)`);
    await q(`CREATE INDEX opportunity_rm_closed_idx ON reporting.opportunity_rm (date_closed) WHERE date_closed IS NOT NULL`);
    await q(`CREATE INDEX opportunity_rm_team_idx ON reporting.opportunity_rm (team_id, status)`);
    await q(`CREATE INDEX opportunity_rm_salesperson_idx ON reporting.opportunity_rm (salesperson_id)`);
    await q(`CREATE INDEX opportunity_rm_tags_idx ON reporting.opportunity_rm USING gin (tag_ids)`);

    await q(`
      CREATE TABLE reporting.opportunity_merge (
        merged_id uuid PRIMARY KEY,
        into_id uuid NOT NULL,
        merged_at timestamptz NOT NULL
      )`);

    await q(`
      CREATE TABLE reporting.opportunity_history (
        opportunity_id uuid NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        valid_from timestamptz NOT NULL,
        type text NOT NULL,
        name text NOT NULL,
        stage_id uuid,
        stage_name text,
        status text NOT NULL,
        active boolean NOT NULL,
        expected_revenue numeric NOT NULL,
        prorated_revenue numeric,
        currency text NOT NULL,
        salesperson_id uuid,
        team_id uuid,
        pipeline_id uuid,
        branch_id text,
        PRIMARY KEY (opportunity_id, version, deleted)
      )`);
    await q(`CREATE INDEX opportunity_history_valid_from_idx ON reporting.opportunity_history (valid_from)`);

    await q(`
      CREATE TABLE reporting.stage_transition (
        event_id uuid PRIMARY KEY,
        opportunity_id uuid NOT NULL,
        version integer NOT NULL,
        from_stage_id uuid,
        to_stage_id uuid,
        from_stage_name text,
        to_stage_name text,
        changed_at timestamptz NOT NULL,
        seconds_in_previous bigint
      )`);
    await q(`CREATE INDEX stage_transition_opportunity_idx ON reporting.stage_transition (opportunity_id, changed_at)`);
    await q(`CREATE INDEX stage_transition_from_idx ON reporting.stage_transition (from_stage_id)`);

    // Pre-aggregated opportunities for the pipeline analysis, at three grains: one row per
    // combination of the dimensions; measures are sums, kept incrementally (old contribution
    // out, new one in) by the projection. A query reads the coarsest grain that has every
    // column its group-bys, filters and record scope need.
    const measures = `
        n bigint NOT NULL,
        expected_revenue numeric NOT NULL,
        prorated_revenue numeric NOT NULL,
        closed_n bigint NOT NULL,
        close_seconds numeric NOT NULL,
        stage_n bigint NOT NULL,
        stage_epoch numeric NOT NULL`;
    await q(`
      CREATE TABLE reporting.opportunity_cube (
        stage_id uuid, created_month date NOT NULL, team_id uuid, salesperson_id uuid, branch_id text, pipeline_id uuid,
        type text NOT NULL, status text NOT NULL, currency text NOT NULL, active boolean NOT NULL, ${measures},
        UNIQUE NULLS NOT DISTINCT (stage_id, created_month, team_id, salesperson_id, branch_id, pipeline_id, type, status, currency, active)
      )`);
    await q(`CREATE INDEX opportunity_cube_team_idx ON reporting.opportunity_cube (team_id)`);
    await q(`CREATE INDEX opportunity_cube_salesperson_idx ON reporting.opportunity_cube (salesperson_id)`);
    await q(`
      CREATE TABLE reporting.opportunity_cube_team (
        stage_id uuid, created_month date NOT NULL, team_id uuid, branch_id text, pipeline_id uuid,
        type text NOT NULL, status text NOT NULL, currency text NOT NULL, active boolean NOT NULL, ${measures},
        UNIQUE NULLS NOT DISTINCT (stage_id, created_month, team_id, branch_id, pipeline_id, type, status, currency, active)
      )`);
    await q(`CREATE INDEX opportunity_cube_team_branch_idx ON reporting.opportunity_cube_team (branch_id)`);
    await q(`
      CREATE TABLE reporting.opportunity_cube_top (
        stage_id uuid, created_month date NOT NULL, pipeline_id uuid,
        type text NOT NULL, status text NOT NULL, currency text NOT NULL, active boolean NOT NULL, ${measures},
        UNIQUE NULLS NOT DISTINCT (stage_id, created_month, pipeline_id, type, status, currency, active)
      )`);

    for (const grain of ['opportunity_cube', 'opportunity_cube_team', 'opportunity_cube_top']) {
      // cells nobody contributes to any more, removed by the compaction
      await q(`CREATE INDEX ${grain}_empty_idx ON reporting.${grain} ((1)) WHERE n = 0`);
    }

    // Changes not yet folded into the grains: appended by the projection (no shared row locks),
    // folded by the compaction; queries read grain + deltas.
    await q(`
      CREATE TABLE reporting.opportunity_cube_delta (
        stage_id uuid, created_month date NOT NULL, team_id uuid, salesperson_id uuid, branch_id text, pipeline_id uuid,
        type text NOT NULL, status text NOT NULL, currency text NOT NULL, active boolean NOT NULL, ${measures}
      )`);

    await q(`
      CREATE TABLE reporting.label (
        kind text NOT NULL,
        id text NOT NULL,
        name text NOT NULL,
        sequence integer,
        authoritative boolean NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (kind, id)
      )`);

    await q(`
      CREATE TABLE reporting.team_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        leader_id uuid,
        member_ids uuid[] NOT NULL DEFAULT '{}',
        invoicing_target numeric,
        currency text,
        use_leads boolean NOT NULL DEFAULT true,
        active boolean NOT NULL DEFAULT true
      )`);
    await q(`
      CREATE TABLE reporting.stage_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        sequence integer NOT NULL DEFAULT 0,
        folded boolean NOT NULL DEFAULT false,
        is_won boolean NOT NULL DEFAULT false,
        probability numeric,
        team_id uuid,
        pipeline_id uuid,
        deleted boolean NOT NULL DEFAULT false
      )`);
    await q(`
      CREATE TABLE reporting.user_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        login text NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        branch_ids text[] NOT NULL DEFAULT '{}',
        team_ids uuid[] NOT NULL DEFAULT '{}',
        time_zone text NOT NULL,
        active boolean NOT NULL
      )`);
    await q(`
      CREATE TABLE reporting.branch_rm (
        id text PRIMARY KEY,
        version integer NOT NULL,
        name text NOT NULL,
        country_code text,
        time_zone text,
        active boolean NOT NULL
      )`);

    await q(`
      CREATE TABLE reporting.activity_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        type_id uuid NOT NULL,
        type_name text,
        category text,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        opportunity_id uuid,
        summary text,
        due_date date NOT NULL,
        assignee_id uuid,
        status text NOT NULL,
        done_at timestamptz,
        done_by_id uuid,
        feedback text,
        branch_id text,
        created_at timestamptz,
        updated_at timestamptz
      )`);
    await q(`CREATE INDEX activity_rm_done_idx ON reporting.activity_rm (done_at) WHERE status = 'done'`);
    await q(`CREATE INDEX activity_rm_open_due_idx ON reporting.activity_rm (due_date) WHERE status = 'open'`);
    await q(`CREATE INDEX activity_rm_opportunity_idx ON reporting.activity_rm (opportunity_id)`);

    await q(`
      CREATE TABLE reporting.quotation_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        number text NOT NULL,
        customer_id uuid,
        opportunity_id uuid,
        salesperson_id uuid,
        team_id uuid,
        branch_id text,
        quotation_date date,
        order_date timestamptz,
        currency text NOT NULL,
        amount_untaxed numeric NOT NULL,
        amount_tax numeric NOT NULL,
        amount_total numeric NOT NULL,
        state text NOT NULL,
        created_at timestamptz,
        updated_at timestamptz
      )`);
    await q(`CREATE INDEX quotation_rm_team_idx ON reporting.quotation_rm (team_id, state)`);
    await q(`CREATE INDEX quotation_rm_opportunity_idx ON reporting.quotation_rm (opportunity_id)`);

    await q(`
      CREATE TABLE reporting.booking_rm (
        id uuid PRIMARY KEY,
        version integer NOT NULL,
        number text NOT NULL,
        booking_date date NOT NULL,
        branch_id text NOT NULL,
        opportunity_id uuid,
        customer_id uuid,
        service_type text NOT NULL,
        visit_reason text,
        state text NOT NULL,
        work_order_number text,
        created_at timestamptz,
        updated_at timestamptz
      )`);
    await q(`CREATE INDEX booking_rm_opportunity_idx ON reporting.booking_rm (opportunity_id)`);

    // Freshness: the newest event applied per topic, found through the inbox.
    await q(`CREATE INDEX inbox_topic_time_idx ON reporting.inbox (topic, event_time DESC)`);

    // Configuration of reporting itself (not read models: a rebuild keeps them).
    await q(`
      CREATE TABLE reporting.currency_rate (
        currency text PRIMARY KEY,
        rate numeric NOT NULL CHECK (rate > 0),
        updated_at timestamptz NOT NULL,
        updated_by uuid
      )`);
    await q(`
      CREATE TABLE reporting.follow_up_config (
        id integer PRIMARY KEY CHECK (id = 1),
        config jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by uuid
      )`);
    await q(`
      CREATE TABLE reporting.export_request (
        id uuid PRIMARY KEY,
        requested_by uuid NOT NULL,
        claims jsonb NOT NULL,
        params jsonb NOT NULL,
        format text NOT NULL,
        row_count integer NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'export_request',
      'follow_up_config',
      'currency_rate',
      'booking_rm',
      'quotation_rm',
      'activity_rm',
      'branch_rm',
      'user_rm',
      'stage_rm',
      'team_rm',
      'label',
      'opportunity_cube_delta',
      'opportunity_cube_top',
      'opportunity_cube_team',
      'opportunity_cube',
      'stage_transition',
      'opportunity_history',
      'opportunity_merge',
      'opportunity_rm',
      'settings',
    ]) {
      await runner.query(`DROP TABLE IF EXISTS reporting.${table}`);
    }
    await runner.query('DROP INDEX IF EXISTS reporting.inbox_topic_time_idx');
  }
}
