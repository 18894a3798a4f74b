import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every column that references a contact is indexed, so that a contacts merge (which re-points
 * quotations, orders and bookings from the merged contacts to the one kept) finds them without
 * scanning the tables.
 */
export class ContactReferenceIndexes1733600000000 implements MigrationInterface {
  name = 'ContactReferenceIndexes1733600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX quotation_invoice_address_idx ON sales.quotation (invoice_address_id) WHERE invoice_address_id IS NOT NULL');
    await runner.query('CREATE INDEX quotation_delivery_address_idx ON sales.quotation (delivery_address_id) WHERE delivery_address_id IS NOT NULL');
    await runner.query('CREATE INDEX booking_customer_idx ON sales.booking (customer_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX sales.booking_customer_idx');
    await runner.query('DROP INDEX sales.quotation_delivery_address_idx');
    await runner.query('DROP INDEX sales.quotation_invoice_address_idx');
  }
}
