import { eventually } from '@crm/testing';
import type { DemoStep } from '../step';

/**
 * Taxes and products, then seed 000's quotation: 200 Office Chairs for PT Avengers Initiative,
 * made from the "200 Office Chairs" opportunity (sales learns of it from the pipeline's events,
 * hence the retry while the event travels); seed 002's tail: the won Manado KPB 2 reminder
 * books the workshop for tomorrow morning (booking service BOS-W/MAN01/…), posted.
 */
export const salesStep: DemoStep = {
  name: 'sales',
  async run({ api, ids }) {
    const tax = await api.data(`mutation { createTax(input: { name: "PPN 11%", percent: "11" }) { tax { id } } }`);
    ids['tax.ppn'] = tax.createTax.tax.id;
    for (const [key, name, reference, type, price] of [
      ['chair', 'Office Chair', 'FURN-0001', 'GOODS', '500000'],
      ['desk', 'Standing Desk', 'FURN-0002', 'GOODS', '2500000'],
      ['kpb', 'Servis KPB (free service visit)', 'SRV-KPB', 'SERVICE', '0'],
    ] as const) {
      const created = await api.data(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
        { input: { name, internalReference: reference, type, listPrice: price, currency: 'IDR', taxIds: type === 'GOODS' ? [ids['tax.ppn']] : [] } },
      );
      ids[`product.${key}`] = created.createProduct.product.id;
    }
    const quotation = await eventually(
      () =>
        api.data(
          `mutation($input: NewQuotationFromOpportunityInput!) { newQuotationFromOpportunity(input: $input) { quotation { id number } } }`,
          {
            input: {
              opportunityId: ids['opportunity.chairs'],
              lines: [{ productId: ids['product.chair'], quantity: '200' }],
              note: 'Delivery to Avengers Headquarters within 14 days.',
            },
          },
        ),
      30_000,
      250,
    );
    ids['quotation.chairs'] = quotation.newQuotationFromOpportunity.quotation.id;

    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date(Date.now() + 86_400_000));
    const booking = await eventually(
      () =>
        api.data(`mutation($input: CreateBookingServiceInput!) { createBookingService(input: $input) { bookingService { id number } } }`, {
          input: {
            opportunityId: ids['opportunity.sultje'],
            bookingDate: tomorrow,
            serviceHour: 10,
            serviceMinute: 30,
            serviceType: 'KPB2',
            visitReason: 'Telp Reminder',
            complaint: 'SERVICE BIASANYA SESUAI KETENTUAN KPB',
            carrierRelation: 'Sendiri',
            pit: '2',
            mechanic: '[18100091] DION IMANUELLY LABESI',
            serviceAdvisor: '[14080052] JHOFRI BILLI TUMEWAN',
          },
        }),
      30_000,
      250,
    );
    ids['booking.sultje'] = booking.createBookingService.bookingService.id;
    await api.data(`mutation($id: ID!) { postBookingService(input: { id: $id, expectedVersion: 1 }) { bookingService { state } } }`, { id: ids['booking.sultje'] });
  },
};
