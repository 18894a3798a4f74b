import type { MigrationInterface, QueryRunner } from 'typeorm';
import { stateEvent } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';

/**
 * The rates the first migration shipped were written before rates had events: publish them
 * once, through the outbox, so reporting converts with exactly the pipeline's rates.
 */
export class PublishCurrencyRates1732500000004 implements MigrationInterface {
  name = 'PublishCurrencyRates1732500000004';

  async up(runner: QueryRunner): Promise<void> {
    const rows: { currency: string; rate: string; valid_from: string }[] = await runner.query(
      `SELECT currency, rate::text AS rate, to_char(valid_from, 'YYYY-MM-DD') AS valid_from FROM pipeline.currency_rate ORDER BY currency, valid_from`,
    );
    const now = new Date();
    await appendToOutbox(
      runner.manager,
      'pipeline',
      rows.map((r) =>
        stateEvent({
          subgraph: 'pipeline',
          aggregate: 'currency_rate',
          event: 'set',
          state: { id: r.currency, currency: r.currency, rate: r.rate, validFrom: r.valid_from },
          time: now,
        }),
      ),
    );
  }

  async down(): Promise<void> {
    // Published events stay published.
  }
}
