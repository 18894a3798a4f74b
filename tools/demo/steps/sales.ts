import { eventually } from '@crm/testing';
import type { DemoStep } from '../step';

/**
 * Taxes and products, then seed 000's quotation: 200 Office Chairs for PT Avengers Initiative,
 * made from the "200 Office Chairs" opportunity (sales learns of it from the pipeline's events,
 * hence the retry while the event travels).
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
  },
};
