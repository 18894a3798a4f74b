import { SignJWT } from 'jose';
import { Client } from 'pg';
import { JWT_AUDIENCE, JWT_ISSUER, SERVICE_TOKEN_HEADER, signAccessToken, signServiceToken, verifyAccessToken } from '@crm/auth';
import { createAdmin } from '@crm/contacts/src/cli/users-create-admin';
import { GraphQLClient, createTestEnv, eventually, testToken, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

const PASSWORD = 'correct horse battery staple';
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id name role } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken } }`;
const CONTACTS = `{ contacts(first: 5) { totalCount } }`;
const userSecret = new TextEncoder().encode('dev-only-secret-change-me-in-production-32b');

/** Tokens that must all be refused, each with the reason the verifier gives. */
async function badTokens(): Promise<[string, string, RegExp][]> {
  const good = await testToken({ role: 'user_own', branchIds: ['SAM01'] });
  const [header, payload, signature] = good.split('.');
  // The same token with the role raised to admin and the branch limit removed.
  const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin', branchIds: [] })).toString(
    'base64url',
  );
  const sign = (audience: string, exp: number | string) =>
    new SignJWT({ role: 'admin', branchIds: [], teamIds: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('01934d6e-0000-7000-8000-0000000000a1')
      .setIssuer(JWT_ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(userSecret);
  return [
    ['tampered', `${header}.${elevated}.${signature}`, /token invalid/],
    ['bad signature', `${good.slice(0, -4)}AAAA`, /token invalid/],
    ['expired', await sign(JWT_AUDIENCE, Math.floor(Date.now() / 1000) - 5), /token expired/],
    ['wrong audience', await sign('some-other-api', '5m'), /token aud invalid/],
    ['a service token as a user token', await signServiceToken('gateway'), /token invalid/],
    ['not a JWT', 'hello', /token invalid/],
  ];
}

describe('authentication end to end: login → query through the gateway; tokens at the gateway and at a subgraph', () => {
  let env: TestEnv;
  let stack: Stack;
  let gateway: GraphQLClient;

  beforeAll(async () => {
    env = await createTestEnv('authflow');
    stack = await startFullStack(env);
    gateway = stack.client();
    await createAdmin({ email: 'admin@crm.test', password: PASSWORD, name: 'Ayu Admin', ifMissing: false, url: env.databaseUrl });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  it('logs in without a token, works with the access token, refreshes, detects a replay and logs out — all through the gateway', async () => {
    const admin = (await gateway.data(LOGIN, { input: { email: 'admin@crm.test', password: PASSWORD } })).login;
    expect(admin.user).toMatchObject({ name: 'Ayu Admin', role: 'ADMIN' });
    const asAdmin = gateway.withToken(admin.accessToken);
    const created = await asAdmin.data(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
      { input: { login: 'budi@dayamotor.co.id', name: 'Budi Santoso', password: PASSWORD, role: 'USER_ALL', branchIds: ['SAM01'] } },
    );
    const contact = (await asAdmin.data(`mutation { createBranch(input: { id: "SAM01", name: "SAMARINDA", countryCode: "ID", timeZone: "Asia/Makassar" }) { branch { id } }
      createContact(input: { name: "PT Avengers Initiative", branchId: "SAM01" }) { contact { id } } }`)).createContact.contact;
    await asAdmin.data(`mutation($c: ID!) { createOpportunity(input: { name: "200 Office Chairs", customerId: $c, expectedRevenue: "100000000", branchId: "SAM01" }) { opportunity { id } } }`, {
      c: contact.id,
    });

    const budi = (
      await gateway.request(LOGIN, { input: { email: 'budi@dayamotor.co.id', password: PASSWORD } }, { 'user-agent': 'CRM mobile 1.0 (Android 14)' })
    ).data!['login'];
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const sessions = await db.query('SELECT user_agent FROM contacts.refresh_token WHERE user_id = $1', [created.createUser.user.id]).finally(() => db.end());
    expect(sessions.rows).toEqual([{ user_agent: 'CRM mobile 1.0 (Android 14)' }]);
    expect(await verifyAccessToken(budi.accessToken)).toMatchObject({ id: created.createUser.user.id, role: 'user_all', branchIds: ['SAM01'] });
    const asBudi = gateway.withToken(budi.accessToken);
    const data = await asBudi.data(`{ me { name branchIds } opportunities(first: 5) { edges { node { name customer { name } } } } }`);
    expect(data.me).toEqual({ name: 'Budi Santoso', branchIds: ['SAM01'] });
    expect(data.opportunities.edges).toEqual([{ node: { name: '200 Office Chairs', customer: { name: 'PT Avengers Initiative' } } }]);

    const refreshed = (await gateway.data(REFRESH, { t: budi.refreshToken })).refreshToken;
    expect((await gateway.withToken(refreshed.accessToken).data(`{ me { name } }`)).me.name).toBe('Budi Santoso');
    const replay = await gateway.request(REFRESH, { t: budi.refreshToken });
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'reuse_detected' });
    expect((await gateway.request(REFRESH, { t: refreshed.refreshToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const again = (await gateway.data(LOGIN, { input: { email: 'budi@dayamotor.co.id', password: PASSWORD } })).login;
    expect((await gateway.data(`mutation($t: String!) { logout(input: { refreshToken: $t }) { revoked } }`, { t: again.refreshToken })).logout.revoked).toBe(true);
    expect((await gateway.request(REFRESH, { t: again.refreshToken })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'logout' });
  });

  it('applies a change of access at once: tokens issued before it are refused in every subgraph; a refresh carries the new access; deactivation ends it', async () => {
    const SUBGRAPHS = ['contacts', 'pipeline', 'activities', 'sales', 'reporting'] as const;
    const asAdmin = gateway.withToken((await gateway.data(LOGIN, { input: { email: 'admin@crm.test', password: PASSWORD } })).login.accessToken);
    const rina = (
      await asAdmin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: { login: 'rina@dayamotor.co.id', name: 'Rina Wijaya', password: PASSWORD, role: 'USER_ALL', branchIds: ['BJM01'] },
      })
    ).createUser.user;
    const first = (await gateway.data(LOGIN, { input: { email: 'rina@dayamotor.co.id', password: PASSWORD } })).login;
    /** What each subgraph answers to the token directly: HTTP status and the error's reason. */
    const atSubgraphs = async (token: string) =>
      Promise.all(
        SUBGRAPHS.map(async (name) => {
          const response = await fetch(stack.subgraph(name).url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ __typename }' }),
          });
          const body = (await response.json()) as { errors?: { extensions?: { reason?: string } }[] };
          return `${name}:${response.status}:${body.errors?.[0]?.extensions?.reason ?? 'ok'}`;
        }),
      );
    const ME = `{ me { role branchIds } opportunities(first: 1) { totalCount } }`;
    expect((await gateway.withToken(first.accessToken).data(ME)).me).toEqual({ role: 'USER_ALL', branchIds: ['BJM01'] });
    // Tokens carry whole seconds: the change must fall in a later second than the token.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await asAdmin.data(`mutation($id: ID!) { setUserAccess(input: { id: $id, role: USER_OWN, branchIds: ["PLW01"] }) { user { id } } }`, { id: rina.id });
    await eventually(async () => expect(await atSubgraphs(first.accessToken)).toEqual(SUBGRAPHS.map((n) => `${n}:401:access_changed`)), 15_000, 500);
    const refused = await gateway.withToken(first.accessToken).request(ME);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'access_changed' });

    // The refresh token still works and hands out the new access, which every subgraph accepts.
    const second = (await gateway.data(REFRESH, { t: first.refreshToken })).refreshToken;
    expect(await atSubgraphs(second.accessToken)).toEqual(SUBGRAPHS.map((n) => `${n}:200:ok`));
    expect((await gateway.withToken(second.accessToken).data(ME)).me).toEqual({ role: 'USER_OWN', branchIds: ['PLW01'] });

    // A name or time-zone change is not an access change.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await asAdmin.data(`mutation($id: ID!) { updateUser(input: { id: $id, name: "Rina W." }) { user { id } } }`, { id: rina.id });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await atSubgraphs(second.accessToken)).toEqual(SUBGRAPHS.map((n) => `${n}:200:ok`));

    // Deactivation: the access token stops working at once, and the refresh token with it.
    await asAdmin.data(`mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { active } } }`, { id: rina.id });
    await eventually(async () => expect(await atSubgraphs(second.accessToken)).toEqual(SUBGRAPHS.map((n) => `${n}:401:access_changed`)), 15_000, 500);
    expect((await gateway.request(REFRESH, { t: second.refreshToken })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'deactivated' });
  });

  it('team membership is set on the sales team: adding a user_team user with updateSalesTeam shows them the team’s opportunities after a refresh; removing them takes it away', async () => {
    const admin = (await gateway.data(LOGIN, { input: { email: 'admin@crm.test', password: PASSWORD } })).login;
    const asAdmin = gateway.withToken(admin.accessToken);
    const adminId = (await verifyAccessToken(admin.accessToken)).id;
    const dewi = (
      await asAdmin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: { login: 'dewi@dayamotor.co.id', name: 'Dewi Lestari', password: PASSWORD, role: 'USER_TEAM' },
      })
    ).createUser.user;
    const team = (
      await asAdmin.data(`mutation { createSalesTeam(input: { name: "Daya Motor Fleet", currency: "IDR" }) { salesTeam { id } } }`)
    ).createSalesTeam.salesTeam.id as string;
    // Someone else's opportunity of that team: Dewi can only see it as a member of the team.
    const opportunity = (
      await asAdmin.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
        input: { name: '12 Honda PCX for a courier fleet', teamId: team, salespersonId: adminId, expectedRevenue: '420000000', currency: 'IDR' },
      })
    ).createOpportunity.opportunity.id as string;
    const SEES = `query($id: ID!) { opportunities(first: 10) { totalCount edges { node { id } } } opportunity(id: $id) { id } }`;
    const first = (await gateway.data(LOGIN, { input: { email: 'dewi@dayamotor.co.id', password: PASSWORD } })).login;
    expect((await verifyAccessToken(first.accessToken)).teamIds).toEqual([]);
    expect(await gateway.withToken(first.accessToken).data(SEES, { id: opportunity })).toEqual({ opportunities: { totalCount: 0, edges: [] }, opportunity: null });

    // setUserAccess is not a second place to set teams.
    const viaAccess = await asAdmin.request(`mutation($id: ID!, $t: ID!) { setUserAccess(input: { id: $id, teamIds: [$t] }) { user { id } } }`, { id: dewi.id, t: team });
    expect(viaAccess.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamIds' });
    expect(viaAccess.errors?.[0]?.message).toMatch(/updateSalesTeam/);

    // Tokens carry whole seconds: the change must fall in a later second than the token.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const UPDATE_TEAM = `mutation($input: UpdateSalesTeamInput!) { updateSalesTeam(input: $input) { salesTeam { members { id } } } }`;
    expect((await asAdmin.data(UPDATE_TEAM, { input: { id: team, memberIds: [dewi.id] } })).updateSalesTeam.salesTeam.members).toEqual([{ id: dewi.id }]);
    // The membership is an access change: the old token stops working, a refresh carries the team.
    await eventually(async () => {
      expect((await gateway.withToken(first.accessToken).request(SEES, { id: opportunity })).errors?.[0]?.extensions).toMatchObject({ reason: 'access_changed' });
    }, 15_000, 250);
    const second = (await gateway.data(REFRESH, { t: first.refreshToken })).refreshToken;
    expect((await verifyAccessToken(second.accessToken)).teamIds).toEqual([team]);
    expect(await gateway.withToken(second.accessToken).data(SEES, { id: opportunity })).toEqual({
      opportunities: { totalCount: 1, edges: [{ node: { id: opportunity } }] },
      opportunity: { id: opportunity },
    });

    // Removed from the team: the next token no longer sees its opportunities.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await asAdmin.data(UPDATE_TEAM, { input: { id: team, memberIds: [] } });
    await eventually(async () => {
      expect((await gateway.withToken(second.accessToken).request(SEES, { id: opportunity })).errors?.[0]?.extensions).toMatchObject({ reason: 'access_changed' });
    }, 15_000, 250);
    const third = (await gateway.data(REFRESH, { t: second.refreshToken })).refreshToken;
    expect((await verifyAccessToken(third.accessToken)).teamIds).toEqual([]);
    expect(await gateway.withToken(third.accessToken).data(SEES, { id: opportunity })).toEqual({ opportunities: { totalCount: 0, edges: [] }, opportunity: null });
  });

  it('refuses a wrong password through the gateway with UNAUTHENTICATED', async () => {
    const result = await gateway.request(LOGIN, { input: { email: 'admin@crm.test', password: 'wrong password!' } });
    expect(result.errors?.[0]).toMatchObject({ message: 'invalid e-mail address or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a missing token at the gateway without revealing a subgraph address', async () => {
    const result = await gateway.request(CONTACTS);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|http:/);
  });

  it('refuses tampered, expired, wrong-audience and malformed tokens at the gateway', async () => {
    for (const [label, token, reason] of await badTokens()) {
      const response = await fetch(stack.gatewayUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CONTACTS }),
      });
      const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      expect([label, response.status, body.errors?.[0]?.extensions?.code]).toEqual([label, 401, 'UNAUTHENTICATED']);
      expect([label, body.errors?.[0]?.message]).toEqual([label, expect.stringMatching(reason)]);
    }
  });

  it('refuses the same tokens at a subgraph directly, and a request with no token at all', async () => {
    const contacts = stack.subgraph('contacts').url;
    const post = (headers: Record<string, string>, query = CONTACTS) =>
      fetch(contacts, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then(
        async (r) => [r.status, ((await r.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code] as const,
      );
    expect(await post({})).toEqual([401, 'UNAUTHENTICATED']);
    for (const [label, token] of await badTokens()) {
      expect([label, ...(await post({ authorization: `Bearer ${token}` }))]).toEqual([label, 401, 'UNAUTHENTICATED']);
    }
    // A user token signed as a service token, and a service token with the wrong secret.
    expect(await post({ [SERVICE_TOKEN_HEADER]: `Bearer ${await signAccessToken({ id: 'x', role: 'admin', branchIds: [], teamIds: [], tz: 'UTC' })}` })).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(await post({ authorization: `Bearer ${await testToken()}` })).toEqual([200, undefined]);
  });

  it('admits the service token for federation and the public login only, never for data', async () => {
    const contacts = stack.subgraph('contacts').url;
    const asService = new GraphQLClient(contacts, undefined, { [SERVICE_TOKEN_HEADER]: `Bearer ${await signServiceToken('gateway')}` });
    expect((await asService.data(`{ _service { sdl } }`))._service.sdl).toContain('type User');
    const refused = await asService.request(CONTACTS);
    expect(refused.errors?.[0]).toMatchObject({ message: 'authentication required for Query.contacts', extensions: { code: 'UNAUTHENTICATED' } });
    const viaFragment = await asService.request(`query { ...Q } fragment Q on Query { users(first: 1) { totalCount } }`);
    expect(viaFragment.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const entities = await asService.request(`{ _entities(representations: [{ __typename: "User", id: "01934d6e-0000-7000-8000-0000000000a1" }]) { ... on User { login } } }`);
    expect(entities.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers health and readiness without any token, at the gateway and at each subgraph', async () => {
    const gatewayReady = await fetch(new URL('/health/ready', stack.gatewayUrl!));
    expect(gatewayReady.status).toBe(200);
    expect(await gatewayReady.json()).toEqual({
      status: 'ok',
      checks: { contacts: true, pipeline: true, activities: true, sales: true, reporting: true },
    });
    for (const name of ['contacts', 'pipeline', 'activities', 'sales', 'reporting'] as const) {
      const url = stack.subgraph(name).url;
      expect([name, (await fetch(new URL('/health/live', url))).status, (await fetch(new URL('/health/ready', url))).status]).toEqual([name, 200, 200]);
    }
  });

  it('keeps an administrator-readable log of refused requests from the gateway and from each subgraph', async () => {
    const adminSession = (await gateway.data(LOGIN, { input: { email: 'admin@crm.test', password: PASSWORD } })).login;
    const asAdmin = gateway.withToken(adminSession.accessToken);
    const seller = (
      await asAdmin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: { login: 'seller@dayamotor.co.id', name: 'Seller Manado', role: 'USER_OWN', branchIds: ['MAN01'] },
      })
    ).createUser.user;
    const asSeller = gateway.withToken(await testToken({ id: seller.id, role: 'user_own', branchIds: ['MAN01'] }));

    // 1. a forged token at the gateway; 2. a configuration mutation by a salesperson (contacts);
    // 3. a wrong password; 4. no token at all, straight at the pipeline subgraph.
    await gateway.withToken(`${adminSession.accessToken.slice(0, -3)}abc`).request(CONTACTS);
    expect((await asSeller.request(`mutation { createUser(input: { login: "x@y.co", name: "X" }) { user { id } } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await gateway.request(LOGIN, { input: { email: 'Seller@dayamotor.co.id', password: 'guessing-the-password' } });
    await fetch(stack.subgraph('pipeline').url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ opportunities { totalCount } }"}' });
    // 5. the log itself is for administrators only.
    expect((await asSeller.request(`{ deniedAttempts { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const QUERY = `query($f: DeniedAttemptFilter) { deniedAttempts(first: 50, filter: $f) { totalCount edges { node {
      service code message reason path operationType role branchIds clientIp attemptedLogin user { login } } } } }`;
    const log = await eventually(async () => {
      const data = (await asAdmin.data(QUERY)).deniedAttempts;
      const services = data.edges.map((e: any) => `${e.node.service}:${e.node.code}`);
      expect(services).toEqual(expect.arrayContaining(['gateway:UNAUTHENTICATED', 'contacts:FORBIDDEN', 'contacts:UNAUTHENTICATED', 'pipeline:UNAUTHENTICATED']));
      expect(services.filter((s: string) => s === 'contacts:FORBIDDEN')).toHaveLength(2);
      // An earlier test's wrong password is in the log too: wait for this one's.
      expect(data.edges.some((e: any) => e.node.reason === 'invalid_credentials' && e.node.attemptedLogin === 'seller@dayamotor.co.id')).toBe(true);
      return data.edges.map((e: any) => e.node);
    });
    expect(log.find((n: any) => n.service === 'gateway')).toMatchObject({ message: 'token invalid', clientIp: '127.0.0.1', user: null });
    expect(log.find((n: any) => n.service === 'contacts' && n.path === 'createUser')).toMatchObject({
      code: 'FORBIDDEN',
      operationType: 'mutation',
      role: 'USER_OWN',
      branchIds: ['MAN01'],
      clientIp: '127.0.0.1',
      user: { login: 'seller@dayamotor.co.id' },
    });
    expect(log.find((n: any) => n.reason === 'invalid_credentials' && n.attemptedLogin === 'seller@dayamotor.co.id')).toMatchObject({
      service: 'contacts',
      code: 'UNAUTHENTICATED',
      user: null,
    });
    expect(log.find((n: any) => n.service === 'pipeline')).toMatchObject({ code: 'UNAUTHENTICATED', message: 'a bearer token is required' });

    // Filters apply inside the count; a branch administrator sees only their branches' users.
    const forbidden = (await asAdmin.data(QUERY, { f: { code: 'FORBIDDEN', branchId: 'man01' } })).deniedAttempts;
    expect(forbidden.totalCount).toBe(2);
    const samAdmin = gateway.withToken(await testToken({ role: 'admin', branchIds: ['SAM01'] }));
    expect((await samAdmin.data(QUERY)).deniedAttempts.totalCount).toBe(0);
    const manAdmin = gateway.withToken(await testToken({ role: 'admin', branchIds: ['MAN01'] }));
    expect((await manAdmin.data(QUERY)).deniedAttempts.totalCount).toBe(2);
  });
});
