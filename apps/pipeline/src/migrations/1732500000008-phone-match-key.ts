import type { MigrationInterface, QueryRunner } from 'typeorm';
import { envString } from '@crm/runtime';
import { phoneMatchKey } from '../domain/phone-match';

/**
 * Duplicates are matched on normalised phone numbers (src/domain/phone-match.ts):
 * - opportunity.phone_e164: the phone in E.164, kept on every write of the phone, country or branch;
 * - branch_copy.default_phone_country: the country national numbers of a branch are read in
 *   (crm.contacts.branch `defaultPhoneCountry`; copies written before fill in with the branch's next event).
 * Existing rows are filled here with the configured default (no branch copy knows its country yet).
 */
export class PhoneMatchKey1732500000008 implements MigrationInterface {
  name = 'PhoneMatchKey1732500000008';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE pipeline.branch_copy ADD COLUMN default_phone_country text');
    await runner.query('ALTER TABLE pipeline.opportunity ADD COLUMN phone_e164 text');
    const fallback = envString('PIPELINE_DEFAULT_COUNTRY', 'ID');
    const rows: { id: string; phone: string; country_code: string | null }[] = await runner.query(
      `SELECT id, phone, country_code FROM pipeline.opportunity WHERE NULLIF(phone, '') IS NOT NULL`,
    );
    const keyed = rows.map((r) => [r.id, phoneMatchKey(r.phone, { record: r.country_code, fallback })] as const).filter(([, key]) => key !== null);
    for (let i = 0; i < keyed.length; i += 5000) {
      const batch = keyed.slice(i, i + 5000);
      await runner.query(
        'UPDATE pipeline.opportunity o SET phone_e164 = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE o.id = k.id',
        [batch.map(([id]) => id), batch.map(([, key]) => key)],
      );
    }
    await runner.query('CREATE INDEX opportunity_phone_e164 ON pipeline.opportunity (phone_e164) WHERE phone_e164 IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX pipeline.opportunity_phone_e164');
    await runner.query('ALTER TABLE pipeline.opportunity DROP COLUMN phone_e164');
    await runner.query('ALTER TABLE pipeline.branch_copy DROP COLUMN default_phone_country');
  }
}
