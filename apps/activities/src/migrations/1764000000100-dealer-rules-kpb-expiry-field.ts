import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEALER_RULE_IDS } from './1764000000000-activities-meetings-chatter-rules';

/**
 * The dealer's KPB reminders read the date the pipeline really publishes: its dealer template
 * (apps/pipeline/src/config/templates/dealer-h23-follow-up.json) names the KPB expiry
 * `properties.kpbExpiry` ("KPB Date Expired"), not `properties.kpbExpiryDate`, so the shipped
 * rules never fired on real opportunities. Rules an administrator has changed since are left alone.
 */
export class DealerRulesKpbExpiryField1764000000100 implements MigrationInterface {
  name = 'DealerRulesKpbExpiryField1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE activities.reminder_rule SET date_field = 'properties.kpbExpiry', version = version + 1, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND date_field = 'properties.kpbExpiryDate'`,
      [[DEALER_RULE_IDS.kpbSmsH7, DEALER_RULE_IDS.kpbCallH3]],
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE activities.reminder_rule SET date_field = 'properties.kpbExpiryDate', version = version + 1, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND date_field = 'properties.kpbExpiry'`,
      [[DEALER_RULE_IDS.kpbSmsH7, DEALER_RULE_IDS.kpbCallH3]],
    );
  }
}
