import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version counters that let each process cache the configuration (teams, pipelines, stages,
 * tags, lost reasons) and the scoring tables: a change bumps the counter in its transaction,
 * and a reader that sees a newer counter reads again.
 */
export class CacheVersions1732500000002 implements MigrationInterface {
  name = 'CacheVersions1732500000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pipeline.config_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version bigint NOT NULL
      )`);
    await runner.query('INSERT INTO pipeline.config_version (version) VALUES (1)');
    await runner.query(`
      CREATE TABLE pipeline.scoring_version (
        team_id uuid PRIMARY KEY,
        version bigint NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE pipeline.scoring_version');
    await runner.query('DROP TABLE pipeline.config_version');
  }
}
