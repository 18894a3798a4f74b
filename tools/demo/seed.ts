/**
 * Loads the demo data through the gateway (so every row has its events, as in real use),
 * once: a second run finds the data and only prints how to use the API. It logs in as the
 * demo administrator (created by `npm run users:create-admin`, which `npm start` runs first).
 */
import { envString } from '@crm/runtime';
import { GraphQLClient } from '@crm/testing';
import type { DemoContext, DemoStep } from './step';
import { activitiesStep } from './steps/activities';
import { contactsStep } from './steps/contacts';
import { pipelineStep } from './steps/pipeline';
import { salesStep } from './steps/sales';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_USERS, usersStep } from './steps/users';

const GATEWAY = envString('GATEWAY_URL', 'http://127.0.0.1:4000/graphql');

/** In dependency order: users first (later steps name salespeople). */
const STEPS: DemoStep[] = [usersStep, contactsStep, pipelineStep, activitiesStep, salesStep];

async function login(): Promise<{ accessToken: string; refreshToken: string }> {
  const result = await new GraphQLClient(GATEWAY).request(
    `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`,
    { input: { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD } },
  );
  if (result.errors?.length || !result.data) {
    throw new Error(
      `cannot log in as ${DEMO_ADMIN_EMAIL} (${result.errors?.[0]?.message}); create the administrator with\n` +
        `  npm run users:create-admin -- --email ${DEMO_ADMIN_EMAIL} --password '${DEMO_PASSWORD}'`,
    );
  }
  return result.data['login'];
}

async function main(): Promise<void> {
  const session = await login();
  const ctx: DemoContext = { api: new GraphQLClient(GATEWAY, session.accessToken), ids: {} };
  const existing = await ctx.api.data(`{ contacts(first: 1) { totalCount } }`);
  if (existing.contacts.totalCount === 0) {
    for (const step of STEPS) {
      await step.run(ctx);
      console.log(`[seed] ${step.name}: demo data loaded`);
    }
  } else {
    console.log('[seed] demo data already present');
  }
  const logins = [
    `  ${DEMO_ADMIN_EMAIL.padEnd(24)} ADMIN      head office  administrator: configuration, users, reporting`,
    ...DEMO_USERS.map((u) => `  ${u.login.padEnd(24)} ${u.role.padEnd(10)} ${(u.branchIds.join(',') || 'head office').padEnd(12)} ${u.note}`),
  ];
  console.log(`
Gateway: ${GATEWAY}
Demo logins (password for all: ${DEMO_PASSWORD}):
${logins.join('\n')}

Log in (the access token lasts 15 minutes; refreshToken(input: { refreshToken }) renews it):
  curl -s ${GATEWAY} -H 'content-type: application/json' \\
    -d '{"query":"mutation { login(input: { email: \\"${DEMO_ADMIN_EMAIL}\\", password: \\"${DEMO_PASSWORD}\\" }) { accessToken refreshToken } }"}'

Or use the administrator's access token from this run:
  export TOKEN=${session.accessToken}
Try:
  curl -s ${GATEWAY} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ me { name role branchIds } opportunities(first: 5) { totalCount edges { node { name expectedRevenue currency customer { name email } } } } }"}'
`);
}

main().catch((error) => {
  console.error('[seed] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
