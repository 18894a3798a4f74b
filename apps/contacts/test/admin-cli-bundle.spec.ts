import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestEnv, type TestEnv } from '@crm/testing';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'dist/apps/contacts/cli/users-create-admin.js');

/** The first-administrator CLI as a container runs it: bundled by tools/scripts/build.mjs, plain node, no tsx. */
describe('users:create-admin, bundled (dist/apps/contacts/cli/users-create-admin.js)', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv('admincli');
    await run(process.execPath, [join(ROOT, 'tools/scripts/build.mjs'), '--bundle-only', 'apps/contacts'], { cwd: ROOT });
  }, 60_000);

  afterAll(async () => {
    await env?.cleanup();
  });

  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    run(process.execPath, [BUNDLE, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: env.databaseUrl, ...extraEnv } }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('creates the administrator (password from CRM_ADMIN_PASSWORD, slow hash), leaves them alone with --if-missing, refuses a short password', async () => {
    expect(await cli(['--email', 'Root@Dealer.example', '--name', 'Root Admin'], { CRM_ADMIN_PASSWORD: 'correct horse battery staple' })).toEqual({
      code: 0,
      out: expect.stringContaining('administrator Root@Dealer.example created'),
    });
    expect(await cli(['--email', 'root@dealer.example', '--if-missing'], { CRM_ADMIN_PASSWORD: 'another long password' })).toEqual({
      code: 0,
      out: expect.stringContaining('exists already'),
    });
    expect(await cli(['--email', 'second@dealer.example', '--password', 'short'])).toEqual({ code: 1, out: expect.stringContaining('at least 10 characters (password)') });
    expect((await cli([])).code).toBe(2);

    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT login, name, role, branch_ids, active, password_hash FROM contacts.user_account ORDER BY login`);
      expect(rows).toEqual([
        { login: 'root@dealer.example', name: 'Root Admin', role: 'admin', branch_ids: [], active: true, password_hash: expect.stringMatching(/^scrypt\$32768\$8\$3\$/) },
      ]);
    } finally {
      await db.end();
    }
  });
});
