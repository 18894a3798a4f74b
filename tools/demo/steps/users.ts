import type { DemoStep } from '../step';

/** The demo administrator (created by `npm run users:create-admin`, see tools/scripts/start.sh). */
export const DEMO_ADMIN_EMAIL = process.env['CRM_DEMO_ADMIN_EMAIL'] || 'admin@crm.demo';
/** Every demo login shares this password. */
export const DEMO_PASSWORD = process.env['CRM_DEMO_PASSWORD'] || 'demo-password-2026';

/**
 * One user per access group, head office and two dealer branches of seed 002 (SAM01 Samarinda,
 * MAN01 Manado). Keys go to ctx.ids as `user.<key>` for the later steps (salespeople).
 * Teams are assigned by the pipeline step once its teams exist (members and leader of each sales team).
 */
export const DEMO_USERS = [
  { key: 'manager', login: 'manager@crm.demo', name: 'Hendra Gunawan', role: 'USER_ALL', branchIds: [], timeZone: 'Asia/Jakarta', note: 'sales manager, head office: all documents, every branch' },
  { key: 'sam01.head', login: 'sam01.head@crm.demo', name: 'Rina Wijaya', role: 'USER_ALL', branchIds: ['SAM01'], timeZone: 'Asia/Makassar', note: 'kepala cabang Samarinda: all documents of SAM01' },
  { key: 'sam01.team', login: 'sam01.team@crm.demo', name: 'Agus Salim', role: 'USER_TEAM', branchIds: ['SAM01'], timeZone: 'Asia/Makassar', note: 'team lead Samarinda: their teams’ documents' },
  { key: 'sam01.sales', login: 'sam01.sales@crm.demo', name: 'Budi Santoso', role: 'USER_OWN', branchIds: ['SAM01'], timeZone: 'Asia/Makassar', note: 'salesperson Samarinda: own documents' },
  { key: 'man01.head', login: 'man01.head@crm.demo', name: 'Maria Lumenta', role: 'USER_ALL', branchIds: ['MAN01'], timeZone: 'Asia/Makassar', note: 'kepala cabang Manado: all documents of MAN01' },
  { key: 'man01.sales', login: 'man01.sales@crm.demo', name: 'Johan Rumengan', role: 'USER_OWN', branchIds: ['MAN01'], timeZone: 'Asia/Makassar', note: 'salesperson Manado: own documents' },
  { key: 'finance', login: 'finance@crm.demo', name: 'Siti Aminah', role: 'NONE', branchIds: [], timeZone: 'Asia/Jakarta', note: 'finance, no CRM access' },
] as const;

export const usersStep: DemoStep = {
  name: 'users',
  async run({ api, ids }) {
    const me = await api.data(`{ me { id } }`);
    ids['user.admin'] = me.me.id;
    for (const user of DEMO_USERS) {
      const found = await api.data(`query($s: String!) { users(first: 1, filter: { search: $s }) { edges { node { id login } } } }`, { s: user.login });
      const existing = found.users.edges.find((e: { node: { login: string } }) => e.node.login === user.login);
      if (existing) {
        ids[`user.${user.key}`] = existing.node.id;
        continue;
      }
      const created = await api.data(
        `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
        {
          input: {
            login: user.login,
            name: user.name,
            password: DEMO_PASSWORD,
            role: user.role,
            branchIds: user.branchIds,
            timeZone: user.timeZone,
          },
        },
      );
      ids[`user.${user.key}`] = created.createUser.user.id;
    }
  },
};
