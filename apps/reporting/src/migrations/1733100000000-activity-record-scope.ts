import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An activity's copy of its record's salesperson and team (the activities' events carry them),
 * so that reporting scopes activities on records other than opportunities by the activities'
 * rule (record scope, or assigned to me in my branches). Rows projected before this migration
 * have none until `npm run reporting:rebuild`.
 */
export class ActivityRecordScope1733100000000 implements MigrationInterface {
  name = 'ActivityRecordScope1733100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.activity_rm ADD COLUMN record_owner_id uuid, ADD COLUMN team_id uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reporting.activity_rm DROP COLUMN record_owner_id, DROP COLUMN team_id`);
  }
}
