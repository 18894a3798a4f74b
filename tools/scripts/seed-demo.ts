/**
 * Loads the demo data through the gateway (so every row has its events, like real use),
 * once: a second run finds the data and only prints how to log in.
 */
import { signAccessToken } from '@crm/auth';
import { envString } from '@crm/runtime';
import { GraphQLClient } from '@crm/testing';

const GATEWAY = envString('GATEWAY_URL', 'http://127.0.0.1:4000/graphql');
/** The demo administrator (fixed id, so tokens survive restarts). */
const DEMO_ADMIN = {
  id: '01934d6e-0000-7000-8000-0000000000a1',
  role: 'admin' as const,
  branchIds: [],
  teamIds: [],
  tz: 'Asia/Jakarta',
};

async function main(): Promise<void> {
  const token = await signAccessToken(DEMO_ADMIN, '12h');
  const api = new GraphQLClient(GATEWAY, token);
  const existing = await api.data(`{ contacts(first: 1) { totalCount } }`);
  if (existing.contacts.totalCount === 0) {
    const contacts: Record<string, string> = {};
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
      contacts[key] = created.createContact.contact.id;
    }
    for (const [name, customer, revenue] of [
      ['200 Office Chairs', 'avengers', '100000000'],
      ['Service contract 2027', 'daya', '45000000'],
      ['Honda Vario 125 — KPB 1 follow-up', 'pangestu', '0'],
    ] as const) {
      await api.data(
        `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`,
        { input: { name, customerId: contacts[customer], expectedRevenue: revenue, currency: 'IDR' } },
      );
    }
    await api.data(
      `mutation { createProduct(input: { name: "Office Chair", internalReference: "FURN-0001", listPrice: "500000", currency: "IDR" }) { product { id } } }`,
    );
    console.log('[seed] demo data loaded');
  } else {
    console.log('[seed] demo data already present');
  }
  console.log(`
Gateway: ${GATEWAY}
Demo administrator token (12 h):
  export TOKEN=${token}
Try:
  curl -s ${GATEWAY} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ opportunities(first: 5) { totalCount edges { node { name expectedRevenue currency customer { name email } } } } }"}'
`);
}

main().catch((error) => {
  console.error('[seed] failed:', error);
  process.exit(1);
});
