import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fixed ids of the default types (created by the first migration) and the dealer's seed configuration. */
export const TYPE_IDS = {
  email: '01934d6e-0000-7000-8000-000000000001',
  call: '01934d6e-0000-7000-8000-000000000002',
  meeting: '01934d6e-0000-7000-8000-000000000003',
  todo: '01934d6e-0000-7000-8000-000000000004',
  upload: '01934d6e-0000-7000-8000-000000000005',
  smsWhatsapp: '01934d6e-0000-7000-8000-000000000006',
} as const;

export const DEALER_RULE_IDS = {
  kpbSmsH7: '01934d6e-0000-7000-8000-000000000101',
  kpbCallH3: '01934d6e-0000-7000-8000-000000000102',
  bookingDayCall: '01934d6e-0000-7000-8000-000000000103',
  thankYouH3: '01934d6e-0000-7000-8000-000000000104',
} as const;

/** The role the dealer's SOP gives the reminders to ("Admin CRM H23"), per branch. */
export const DEALER_CRM_ROLE = 'crm_admin';

const NOT_SERVICED = [{ field: 'state', operator: 'IN', values: ['draft', 'posted'] }];

/**
 * Seed 002's reminder SOP as configuration: H-7 SMS/WhatsApp and H-3 call before the KPB
 * (free service) expiry of a follow-up opportunity not yet won, a call on the morning of the
 * booking day, and a thank-you call three days after the service.
 */
const DEALER_RULES = [
  [DEALER_RULE_IDS.kpbSmsH7, 'KPB reminder H-7 (SMS / WhatsApp)', 'Opportunity', 'properties.kpbExpiryDate', -7, null, TYPE_IDS.smsWhatsapp,
    'SMS/WhatsApp service reminder: {{name}} (KPB expires {{date}})', 'Remind the customer of the free service (KPB) and offer a booking service.', 'BRANCH_ROLE',
    [{ field: 'status', operator: 'IN', values: ['open'] }]],
  [DEALER_RULE_IDS.kpbCallH3, 'KPB reminder call H-3', 'Opportunity', 'properties.kpbExpiryDate', -3, null, TYPE_IDS.call,
    'Reminder call: {{name}} (KPB expires {{date}})', 'Call customers who have not come for their service yet: KPB deadline, AHASS booking/visit service, ask why not yet.', 'BRANCH_ROLE',
    [{ field: 'status', operator: 'IN', values: ['open'] }]],
  [DEALER_RULE_IDS.bookingDayCall, 'Booking day morning call', 'BookingService', 'bookingDate', 0, '08:00', TYPE_IDS.call,
    'Booking-day call {{number}} ({{serviceType}})', 'Remind the customer of today’s booking service.', 'BRANCH_ROLE', NOT_SERVICED],
  [DEALER_RULE_IDS.thankYouH3, 'Thank-you call H+3 after service', 'BookingService', 'bookingDate', 3, null, TYPE_IDS.call,
    'Thank-you call {{number}}', 'Thank the customer for the service; note suggestions and complaints.', 'BRANCH_ROLE',
    [{ field: 'state', operator: 'EQ', values: ['work_order_created'] }]],
] as const;

export class ActivitiesMeetingsChatterRules1764000000000 implements MigrationInterface {
  name = 'ActivitiesMeetingsChatterRules1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE activities.activity_type
        ADD COLUMN summary text,
        ADD COLUMN delay_count integer NOT NULL DEFAULT 0 CHECK (delay_count BETWEEN 0 AND 3650),
        ADD COLUMN delay_unit text NOT NULL DEFAULT 'DAYS' CHECK (delay_unit IN ('DAYS', 'WEEKS', 'MONTHS')),
        ADD COLUMN delay_from text NOT NULL DEFAULT 'AFTER_COMPLETION' CHECK (delay_from IN ('AFTER_COMPLETION', 'AFTER_PREVIOUS_DEADLINE')),
        ADD COLUMN default_user_id uuid,
        ADD COLUMN default_note text,
        ADD COLUMN chaining_type text NOT NULL DEFAULT 'SUGGEST' CHECK (chaining_type IN ('SUGGEST', 'TRIGGER')),
        ADD COLUMN triggered_next_type_id uuid REFERENCES activities.activity_type (id),
        ADD COLUMN suggested_next_type_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN resource_types text[] NOT NULL DEFAULT '{}',
        ADD COLUMN created_by uuid,
        ADD COLUMN updated_by uuid`);
    await runner.query(`CREATE UNIQUE INDEX activity_type_name_uq ON activities.activity_type (lower(name)) WHERE active`);
    await runner.query(
      `INSERT INTO activities.activity_type (id, name, icon, category, sequence) VALUES ($1, 'SMS / WhatsApp', 'fa-comment', 'DEFAULT', 6)`,
      [TYPE_IDS.smsWhatsapp],
    );
    // Delays and chaining as Odoo ships them, roughly: a call proposes an e-mail or a meeting …
    const defaults: [string, number, string[]][] = [
      [TYPE_IDS.email, 0, [TYPE_IDS.call]],
      [TYPE_IDS.call, 2, [TYPE_IDS.email, TYPE_IDS.meeting]],
      [TYPE_IDS.meeting, 0, [TYPE_IDS.email, TYPE_IDS.todo]],
      [TYPE_IDS.todo, 5, []],
      [TYPE_IDS.upload, 5, []],
      [TYPE_IDS.smsWhatsapp, 0, [TYPE_IDS.call]],
    ];
    for (const [id, delay, suggested] of defaults) {
      await runner.query(`UPDATE activities.activity_type SET delay_count = $2, suggested_next_type_ids = $3::uuid[] WHERE id = $1`, [
        id,
        delay,
        suggested,
      ]);
    }

    // Local copies of other subgraphs' data, fed by their events.
    await runner.query(`
      CREATE TABLE activities.resource (
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        name text,
        owner_id uuid,
        team_id uuid,
        branch_id text,
        active boolean NOT NULL DEFAULT true,
        deleted boolean NOT NULL DEFAULT false,
        created_by uuid,
        state jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (resource_type, resource_id)
      )`);
    await runner.query(`
      CREATE TABLE activities.user_profile (
        id uuid PRIMARY KEY,
        name text,
        login text,
        time_zone text,
        role text,
        branch_ids text[] NOT NULL DEFAULT '{}',
        team_ids uuid[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE activities.branch (
        id text PRIMARY KEY,
        name text NOT NULL,
        time_zone text,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE activities.branch_role (
        branch_id text NOT NULL,
        role text NOT NULL,
        user_id uuid NOT NULL,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL,
        updated_by uuid,
        PRIMARY KEY (branch_id, role)
      )`);

    await runner.query(`
      CREATE TABLE activities.reminder_rule (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        resource_type text NOT NULL,
        date_field text NOT NULL,
        offset_days integer NOT NULL,
        at_time text CHECK (at_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        activity_type_id uuid NOT NULL REFERENCES activities.activity_type (id),
        summary_template text NOT NULL,
        note_template text,
        assignee_kind text NOT NULL CHECK (assignee_kind IN ('SALESPERSON', 'BRANCH_ROLE')),
        assignee_role text,
        conditions jsonb NOT NULL DEFAULT '[]',
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query(`CREATE INDEX reminder_rule_type_idx ON activities.reminder_rule (resource_type) WHERE active`);
    for (const [id, name, resourceType, dateField, offset, atTime, typeId, summary, note, assignee, conditions] of DEALER_RULES) {
      await runner.query(
        `INSERT INTO activities.reminder_rule (id, name, resource_type, date_field, offset_days, at_time, activity_type_id,
           summary_template, note_template, assignee_kind, assignee_role, conditions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
        [id, name, resourceType, dateField, offset, atTime, typeId, summary, note, assignee, DEALER_CRM_ROLE, JSON.stringify(conditions)],
      );
    }

    await runner.query(`
      CREATE TABLE activities.meeting (
        id uuid PRIMARY KEY,
        title text NOT NULL CHECK (btrim(title) <> ''),
        start_at timestamptz NOT NULL,
        stop_at timestamptz NOT NULL,
        all_day boolean NOT NULL DEFAULT false,
        location text,
        description text,
        organizer_id uuid,
        resource_type text,
        resource_id text,
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
        record_owner_id uuid,
        team_id uuid,
        branch_id text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid,
        CHECK (stop_at > start_at)
      )`);
    await runner.query(`CREATE INDEX meeting_range_idx ON activities.meeting (start_at, id) WHERE status = 'scheduled'`);
    await runner.query(`CREATE INDEX meeting_resource_idx ON activities.meeting (resource_type, resource_id)`);
    await runner.query(`
      CREATE TABLE activities.meeting_attendee (
        meeting_id uuid NOT NULL REFERENCES activities.meeting (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('user', 'contact')),
        attendee_id uuid NOT NULL,
        response text NOT NULL DEFAULT 'needs_action' CHECK (response IN ('needs_action', 'accepted', 'declined', 'tentative')),
        position integer NOT NULL,
        PRIMARY KEY (meeting_id, kind, attendee_id)
      )`);
    await runner.query(`CREATE INDEX meeting_attendee_idx ON activities.meeting_attendee (kind, attendee_id)`);

    await runner.query(`
      CREATE TABLE activities.activity (
        id uuid PRIMARY KEY,
        type_id uuid NOT NULL REFERENCES activities.activity_type (id),
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        summary text,
        note text,
        due_date date NOT NULL,
        due_time text CHECK (due_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        assignee_id uuid,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        done_at timestamptz,
        done_by uuid,
        feedback text,
        cancelled_at timestamptz,
        cancel_reason text,
        cancelled_by_rule boolean NOT NULL DEFAULT false,
        rule_id uuid REFERENCES activities.reminder_rule (id),
        rule_anchor date,
        previous_activity_id uuid REFERENCES activities.activity (id),
        meeting_id uuid REFERENCES activities.meeting (id),
        record_owner_id uuid,
        team_id uuid,
        branch_id text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query(`CREATE INDEX activity_open_resource_idx ON activities.activity (resource_type, resource_id, due_date) WHERE status = 'open'`);
    await runner.query(`CREATE INDEX activity_assignee_due_idx ON activities.activity (assignee_id, due_date, id)`);
    await runner.query(`CREATE INDEX activity_due_idx ON activities.activity (due_date, id)`);
    await runner.query(`CREATE INDEX activity_rule_idx ON activities.activity (rule_id, resource_type, resource_id) WHERE rule_id IS NOT NULL`);
    await runner.query(`CREATE INDEX activity_meeting_idx ON activities.activity (meeting_id) WHERE meeting_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE activities.message (
        id uuid PRIMARY KEY,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('note', 'message', 'tracking')),
        author_id uuid,
        subject text,
        body text,
        tracked_changes jsonb NOT NULL DEFAULT '[]',
        attachments jsonb NOT NULL DEFAULT '[]',
        activity_id uuid,
        activity_type_id uuid,
        source_event_id uuid,
        source_event_type text,
        created_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX message_timeline_idx ON activities.message (resource_type, resource_id, created_at DESC, id DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['message', 'activity', 'meeting_attendee', 'meeting', 'reminder_rule', 'branch_role', 'branch', 'user_profile', 'resource']) {
      await runner.query(`DROP TABLE activities.${table}`);
    }
    await runner.query(`DELETE FROM activities.activity_type WHERE id = $1`, [TYPE_IDS.smsWhatsapp]);
    await runner.query(`DROP INDEX activities.activity_type_name_uq`);
    await runner.query(`
      ALTER TABLE activities.activity_type
        DROP COLUMN summary, DROP COLUMN delay_count, DROP COLUMN delay_unit, DROP COLUMN delay_from,
        DROP COLUMN default_user_id, DROP COLUMN default_note, DROP COLUMN chaining_type,
        DROP COLUMN triggered_next_type_id, DROP COLUMN suggested_next_type_ids, DROP COLUMN resource_types,
        DROP COLUMN created_by, DROP COLUMN updated_by`);
  }
}
