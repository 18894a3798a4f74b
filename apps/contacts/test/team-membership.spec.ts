import { verifyAccessToken } from '@crm/auth';
import { uuidv7 } from '@crm/runtime';
import { GraphQLClient, createTestEnv, eventually, readTopic, serviceTokenHeaders, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';
import { contactsModule } from '../src/module';
import { publishTeamEvent } from './helpers';

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id version } } }`;
const USER = `query($id: ID!) { user(id: $id) { teamIds version } }`;
const SET = `mutation($input: SetUserAccessInput!) { setUserAccess(input: $input) { user { id } } }`;
const PASSWORD = 'correct horse battery staple';

describe('team membership follows the sales teams (crm.pipeline.team → users’ teamIds)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;

  beforeAll(async () => {
    env = await createTestEnv('team-membership');
    stack = await startStack({ env, modules: [contactsModule] });
    admin = stack.client(await testToken({ role: 'admin' }));
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  async function teamsOf(id: string, expected: string[]): Promise<{ teamIds: string[]; version: number }> {
    return eventually(async () => {
      const { user } = await admin.data(USER, { id });
      if (JSON.stringify(user.teamIds) !== JSON.stringify([...expected].sort())) throw new Error(`teamIds ${JSON.stringify(user.teamIds)}`);
      return user;
    });
  }

  it('adds members and the leader, removes those no longer listed, drops an archived team; each change is an `updated` event', async () => {
    const [rina, agus, hendra] = await Promise.all(
      ['rina', 'agus', 'hendra'].map(async (name) =>
        (await admin.data(CREATE, { input: { login: `${name}@team.test`, name, role: 'USER_TEAM', password: PASSWORD } })).createUser.user),
    );
    const dealer = uuidv7();
    const direct = uuidv7();
    const created = await publishTeamEvent(env, { id: dealer, memberIds: [rina.id, agus.id], leaderId: hendra.id }, 'created');
    await publishTeamEvent(env, { id: direct, memberIds: [rina.id] }, 'created');
    expect((await teamsOf(rina.id, [dealer, direct])).version).toBe(3);
    await teamsOf(agus.id, [dealer]);
    await teamsOf(hendra.id, [dealer]);

    // The login carries the projected teams.
    const anonymous = new GraphQLClient(stack.subgraph('contacts').url, undefined, await serviceTokenHeaders());
    const session = (await anonymous.data(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`, {
      input: { email: 'agus@team.test', password: PASSWORD },
    })).login;
    expect((await verifyAccessToken(session.accessToken)).teamIds).toEqual([dealer]);

    // Agus leaves the team; Hendra stays as leader only.
    await publishTeamEvent(env, { id: dealer, memberIds: [rina.id], leaderId: hendra.id });
    await teamsOf(agus.id, []);
    await teamsOf(hendra.id, [dealer]);
    // An archived team drops out of everyone's teams.
    await publishTeamEvent(env, { id: dealer, memberIds: [rina.id], leaderId: hendra.id, active: false });
    await teamsOf(rina.id, [direct]);
    await teamsOf(hendra.id, []);

    const isAgusUpdate = (m: { key: string | null; headers: Record<string, string> }) =>
      m.key === agus.id && m.headers['ce_type'] === 'crm.contacts.user.updated.v1';
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.user`, (ms) => ms.filter(isAgusUpdate).length >= 2);
    const agusUpdates = messages.filter(isAgusUpdate).map((m) => JSON.parse(m.value!));
    expect(agusUpdates[0]).toMatchObject({ changes: { teamIds: { from: [], to: [dealer] } }, cause: { id: created, subject: dealer } });
    expect(agusUpdates[1]).toMatchObject({ changes: { teamIds: { from: [dealer], to: [] } } });
    // A user the team does not list (Rina, now only in Direct) is left alone: no new version, no event.
    const before = (await admin.data(USER, { id: rina.id })).user;
    await publishTeamEvent(env, { id: dealer, memberIds: [agus.id], leaderId: null });
    await teamsOf(agus.id, [dealer]);
    expect((await admin.data(USER, { id: rina.id })).user).toEqual(before);
  });

  it('refuses teamIds on setUserAccess and createUser, pointing at updateSalesTeam; nothing changes', async () => {
    const { id, version } = (await admin.data(CREATE, { input: { login: 'dewi@team.test', name: 'Dewi', role: 'USER_OWN' } })).createUser.user;
    const team = uuidv7();
    const set = await admin.request(SET, { input: { id, role: 'USER_TEAM', teamIds: [team] } });
    expect(set.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamIds' });
    expect(set.errors?.[0]?.message).toMatch(/updateSalesTeam/);
    expect((await admin.data(`query($id: ID!) { user(id: $id) { role teamIds version } }`, { id })).user).toEqual({ role: 'USER_OWN', teamIds: [], version });
    const create = await admin.request(CREATE, { input: { login: 'eka@team.test', name: 'Eka', teamIds: [team] } });
    expect(create.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamIds' });
    expect((await admin.data(`{ users(filter: { search: "eka@team.test" }) { totalCount } }`)).users.totalCount).toBe(0);
  });
});
