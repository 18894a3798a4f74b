import type { MigrationInterface, QueryRunner } from 'typeorm';
import { stateEvent } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import { envString, uuidv7 } from '@crm/runtime';

/** Odoo's defaults: the stages every team shares, the lost reasons. */
const DEFAULT_STAGES = [
  { name: 'New', sequence: 1, probability: '10', isWon: false },
  { name: 'Qualified', sequence: 2, probability: '30', isWon: false },
  { name: 'Proposition', sequence: 3, probability: '60', isWon: false },
  { name: 'Won', sequence: 70, probability: '100', isWon: true },
];
const DEFAULT_LOST_REASONS = ['Too expensive', "We don't have people/skills", 'Not enough stock'];

/**
 * Indicative rates (value of one unit in IDR, the reference) so that boards total mixed
 * currencies out of the box, valid from 1970 (a baseline for any date); administrators add
 * dated rates with `setCurrencyRate`.
 */
const DEFAULT_RATES: [string, string][] = [
  ['IDR', '1'],
  ['USD', '16250'],
  ['EUR', '17600'],
  ['SGD', '12100'],
  ['MYR', '3650'],
  ['JPY', '105'],
  ['CNY', '2240'],
  ['TWD', '500'],
  ['AUD', '10600'],
  ['GBP', '20700'],
  ['TRY', '470'],
];

/**
 * Teams, pipelines, stages, lost reasons, tags, currency rates, numbering, stage history and
 * the predictive-scoring frequencies; the opportunity gains every field of a lead/opportunity.
 * Seeds the default team "Sales", its pipeline, the shared stages and the lost reasons (with
 * their events, through the outbox).
 */
export class PipelineCore1732500000000 implements MigrationInterface {
  name = 'PipelineCore1732500000000';

  async up(runner: QueryRunner): Promise<void> {
    const audit = `
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid`;
    await runner.query(`
      CREATE TABLE pipeline.team (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        leader_id uuid,
        member_ids uuid[] NOT NULL DEFAULT '{}',
        email_alias text UNIQUE,
        invoicing_target numeric(20, 2) CHECK (invoicing_target >= 0),
        currency char(3) NOT NULL,
        use_leads boolean NOT NULL DEFAULT false,
        scoring_fields text[] NOT NULL DEFAULT '{stage,country,source,tags}',
        sequence integer NOT NULL DEFAULT 10,
        is_default boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,${audit}
      )`);
    await runner.query('CREATE UNIQUE INDEX team_one_default ON pipeline.team (is_default) WHERE is_default');
    await runner.query(`
      CREATE TABLE pipeline.pipeline (
        id uuid PRIMARY KEY,
        team_id uuid NOT NULL REFERENCES pipeline.team (id),
        name text NOT NULL CHECK (btrim(name) <> ''),
        sequence integer NOT NULL DEFAULT 10,
        shared_stages boolean NOT NULL DEFAULT true,
        is_default boolean NOT NULL DEFAULT false,
        property_definitions jsonb NOT NULL DEFAULT '[]',
        template_key text,
        active boolean NOT NULL DEFAULT true,${audit}
      )`);
    await runner.query('CREATE UNIQUE INDEX pipeline_default_per_team ON pipeline.pipeline (team_id) WHERE is_default');
    await runner.query(`
      CREATE TABLE pipeline.stage (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        sequence integer NOT NULL DEFAULT 1,
        folded boolean NOT NULL DEFAULT false,
        is_won boolean NOT NULL DEFAULT false,
        probability numeric(5, 2) NOT NULL DEFAULT 10 CHECK (probability BETWEEN 0 AND 100),
        requirements text,
        team_id uuid REFERENCES pipeline.team (id),
        pipeline_id uuid REFERENCES pipeline.pipeline (id),
        gates jsonb NOT NULL DEFAULT '{}',${audit},
        CHECK (pipeline_id IS NULL OR team_id IS NOT NULL)
      )`);
    await runner.query('CREATE INDEX stage_pipeline_idx ON pipeline.stage (pipeline_id, sequence)');
    await runner.query(`
      CREATE TABLE pipeline.lost_reason (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        active boolean NOT NULL DEFAULT true,${audit}
      )`);
    await runner.query('CREATE UNIQUE INDEX lost_reason_name_idx ON pipeline.lost_reason (lower(name))');
    await runner.query(`
      CREATE TABLE pipeline.tag (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        color integer NOT NULL DEFAULT 0 CHECK (color BETWEEN 0 AND 11),${audit}
      )`);
    await runner.query('CREATE UNIQUE INDEX tag_name_idx ON pipeline.tag (lower(name))');
    await runner.query(`
      CREATE TABLE pipeline.currency_rate (
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        valid_from date NOT NULL,
        rate numeric(30, 12) NOT NULL CHECK (rate > 0),
        created_at timestamptz NOT NULL,
        created_by uuid,
        PRIMARY KEY (currency, valid_from)
      )`);
    await runner.query(`
      CREATE TABLE pipeline.document_sequence (
        prefix text NOT NULL,
        branch text NOT NULL,
        period text NOT NULL,
        last_value integer NOT NULL,
        PRIMARY KEY (prefix, branch, period)
      )`);
    await runner.query(`
      CREATE TABLE pipeline.scoring_frequency (
        team_id uuid NOT NULL,
        variable text NOT NULL,
        value text NOT NULL,
        won_tenths bigint NOT NULL,
        lost_tenths bigint NOT NULL,
        PRIMARY KEY (team_id, variable, value)
      )`);

    const now = new Date();
    const currency = envString('DEFAULT_CURRENCY', 'IDR').toUpperCase();
    const teamId = uuidv7(now.getTime());
    const pipelineId = uuidv7(now.getTime());
    await runner.query(
      `INSERT INTO pipeline.team (id, name, currency, is_default, created_at, updated_at) VALUES ($1, 'Sales', $2, true, $3, $3)`,
      [teamId, currency, now],
    );
    await runner.query(
      `INSERT INTO pipeline.pipeline (id, team_id, name, is_default, created_at, updated_at) VALUES ($1, $2, 'Sales', true, $3, $3)`,
      [pipelineId, teamId, now],
    );
    const stageIds: string[] = [];
    for (const s of DEFAULT_STAGES) {
      const id = uuidv7(now.getTime());
      stageIds.push(id);
      await runner.query(
        `INSERT INTO pipeline.stage (id, name, sequence, is_won, probability, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
        [id, s.name, s.sequence, s.isWon, s.probability, now],
      );
    }
    for (const name of DEFAULT_LOST_REASONS) {
      await runner.query(`INSERT INTO pipeline.lost_reason (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)`, [uuidv7(now.getTime()), name, now]);
    }
    const rates = new Map(DEFAULT_RATES);
    if (!rates.has(currency)) rates.set(currency, '1');
    for (const [code, rate] of rates) {
      await runner.query(`INSERT INTO pipeline.currency_rate (currency, valid_from, rate, created_at) VALUES ($1, DATE '1970-01-01', $2, $3)`, [code, rate, now]);
    }

    await runner.query(`
      ALTER TABLE pipeline.opportunity
        ADD COLUMN type text NOT NULL DEFAULT 'opportunity' CHECK (type IN ('lead', 'opportunity')),
        ADD COLUMN number text UNIQUE,
        ADD COLUMN contact_name text,
        ADD COLUMN company_name text,
        ADD COLUMN email text,
        ADD COLUMN phone text,
        ADD COLUMN country_code char(2),
        ADD COLUMN salesperson_id uuid,
        ADD COLUMN team_id uuid REFERENCES pipeline.team (id),
        ADD COLUMN pipeline_id uuid REFERENCES pipeline.pipeline (id),
        ADD COLUMN stage_id uuid REFERENCES pipeline.stage (id),
        ADD COLUMN priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
        ADD COLUMN probability numeric(5, 2) NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
        ADD COLUMN automated_probability numeric(5, 2) NOT NULL DEFAULT 0 CHECK (automated_probability BETWEEN 0 AND 100),
        ADD COLUMN probability_manual boolean NOT NULL DEFAULT false,
        ADD COLUMN prorated_revenue numeric(20, 2) NOT NULL DEFAULT 0,
        ADD COLUMN expected_closing date,
        ADD COLUMN tag_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN description text,
        ADD COLUMN campaign text,
        ADD COLUMN medium text,
        ADD COLUMN source text,
        ADD COLUMN referred_by text,
        ADD COLUMN status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
        ADD COLUMN lost_reason_id uuid REFERENCES pipeline.lost_reason (id),
        ADD COLUMN lost_feedback text,
        ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN date_opened timestamptz,
        ADD COLUMN date_closed timestamptz,
        ADD COLUMN date_last_stage_update timestamptz,
        ADD COLUMN date_conversion timestamptz,
        ADD COLUMN branch_id text,
        ADD COLUMN properties jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN rank bigint NOT NULL DEFAULT 0`);
    // Opportunities of the first slice join the default team's pipeline in New.
    await runner.query(
      `UPDATE pipeline.opportunity SET team_id = $1, pipeline_id = $2, stage_id = $3, probability = 10, automated_probability = 10,
         prorated_revenue = round(expected_revenue * 10 / 100, 2), date_last_stage_update = created_at, date_conversion = created_at`,
      [teamId, pipelineId, stageIds[0]],
    );
    await runner.query('ALTER TABLE pipeline.opportunity ALTER COLUMN team_id SET NOT NULL, ALTER COLUMN pipeline_id SET NOT NULL');
    await runner.query(`
      CREATE INDEX opportunity_board_idx ON pipeline.opportunity (pipeline_id, stage_id, rank, id)
        INCLUDE (expected_revenue, prorated_revenue, currency, salesperson_id, team_id, branch_id)
        WHERE active AND type = 'opportunity'`);
    await runner.query('CREATE INDEX opportunity_list_idx ON pipeline.opportunity (type, created_at, id)');
    await runner.query('CREATE INDEX opportunity_salesperson_idx ON pipeline.opportunity (salesperson_id)');
    await runner.query('CREATE INDEX opportunity_team_idx ON pipeline.opportunity (team_id)');
    await runner.query('CREATE INDEX opportunity_stage_idx ON pipeline.opportunity (stage_id)');
    await runner.query('CREATE INDEX opportunity_tags_idx ON pipeline.opportunity USING gin (tag_ids)');

    await runner.query(`
      CREATE TABLE pipeline.stage_history (
        id bigserial PRIMARY KEY,
        opportunity_id uuid NOT NULL REFERENCES pipeline.opportunity (id) ON DELETE CASCADE,
        stage_id uuid,
        stage_name text,
        entered_at timestamptz NOT NULL,
        left_at timestamptz,
        seconds bigint CHECK (seconds >= 0),
        entered_by uuid,
        merged_from_id uuid
      )`);
    await runner.query('CREATE INDEX stage_history_opportunity_idx ON pipeline.stage_history (opportunity_id, entered_at)');
    await runner.query(
      `INSERT INTO pipeline.stage_history (opportunity_id, stage_id, stage_name, entered_at, entered_by)
       SELECT id, stage_id, 'New', created_at, created_by FROM pipeline.opportunity`,
    );
    await runner.query(`
      CREATE TABLE pipeline.merged_opportunity (
        id uuid PRIMARY KEY,
        merged_into_id uuid NOT NULL REFERENCES pipeline.opportunity (id) ON DELETE CASCADE,
        merged_at timestamptz NOT NULL,
        merged_by uuid,
        state jsonb NOT NULL
      )`);
    await runner.query('CREATE INDEX merged_opportunity_into_idx ON pipeline.merged_opportunity (merged_into_id)');

    // The seeded configuration's events, so consumers know the default team and stages.
    const auditState = { version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(), createdBy: null, updatedBy: null };
    const events = [
      stateEvent({
        subgraph: 'pipeline',
        aggregate: 'team',
        event: 'created',
        time: now,
        state: { id: teamId, name: 'Sales', leaderId: null, memberIds: [], invoicingTarget: null, currency, useLeads: false, active: true, ...auditState },
      }),
      stateEvent({
        subgraph: 'pipeline',
        aggregate: 'pipeline',
        event: 'created',
        time: now,
        state: { id: pipelineId, teamId, name: 'Sales', sequence: 10, sharedStages: true, isDefault: true, active: true, ...auditState },
      }),
      ...DEFAULT_STAGES.map((s, i) =>
        stateEvent({
          subgraph: 'pipeline',
          aggregate: 'stage',
          event: 'created',
          time: now,
          state: {
            id: stageIds[i]!,
            name: s.name,
            sequence: s.sequence,
            folded: false,
            isWon: s.isWon,
            probability: `${s.probability}.00`,
            teamId: null,
            pipelineId: null,
            ...auditState,
          },
        }),
      ),
    ];
    await appendToOutbox(runner.manager, 'pipeline', events);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE pipeline.merged_opportunity');
    await runner.query('DROP TABLE pipeline.stage_history');
    for (const column of [
      'type', 'number', 'contact_name', 'company_name', 'email', 'phone', 'country_code', 'salesperson_id', 'team_id', 'pipeline_id',
      'stage_id', 'priority', 'probability', 'automated_probability', 'probability_manual', 'prorated_revenue', 'expected_closing',
      'tag_ids', 'description', 'campaign', 'medium', 'source', 'referred_by', 'status', 'lost_reason_id', 'lost_feedback', 'active',
      'date_opened', 'date_closed', 'date_last_stage_update', 'date_conversion', 'branch_id', 'properties', 'rank',
    ]) {
      await runner.query(`ALTER TABLE pipeline.opportunity DROP COLUMN ${column}`);
    }
    for (const table of ['scoring_frequency', 'document_sequence', 'currency_rate', 'tag', 'lost_reason', 'stage', 'pipeline', 'team']) {
      await runner.query(`DROP TABLE pipeline.${table}`);
    }
  }
}
