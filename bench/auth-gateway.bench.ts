/**
 * Login and gateway protections: what a slow password hash costs a login, what a refresh
 * costs, and what the gateway's limits (cost analysis, rate limiter) add to a request.
 */
import { readFileSync } from 'node:fs';
import { contactsModule } from '@crm/contacts/src/module';
import { createAdmin } from '@crm/contacts/src/cli/users-create-admin';
import { SUPERGRAPH_PATH, startGateway } from '@crm/gateway';
import { GraphQLClient, createTestEnv, startStack } from '@crm/testing';
import { percentile, round, type Bench } from './harness';

const PASSWORD = 'correct horse battery staple';
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await run();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

const bench: Bench = async () => {
  const env = await createTestEnv('benchauth');
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const stack = await startStack({ env, modules: [contactsModule], gateway: { start: startGateway, supergraphSdl } });
  // The same subgraph behind a second gateway with the protections switched off, for comparison.
  const bare = await startGateway({
    supergraphSdl,
    subgraphUrls: { contacts: stack.subgraph('contacts').url },
    port: 0,
    hardening: { rateLimit: { perSecond: 0, burst: 0 }, limits: { maxDepth: 1e6, maxAliases: 1e6, maxDirectives: 1e6, maxCost: 1e9 }, maxTokens: 1e7 },
  });
  try {
    await createAdmin({ email: 'bench@crm.test', password: PASSWORD, name: 'Bench', ifMissing: false, url: env.databaseUrl });
    const anonymous = new GraphQLClient(stack.gatewayUrl!);
    const input = { input: { email: 'bench@crm.test', password: PASSWORD } };

    const loginMs: number[] = [];
    let session = { accessToken: '', refreshToken: '' };
    for (let i = 0; i < 15; i += 1) {
      const [data, ms] = await timed(() => anonymous.data(LOGIN, input));
      session = data['login'];
      loginMs.push(ms);
    }
    const [, parallelMs] = await timed(() => Promise.all(Array.from({ length: 10 }, () => anonymous.data(LOGIN, input))));

    const refreshMs: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const [data, ms] = await timed(() =>
        anonymous.data(`mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken } }`, { t: session.refreshToken }),
      );
      session = data['refreshToken'];
      refreshMs.push(ms);
    }

    const query = `{ users(first: 20) { totalCount edges { node { id name role branchIds } } } }`;
    // Interleaved, so both gateways see the same machine load.
    const guardedApi = new GraphQLClient(stack.gatewayUrl!, session.accessToken);
    const bareApi = new GraphQLClient(bare.url, session.accessToken);
    for (let i = 0; i < 30; i += 1) await Promise.all([guardedApi.data(query), bareApi.data(query)]);
    const guarded: number[] = [];
    const unguarded: number[] = [];
    for (let i = 0; i < 400; i += 1) {
      const [first, second] = i % 2 === 0 ? [guardedApi, bareApi] : [bareApi, guardedApi];
      const a = (await timed(() => first.data(query)))[1];
      const b = (await timed(() => second.data(query)))[1];
      guarded.push(first === guardedApi ? a : b);
      unguarded.push(first === guardedApi ? b : a);
    }

    return {
      name: 'Login (scrypt N=2^15 r=8 p=3) and gateway protections',
      figures: {
        loginP50Ms: round(percentile(loginMs, 50)),
        loginP95Ms: round(percentile(loginMs, 95)),
        tenParallelLoginsMs: round(parallelMs),
        loginsPerSecondParallel: round(10 / (parallelMs / 1000)),
        refreshP50Ms: round(percentile(refreshMs, 50)),
        refreshP95Ms: round(percentile(refreshMs, 95)),
        queryP50MsProtected: round(percentile(guarded, 50)),
        queryP95MsProtected: round(percentile(guarded, 95)),
        queryP50MsUnprotected: round(percentile(unguarded, 50)),
        queryP95MsUnprotected: round(percentile(unguarded, 95)),
      },
      notes: [
        'Logins run through the gateway into the contacts subgraph; at most two scrypt hashes run at once per process, so parallel logins queue.',
        'Protected = depth/alias/directive/cost analysis + per-user token bucket; unprotected = a second gateway over the same subgraph with them off.',
      ],
    };
  } finally {
    await bare.stop();
    await stack.stop();
    await env.cleanup();
  }
};

export default bench;
