import { Client } from 'pg';
import { verifyAccessToken } from '@crm/auth';
import { queryCount } from '@crm/db';
import { GraphQLClient, createTestEnv, eventually, readTopic, serviceTokenHeaders, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '../src/module';
import { createAdmin } from '../src/cli/users-create-admin';

const USER_FIELDS = 'id login name role branchIds teamIds timeZone active version passwordChangedAt lastLoginAt contact { id name }';
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { ${USER_FIELDS} } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { tokenType accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id login role } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken user { id } } }`;
const LOGOUT = `mutation($t: String!) { logout(input: { refreshToken: $t }) { revoked } }`;
const PASSWORD = 'correct horse battery staple';

describe('users, login, refresh and logout (contacts subgraph)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let anonymous: GraphQLClient;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnv('users');
    stack = await startStack({ env, modules: [contactsModule] });
    admin = stack.client(await testToken({ role: 'admin' }));
    // No user: admitted by a service token only, as the gateway forwards a login.
    anonymous = new GraphQLClient(stack.subgraph('contacts').url, undefined, await serviceTokenHeaders());
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  async function createUser(input: Record<string, unknown>) {
    return (await admin.data(CREATE, { input })).createUser.user;
  }

  it('an administrator creates a user; its crm.contacts.user event carries the full state and no secret', async () => {
    const contact = (await admin.data(`mutation { createContact(input: { name: "Rina Wijaya", email: "rina@dayamotor.co.id" }) { contact { id } } }`))
      .createContact.contact;
    const user = await createUser({
      login: ' Rina.Wijaya@DayaMotor.co.id ',
      name: 'Rina Wijaya',
      password: PASSWORD,
      contactId: contact.id,
      role: 'USER_ALL',
      branchIds: ['sam01', 'SAM01', 'MAN01'],
      timeZone: 'Asia/Makassar',
    });
    expect(user).toMatchObject({
      login: 'rina.wijaya@dayamotor.co.id',
      role: 'USER_ALL',
      branchIds: ['MAN01', 'SAM01'],
      teamIds: [],
      timeZone: 'Asia/Makassar',
      active: true,
      version: 1,
      contact: { id: contact.id, name: 'Rina Wijaya' },
    });
    expect(user.passwordChangedAt).not.toBeNull();
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.user`, (ms) => ms.some((m) => m.key === user.id));
    const message = messages.find((m) => m.key === user.id)!;
    expect(message.headers['ce_type']).toBe('crm.contacts.user.created.v1');
    const data = JSON.parse(message.value!);
    expect(data.state).toMatchObject({ id: user.id, login: 'rina.wijaya@dayamotor.co.id', role: 'user_all', branchIds: ['MAN01', 'SAM01'], active: true });
    expect(message.value).not.toMatch(/scrypt|password_hash|passwordHash/);
  });

  it('logs in with e-mail and password: a short-lived JWT with the user’s claims and a refresh token', async () => {
    const user = await createUser({ login: 'budi@dayamotor.co.id', name: 'Budi Santoso', password: PASSWORD, role: 'USER_OWN', branchIds: ['SAM01'] });
    const session = (await anonymous.data(LOGIN, { input: { email: 'BUDI@dayamotor.co.id', password: PASSWORD } })).login;
    expect(session.tokenType).toBe('Bearer');
    expect(session.refreshToken).toMatch(/^rt_/);
    const claims = await verifyAccessToken(session.accessToken);
    expect(claims).toEqual({ id: user.id, role: 'user_own', branchIds: ['SAM01'], teamIds: [], tz: 'Asia/Jakarta' });
    const ttl = new Date(session.accessTokenExpiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(10 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    const me = await stack.client(session.accessToken).data(`{ me { id login role lastLoginAt } }`);
    expect(me.me).toMatchObject({ id: user.id, login: 'budi@dayamotor.co.id', role: 'USER_OWN' });
    expect(me.me.lastLoginAt).not.toBeNull();
    const stored = await db.query('SELECT token_hash FROM contacts.refresh_token WHERE user_id = $1', [user.id]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].token_hash.toString('utf8')).not.toContain(session.refreshToken.slice(3, 20));
    const hash = await db.query('SELECT password_hash FROM contacts.user_account WHERE id = $1', [user.id]);
    expect(hash.rows[0].password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
  });

  it('answers a wrong password and an unknown e-mail address alike, and locks the login after five failures', async () => {
    await createUser({ login: 'joko@dayamotor.co.id', name: 'Joko', password: PASSWORD });
    const wrong = await anonymous.request(LOGIN, { input: { email: 'joko@dayamotor.co.id', password: 'not the password' } });
    const unknown = await anonymous.request(LOGIN, { input: { email: 'nobody@dayamotor.co.id', password: 'not the password' } });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'invalid e-mail address or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(unknown.errors?.[0]).toMatchObject({ message: 'invalid e-mail address or password', extensions: { code: 'UNAUTHENTICATED' } });
    for (let i = 0; i < 4; i += 1) {
      await anonymous.request(LOGIN, { input: { email: 'joko@dayamotor.co.id', password: `wrong ${i}` } });
    }
    const locked = await anonymous.request(LOGIN, { input: { email: 'joko@dayamotor.co.id', password: PASSWORD } });
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'locked' });
  });

  it('rotates refresh tokens; replaying a used one revokes the whole session', async () => {
    await createUser({ login: 'sari@dayamotor.co.id', name: 'Sari', password: PASSWORD, role: 'USER_TEAM' });
    const first = (await anonymous.data(LOGIN, { input: { email: 'sari@dayamotor.co.id', password: PASSWORD } })).login;
    const second = (await anonymous.data(REFRESH, { t: first.refreshToken })).refreshToken;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await verifyAccessToken(second.accessToken)).role).toBe('user_team');
    const third = (await anonymous.data(REFRESH, { t: second.refreshToken })).refreshToken;

    // The first token again: a replay. The session ends — the newest token no longer works either.
    const replay = await anonymous.request(REFRESH, { t: first.refreshToken });
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'reuse_detected' });
    const afterReplay = await anonymous.request(REFRESH, { t: third.refreshToken });
    expect(afterReplay.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'reuse_detected' });

    // Another login is a new session, unaffected.
    const fresh = (await anonymous.data(LOGIN, { input: { email: 'sari@dayamotor.co.id', password: PASSWORD } })).login;
    expect((await anonymous.data(REFRESH, { t: fresh.refreshToken })).refreshToken.accessToken).toBeTruthy();
  });

  it('logout revokes the refresh token; an unknown token answers revoked: false', async () => {
    await createUser({ login: 'dewi@dayamotor.co.id', name: 'Dewi', password: PASSWORD });
    const session = (await anonymous.data(LOGIN, { input: { email: 'dewi@dayamotor.co.id', password: PASSWORD } })).login;
    expect((await anonymous.data(LOGOUT, { t: session.refreshToken })).logout.revoked).toBe(true);
    expect((await anonymous.data(LOGOUT, { t: session.refreshToken })).logout.revoked).toBe(false);
    expect((await anonymous.data(LOGOUT, { t: 'rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).logout.revoked).toBe(false);
    const refused = await anonymous.request(REFRESH, { t: session.refreshToken });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'logout' });
  });

  it('deactivating a user ends their sessions and stops their logins; reactivating restores logins', async () => {
    const user = await createUser({ login: 'eko@dayamotor.co.id', name: 'Eko', password: PASSWORD });
    const session = (await anonymous.data(LOGIN, { input: { email: 'eko@dayamotor.co.id', password: PASSWORD } })).login;
    const deactivated = (await admin.data(`mutation($id: ID!) { deactivateUser(input: { id: $id, expectedVersion: 1 }) { user { active version } } }`, { id: user.id }))
      .deactivateUser.user;
    expect(deactivated).toEqual({ active: false, version: 2 });
    expect((await anonymous.request(REFRESH, { t: session.refreshToken })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'deactivated' });
    expect((await anonymous.request(LOGIN, { input: { email: 'eko@dayamotor.co.id', password: PASSWORD } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await admin.data(`mutation($id: ID!) { reactivateUser(input: { id: $id }) { user { active } } }`, { id: user.id });
    expect((await anonymous.data(LOGIN, { input: { email: 'eko@dayamotor.co.id', password: PASSWORD } })).login.user.id).toBe(user.id);
  });

  it('sets access (role, branches, teams) with optimistic locking; the next refresh carries the new claims', async () => {
    const user = await createUser({ login: 'agus@dayamotor.co.id', name: 'Agus', password: PASSWORD, branchIds: ['BEN01'] });
    const session = (await anonymous.data(LOGIN, { input: { email: 'agus@dayamotor.co.id', password: PASSWORD } })).login;
    const SET = `mutation($input: SetUserAccessInput!) { setUserAccess(input: $input) { user { role branchIds teamIds version } } }`;
    const changed = (await admin.data(SET, { input: { id: user.id, expectedVersion: 1, role: 'USER_ALL', branchIds: [] } })).setUserAccess.user;
    expect(changed).toEqual({ role: 'USER_ALL', branchIds: [], teamIds: [], version: 2 });
    const stale = await admin.request(SET, { input: { id: user.id, expectedVersion: 1, role: 'USER_OWN' } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', actualVersion: 2 });
    const refreshed = (await anonymous.data(REFRESH, { t: session.refreshToken })).refreshToken;
    expect(await verifyAccessToken(refreshed.accessToken)).toMatchObject({ role: 'user_all', branchIds: [] });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.user`, (ms) =>
      ms.some((m) => m.key === user.id && m.headers['ce_type'] === 'crm.contacts.user.updated.v1'),
    );
    const updated = JSON.parse(messages.find((m) => m.key === user.id && m.headers['ce_type'] === 'crm.contacts.user.updated.v1')!.value!);
    expect(updated.changes).toEqual({ role: { from: 'user_own', to: 'user_all' }, branchIds: { from: ['BEN01'], to: [] } });
    expect(updated.state).toMatchObject({ role: 'user_all', version: 2 });
  });

  it('keeps the last active administrator an administrator', async () => {
    const only = await createUser({ login: 'boss@dayamotor.co.id', name: 'Boss', role: 'ADMIN' });
    const others = await db.query(`SELECT id FROM contacts.user_account WHERE role = 'admin' AND id <> $1`, [only.id]);
    expect(others.rows).toHaveLength(0);
    const demote = await admin.request(`mutation($id: ID!) { setUserAccess(input: { id: $id, role: USER_ALL }) { user { role } } }`, { id: only.id });
    expect(demote.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
    const deactivate = await admin.request(`mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { active } } }`, { id: only.id });
    expect(deactivate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it.each([
    [{ login: 'not-an-email', name: 'X' }, 'login'],
    [{ login: 'x1@dayamotor.co.id', name: '  ' }, 'name'],
    [{ login: 'x2@dayamotor.co.id', name: 'X', password: 'short' }, 'password'],
    [{ login: 'x3@dayamotor.co.id', name: 'X', branchIds: ['SAM 01'] }, 'branchIds'],
    [{ login: 'x4@dayamotor.co.id', name: 'X', teamIds: ['team-1'] }, 'teamIds'],
    [{ login: 'x5@dayamotor.co.id', name: 'X', timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ login: 'x6@dayamotor.co.id', name: 'X', contactId: '01934d6e-0000-7000-8000-00000000dead' }, 'contactId'],
    [{ login: 'rina.wijaya@dayamotor.co.id', name: 'Duplicate' }, 'login'],
  ])('rejects %j naming %s and writes nothing', async (input, field) => {
    const count = () => db.query('SELECT (SELECT count(*) FROM contacts.user_account) AS users, (SELECT count(*) FROM contacts.outbox) AS events');
    const before = (await count()).rows[0];
    const result = await admin.request(CREATE, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect((await count()).rows[0]).toEqual(before);
  });

  it('lets only administrators manage users; a user may edit their own name and time zone; NONE reads only itself', async () => {
    const own = await createUser({ login: 'own@dayamotor.co.id', name: 'Own', role: 'USER_OWN', branchIds: ['SAM01'] });
    const none = await createUser({ login: 'none@dayamotor.co.id', name: 'Nobody', role: 'NONE' });
    const asOwn = stack.client(await testToken({ id: own.id, role: 'user_own', branchIds: ['SAM01'] }));
    const asNone = stack.client(await testToken({ id: none.id, role: 'none' }));
    expect((await asOwn.request(CREATE, { input: { login: 'y@dayamotor.co.id', name: 'Y' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await asOwn.request(`mutation($id: ID!) { setUserAccess(input: { id: $id, role: ADMIN }) { user { role } } }`, { id: own.id })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const renamed = await asOwn.data(`mutation($id: ID!) { updateUser(input: { id: $id, name: "Own Renamed", timeZone: "Asia/Jayapura" }) { user { name timeZone } } }`, { id: own.id });
    expect(renamed.updateUser.user).toEqual({ name: 'Own Renamed', timeZone: 'Asia/Jayapura' });
    const otherName = await asOwn.request(`mutation($id: ID!) { updateUser(input: { id: $id, name: "Hacked" }) { user { name } } }`, { id: none.id });
    expect(otherName.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ownLogin = await asOwn.request(`mutation($id: ID!) { updateUser(input: { id: $id, login: "boss2@dayamotor.co.id" }) { user { login } } }`, { id: own.id });
    expect(ownLogin.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'login' });

    // The directory: every CRM user reads it, lastLoginAt only of themself.
    const directory = await asOwn.data(`{ users(first: 100, filter: { search: "dayamotor" }) { totalCount edges { node { id lastLoginAt } } } }`);
    expect(directory.users.totalCount).toBeGreaterThan(5);
    // NONE: me, nothing else.
    expect((await asNone.data(`{ me { id role } }`)).me).toEqual({ id: none.id, role: 'NONE' });
    expect((await asNone.request(`{ users(first: 5) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await asNone.request(`{ contacts(first: 5) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('pages the directory by name with a keyset cursor and filters inside the count', async () => {
    const page1 = await admin.data(`{ users(first: 3, filter: { active: true }) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`);
    const page2 = await admin.data(`query($after: String) { users(first: 3, after: $after, filter: { active: true }) { edges { node { name } } } }`, {
      after: page1.users.pageInfo.endCursor,
    });
    const names = [...page1.users.edges, ...page2.users.edges].map((e: any) => e.node.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(new Set(names).size).toBe(names.length);
    const sam = await admin.data(`{ users(filter: { branchId: "sam01" }) { totalCount edges { node { branchIds } } } }`);
    expect(sam.users.totalCount).toBe(sam.users.edges.length);
    for (const edge of sam.users.edges) expect(edge.node.branchIds).toContain('SAM01');
    const newest = await admin.data(`{ users(first: 2, orderBy: { field: CREATED_AT, descending: true }) { edges { node { login } } } }`);
    expect(newest.users.edges[0].node.login).toBe('none@dayamotor.co.id');
  });

  it('resolves User entities for the gateway in one SQL query per request', async () => {
    const ids: string[] = (await db.query('SELECT id FROM contacts.user_account ORDER BY id LIMIT 5')).rows.map((r) => r.id);
    const dataSource = stack.subgraph('contacts').deps.dataSource;
    // Earlier tests' refusals are written, published and consumed (the audit log) in the
    // background on the same DataSource: measure until a quiet moment shows the request alone.
    await stack.subgraph('contacts').deniedAttempts.flush();
    const result = await eventually(async () => {
      const before = queryCount(dataSource);
      const answer = await admin.data(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id login } } }`,
        { reps: [...ids, '01934d6e-0000-7000-8000-00000000dead'].map((id) => ({ __typename: 'User', id })) },
      );
      expect(queryCount(dataSource) - before).toBe(1);
      return answer;
    }, 10_000, 200);
    expect(result._entities.slice(0, 5).map((u: any) => u.id)).toEqual(ids);
    expect(result._entities[5]).toBeNull();
  });

  it('the CLI creates the first administrator, who can log in; run again with --if-missing it changes nothing', async () => {
    expect(await createAdmin({ email: 'ADMIN@crm.example', password: PASSWORD, name: 'First Admin', ifMissing: false, url: env.databaseUrl })).toBe('created');
    expect(await createAdmin({ email: 'admin@crm.example', password: 'another password', name: 'X', ifMissing: true, url: env.databaseUrl })).toBe('exists');
    await expect(createAdmin({ email: 'admin@crm.example', password: PASSWORD, name: 'X', ifMissing: false, url: env.databaseUrl })).rejects.toThrow('exists already');
    const session = (await anonymous.data(LOGIN, { input: { email: 'admin@crm.example', password: PASSWORD } })).login;
    expect(session.user.role).toBe('ADMIN');
  });
});
