/**
 * Loads the demo data through the gateway (so every row has its events, as in real use),
 * once: a second run finds the data and only prints how to use the API.
 */
import { signAccessToken } from '@crm/auth';
import { envString } from '@crm/runtime';
import { GraphQLClient } from '@crm/testing';
import type { DemoContext, DemoStep } from './step';
import { contactsStep } from './steps/contacts';
import { pipelineStep } from './steps/pipeline';
import { reportingStep } from './steps/reporting';
import { salesStep } from './steps/sales';

const GATEWAY = envString('GATEWAY_URL', 'http://127.0.0.1:4000/graphql');
/** The demo administrator (fixed id, so tokens survive restarts). */
const DEMO_ADMIN = { id: '01934d6e-0000-7000-8000-0000000000a1', role: 'admin' as const, branchIds: [], teamIds: [], tz: 'Asia/Jakarta' };

/** In dependency order. */
const STEPS: DemoStep[] = [contactsStep, pipelineStep, salesStep, reportingStep];

async function main(): Promise<void> {
  const token = await signAccessToken(DEMO_ADMIN, '12h');
  const ctx: DemoContext = { api: new GraphQLClient(GATEWAY, token), ids: {} };
  const existing = await ctx.api.data(`{ contacts(first: 1) { totalCount } }`);
  if (existing.contacts.totalCount === 0) {
    for (const step of STEPS) {
      await step.run(ctx);
      console.log(`[seed] ${step.name}: demo data loaded`);
    }
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
