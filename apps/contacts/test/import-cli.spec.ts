import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestEnv, readTopic, type TestEnv } from '@crm/testing';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

describe('npm run import:contacts (CLI)', () => {
  let env: TestEnv;
  const dir = mkdtempSync(join(tmpdir(), 'crm-cli-'));

  beforeAll(async () => {
    env = await createTestEnv('importcli');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('imports a file into the database, writes the bad rows to a file and publishes the events', async () => {
    const file = join(dir, 'cdb.csv');
    writeFileSync(file, 'Nama,No KTP,No HP,Pekerjaan\nFENTI ZUMARNI,1771035102780004,085268550800,Karyawan Swasta\nTAWIR,123,085294233849,Ojek\n');
    const errors = join(dir, 'errors.csv');
    const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), ['apps/contacts/src/cli/import-contacts.ts', file, '--errors', errors], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: env.databaseUrl, KAFKA_BROKERS: env.brokers.join(','), KAFKA_TOPIC_PREFIX: env.topicPrefix, LOG_LEVEL: 'fatal' },
    });
    expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ rows: 2, created: 1, failed: 1, errorCount: 1 });
    expect(readFileSync(errors, 'utf8')).toBe('line,field,message\n"3","No KTP","national id must be 16 digits (got 3 character(s))"\n');

    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const { rows } = await db.query(`SELECT name, mobile, national_id, (SELECT count(*)::int FROM contacts.outbox WHERE sent_at IS NULL) AS unsent FROM contacts.contact`);
    await db.end();
    expect(rows).toEqual([{ name: 'FENTI ZUMARNI', mobile: '+6285268550800', national_id: '1771035102780004', unsent: 0 }]);
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.contacts.contact`, (ms) => ms.length >= 1);
    expect(JSON.parse(messages[0]!.value!).state).toMatchObject({ name: 'FENTI ZUMARNI', occupationName: 'Karyawan Swasta' });
  });
});
