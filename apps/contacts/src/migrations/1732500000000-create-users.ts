import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users (who logs in, with which access group, branches and teams) and their refresh tokens. */
export class CreateUsers1732500000000 implements MigrationInterface {
  name = 'CreateUsers1732500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE contacts.user_account (
        id uuid PRIMARY KEY,
        login text NOT NULL CHECK (login = lower(btrim(login)) AND login <> ''),
        name text NOT NULL CHECK (btrim(name) <> ''),
        contact_id uuid REFERENCES contacts.contact (id) ON DELETE SET NULL,
        role text NOT NULL CHECK (role IN ('none', 'user_own', 'user_team', 'user_all', 'admin')),
        branch_ids text[] NOT NULL DEFAULT '{}',
        team_ids uuid[] NOT NULL DEFAULT '{}',
        time_zone text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        password_hash text,
        password_changed_at timestamptz,
        last_login_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by uuid,
        updated_by uuid
      )`);
    await runner.query('CREATE UNIQUE INDEX user_account_login_key ON contacts.user_account (login)');
    await runner.query('CREATE INDEX user_account_branch_ids_idx ON contacts.user_account USING gin (branch_ids)');
    await runner.query('CREATE INDEX user_account_name_idx ON contacts.user_account (lower(name), id)');
    await runner.query(`
      CREATE TABLE contacts.refresh_token (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES contacts.user_account (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        session_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        replaced_by uuid,
        user_agent text
      )`);
    await runner.query('CREATE INDEX refresh_token_session_idx ON contacts.refresh_token (session_id)');
    await runner.query('CREATE INDEX refresh_token_live_user_idx ON contacts.refresh_token (user_id) WHERE revoked_at IS NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE contacts.refresh_token');
    await runner.query('DROP TABLE contacts.user_account');
  }
}
