import type { DemoStep } from '../step';

export const pipelineStep: DemoStep = {
  name: 'pipeline',
  async run({ api, ids }) {
    for (const [key, name, customer, revenue] of [
      ['chairs', '200 Office Chairs', 'avengers', '100000000'],
      ['service', 'Service contract 2027', 'daya', '45000000'],
      ['kpb', 'Honda Vario 125 — KPB 1 follow-up', 'pangestu', '0'],
    ] as const) {
      const created = await api.data(
        `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`,
        { input: { name, customerId: ids[`contact.${customer}`], expectedRevenue: revenue, currency: 'IDR' } },
      );
      ids[`opportunity.${key}`] = created.createOpportunity.opportunity.id;
    }
  },
};
