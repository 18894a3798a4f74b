import type { DemoStep } from '../step';

export const contactsStep: DemoStep = {
  name: 'contacts',
  async run({ api, ids }) {
    for (const [key, name, email] of [
      ['avengers', 'PT Avengers Initiative', 'procurement@avengers.co.id'],
      ['pepper', 'Pepper Potts', 'pepper.potts@avengers.co.id'],
      ['daya', 'PT Daya Motor Indonesia', 'crm@dayamotor.co.id'],
      ['pangestu', 'PANGESTU, Budi', 'budi.pangestu@example.co.id'],
    ] as const) {
      const created = await api.data(
        `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`,
        { input: { name, email } },
      );
      ids[`contact.${key}`] = created.createContact.contact.id;
    }
  },
};
