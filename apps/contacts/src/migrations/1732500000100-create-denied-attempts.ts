import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The administrators' log of refused requests, built from every service's crm.<service>.access events. */
export class CreateDeniedAttempts1732500000100 implements MigrationInterface {
  name = 'CreateDeniedAttempts1732500000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE contacts.denied_attempt (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        service text NOT NULL,
        code text NOT NULL,
        message text NOT NULL,
        reason text,
        user_id uuid,
        role text,
        branch_ids text[] NOT NULL DEFAULT '{}',
        operation_type text,
        operation_name text,
        path text,
        client_ip text,
        request_id text,
        attempted_login text,
        suppressed integer NOT NULL DEFAULT 0
      )`);
    await runner.query('CREATE INDEX denied_attempt_time_idx ON contacts.denied_attempt (occurred_at DESC, id DESC)');
    await runner.query('CREATE INDEX denied_attempt_user_idx ON contacts.denied_attempt (user_id, occurred_at DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE contacts.denied_attempt');
  }
}
