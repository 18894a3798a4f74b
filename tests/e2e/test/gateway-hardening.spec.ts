import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { activitiesModule } from '@crm/activities/src/module';
import { contactsModule } from '@crm/contacts/src/module';
import { SUPERGRAPH_PATH, startGateway, type RunningGateway } from '@crm/gateway';
import { startSubgraph, type RunningSubgraph } from '@crm/service';
import { GraphQLClient, createTestEnv, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';

const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const LIMITS = {
  limits: { maxDepth: 4, maxAliases: 5, maxDirectives: 5, maxCost: 300 },
  maxTokens: 400,
  maxBatch: 3,
  bodyLimitBytes: 5000,
  rateLimit: { perSecond: 1, burst: 20 },
};

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('gateway hardening: every limit refused with a typed error', () => {
  let env: TestEnv;
  let stack: Stack;

  beforeAll(async () => {
    env = await createTestEnv('hardening');
    stack = await startStack({
      env,
      modules: [contactsModule],
      gateway: { start: (options) => startGateway({ ...options, hardening: LIMITS }), supergraphSdl },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  /** How many GraphQL requests the contacts subgraph has served (its own metrics). */
  async function graphqlRequestsAtContacts(): Promise<number> {
    const text = await (await fetch(new URL('/metrics', stack.subgraph('contacts').url))).text();
    return [...text.matchAll(/^http_request_duration_seconds_count\{[^}]*route="\/graphql"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  const client = async () => new GraphQLClient(stack.gatewayUrl!, await testToken({ role: 'admin' }));

  it.each([
    ['depth', 'DEPTH_LIMIT_EXCEEDED', `{ users(first: 5) { edges { node { contact { name } } } } }`, { limit: 4, actual: 5 }],
    ['alias', 'ALIAS_LIMIT_EXCEEDED', `{ a: me { id } b: me { id } c: me { id } d: me { id } e: me { id } f: me { id } }`, { limit: 5, actual: 6 }],
    [
      'directive',
      'DIRECTIVE_LIMIT_EXCEEDED',
      `query($t: Boolean = true) { me { id @include(if: $t) login @include(if: $t) name @include(if: $t) role @include(if: $t) timeZone @include(if: $t) active @include(if: $t) } }`,
      { limit: 5, actual: 6 },
    ],
    // 2 × (1 + 100 × (edges 1 + node 1))
    ['cost', 'COST_LIMIT_EXCEEDED', `{ a: users(first: 100) { edges { node { name } } } b: users(first: 100) { edges { node { name } } } }`, { limit: 300, actual: 402 }],
    ['token', 'TOKEN_LIMIT_EXCEEDED', `{ me { ${'id '.repeat(400)} } }`, { limit: 400 }],
  ])('refuses an operation over the %s limit with 400 %s before any subgraph is asked', async (_label, code, query, extensions) => {
    const api = await client();
    const before = await graphqlRequestsAtContacts();
    const result = await post(stack.gatewayUrl!, { query }, { authorization: `Bearer ${await testToken({ role: 'admin' })}` });
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors[0].extensions).toMatchObject({ code, ...extensions });
    expect(await graphqlRequestsAtContacts()).toBe(before);
    // Just under the limits it works: depth 4, 5 aliases, cost 1 + 100 × 2 = 201.
    const under = await api.request(`{ a: users(first: 100) { totalCount edges { node { name } } } b: contacts(first: 1) { totalCount } c: __typename d: __typename e: __typename }`);
    expect(under.errors).toBeUndefined();
    expect(await graphqlRequestsAtContacts()).toBeGreaterThan(before);
  });

  it('refuses a request body over the size limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const result = await post(stack.gatewayUrl!, { query: `{ me { id } }`, variables: { padding: 'x'.repeat(6000) } });
    expect(result.status).toBe(413);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 5000 });
  });

  it('runs a batch up to the limit and refuses a larger one with BATCH_LIMIT_EXCEEDED', async () => {
    const auth = { authorization: `Bearer ${await testToken({ role: 'admin' })}` };
    const ok = await post(stack.gatewayUrl!, [{ query: `{ users(first: 1) { totalCount } }` }, { query: `{ contacts(first: 1) { totalCount } }` }], auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(2);
    expect(ok.body[1].data.contacts.totalCount).toBe(0);
    const tooMany = await post(stack.gatewayUrl!, Array.from({ length: 4 }, () => ({ query: `{ me { id } }` })), auth);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: 'BATCH_LIMIT_EXCEEDED', limit: 3, actual: 4 });
  });

  it('rate-limits per user: past the burst, 429 RATE_LIMITED with Retry-After; another user is unaffected', async () => {
    const heavy = { authorization: `Bearer ${await testToken({ role: 'user_all' })}` };
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 22; i += 1) {
      last = await post(stack.gatewayUrl!, { query: `{ contacts(first: 1) { totalCount } }` }, heavy);
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, 19).every((s) => s === 200)).toBe(true);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const other = await post(stack.gatewayUrl!, { query: `{ contacts(first: 1) { totalCount } }` }, { authorization: `Bearer ${await testToken({ role: 'user_all' })}` });
    expect(other.status).toBe(200);
  });

  it('rate-limits uploads per user too, and refuses a bad token before the subgraph', async () => {
    const url = new URL('/imports/contacts?dryRun=true', stack.gatewayUrl);
    const upload = async (token: string) => {
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: 'name\nRATE TEST\n' });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    expect(await upload('tampered')).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const token = await testToken({ role: 'user_all' });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof upload>> | undefined;
    for (let i = 0; i < 22; i += 1) {
      last = await upload(token);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 19).every((s) => s === 200)).toBe(true);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('rate-limits anonymous callers by address (e.g. login attempts)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      const result = await post(stack.gatewayUrl!, { query: `mutation { logout(input: { refreshToken: "rt_x" }) { revoked } }` });
      statuses.push(result.status);
    }
    expect(statuses).toContain(429);
  });
});

describe('gateway: subgraph timeouts and production mode', () => {
  let env: TestEnv;
  let slow: Server;
  let contacts: RunningSubgraph;
  let activities: RunningSubgraph | undefined;
  const gateways: RunningGateway[] = [];
  const nodeEnv = process.env['NODE_ENV'];

  beforeAll(async () => {
    env = await createTestEnv('gwprod');
    // A "pipeline" that takes 5 s to answer.
    slow = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":null}');
      }, 5000).unref();
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    contacts = await startSubgraph(contactsModule, { port: 0, databaseUrl: env.databaseUrl, messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix } });
  });

  afterAll(async () => {
    process.env['NODE_ENV'] = nodeEnv;
    for (const gateway of gateways) await gateway.stop();
    await activities?.stop();
    await contacts?.stop();
    slow?.closeAllConnections();
    await new Promise((resolve) => slow?.close(resolve));
    await env?.cleanup();
  });

  it('gives up on a slow subgraph after the timeout with SUBGRAPH_TIMEOUT', async () => {
    const gateway = await startGateway({
      supergraphSdl,
      subgraphUrls: { contacts: contacts.url, pipeline: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql` },
      port: 0,
      hardening: { subgraphTimeoutMs: 300 },
    });
    gateways.push(gateway);
    const started = Date.now();
    const result = await new GraphQLClient(gateway.url, await testToken()).request(`{ opportunities(first: 1) { totalCount } }`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'pipeline' });
  });

  it('offers introspection and the landing page in development', async () => {
    const gateway = await startGateway({ supergraphSdl, subgraphUrls: { contacts: contacts.url }, port: 0 });
    gateways.push(gateway);
    const introspection = await new GraphQLClient(gateway.url, await testToken()).request(`{ __schema { queryType { name } } }`);
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const landing = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(landing.headers.get('content-type')).toContain('text/html');
  });

  it('turns introspection and the landing page off with NODE_ENV=production, at the gateway and at a subgraph', async () => {
    process.env['NODE_ENV'] = 'production';
    const gateway = await startGateway({ supergraphSdl, subgraphUrls: { contacts: contacts.url }, port: 0 });
    gateways.push(gateway);
    activities = await startSubgraph(activitiesModule, { port: 0, databaseUrl: env.databaseUrl, messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix } });
    process.env['NODE_ENV'] = nodeEnv;

    const token = await testToken();
    for (const url of [gateway.url, activities.url]) {
      const introspection = await new GraphQLClient(url, token).request(`{ __schema { queryType { name } } }`);
      expect([url, introspection.errors?.[0]?.extensions?.code]).toEqual([url, 'GRAPHQL_VALIDATION_FAILED']);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
      const landing = await fetch(url, { headers: { accept: 'text/html' } });
      expect([url, landing.headers.get('content-type') ?? '']).not.toEqual([url, expect.stringContaining('text/html')]);
    }
    // Federation still works: the gateway is ready and answers.
    expect((await new GraphQLClient(gateway.url, token).data(`{ users(first: 1) { totalCount } }`)).users.totalCount).toBe(0);
  });
});
