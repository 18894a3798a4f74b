import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pipeline's rules for all its records (src/domain/pipeline-rules.ts): fields a lead must
 * have, and values set by themselves once other fields are filled (seed 002's dealer).
 */
export class PipelineRules1732500000005 implements MigrationInterface {
  name = 'PipelineRules1732500000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE pipeline.pipeline ADD COLUMN rules jsonb NOT NULL DEFAULT '{"leadRequiredFields": [], "autoValues": []}'::jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.pipeline DROP COLUMN rules');
  }
}
