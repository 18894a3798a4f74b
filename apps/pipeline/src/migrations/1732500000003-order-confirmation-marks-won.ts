import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A team setting: confirming a sales order of its opportunity marks the opportunity won (sales tells us). */
export class OrderConfirmationMarksWon1732500000003 implements MigrationInterface {
  name = 'OrderConfirmationMarksWon1732500000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.team ADD COLUMN order_confirmation_marks_won boolean NOT NULL DEFAULT false');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.team DROP COLUMN order_confirmation_marks_won');
  }
}
