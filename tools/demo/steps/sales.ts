import type { DemoStep } from '../step';

export const salesStep: DemoStep = {
  name: 'sales',
  async run({ api, ids }) {
    const created = await api.data(
      `mutation { createProduct(input: { name: "Office Chair", internalReference: "FURN-0001", listPrice: "500000", currency: "IDR" }) { product { id } } }`,
    );
    ids['product.chair'] = created.createProduct.product.id;
  },
};
