import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestEnv, readTopic, type TestEnv } from '@crm/testing';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/** A day `days` from today in Jakarta (the CLI runs on the real clock). */
function day(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + days * 86_400_000));
}

describe('npm run import:service-history (CLI)', () => {
  let env: TestEnv;
  const dir = mkdtempSync(join(tmpdir(), 'crm-history-cli-'));
  const cli = (args: string[]) =>
    run(join(ROOT, 'node_modules/.bin/tsx'), ['apps/pipeline/src/cli/import-service-history.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: env.databaseUrl, KAFKA_BROKERS: env.brokers.join(','), KAFKA_TOPIC_PREFIX: env.topicPrefix, LOG_LEVEL: 'fatal' },
    });

  beforeAll(async () => {
    env = await createTestEnv('historycli');
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  it('generates the leads due into the database, writes the bad rows to a file, publishes the events, and is idempotent', async () => {
    const file = join(dir, 'history.csv');
    writeFileSync(file, [
      'Kind,Branch,Name,Engine No,Date Last Service',
      `SERVICE,IND01,URYANINGSIH,JFK1E1108328,${day(-70)}`,
      `SERVICE,IND01,TAWIR,JM81E1000002,${day(-20)}`,
      `SERVICE,IND01,DAYAT,JM81E1000003,yesterday`,
    ].join('\n') + '\n');
    // A first run against the empty database creates the schema (migrations) and names the unknown pipeline.
    await expect(cli([file, '--pipeline', '00000000-0000-7000-8000-000000000000'])).rejects.toMatchObject({ stderr: expect.stringContaining('not found') });
    const db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const [{ id: pipelineId }] = (await db.query('SELECT id FROM pipeline.pipeline LIMIT 1')).rows;
      await expect(cli([file, '--pipeline', pipelineId])).rejects.toMatchObject({ stderr: expect.stringContaining('has no lead-generation rules') });
      // Head office configures the rules (as updatePipeline would) and the branch is known from contacts' events.
      await db.query(`UPDATE pipeline.pipeline SET rules = rules || $2::jsonb WHERE id = $1`, [
        pipelineId,
        JSON.stringify({ leadGeneration: { timeZone: 'Asia/Jakarta', createAs: 'lead', sales: null, service: { minDaysSince: 60, maxDaysSince: 90, properties: {} } } }),
      ]);
      await db.query('UPDATE pipeline.team SET use_leads = true'); // createAs lead needs a team that uses leads
      await db.query(`INSERT INTO pipeline.branch_copy (id, version, name, time_zone, active) VALUES ('IND01', 1, 'INDRAMAYU', 'Asia/Jakarta', true)`);

      const errors = join(dir, 'errors.csv');
      const { stdout } = await cli([file, '--pipeline', pipelineId, '--errors', errors]);
      expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ rows: 3, created: 1, notDue: 1, failed: 1, errorCount: 1 });
      expect(readFileSync(errors, 'utf8')).toBe('line,field,code,message\n"4","Date Last Service","BAD_USER_INPUT","""yesterday"" is not a date YYYY-MM-DD"\n');
      const { rows } = await db.query(`SELECT type, name, contact_name, branch_id, stage_id, (SELECT count(*)::int FROM pipeline.outbox WHERE sent_at IS NULL) AS unsent FROM pipeline.opportunity`);
      expect(rows).toEqual([{ type: 'lead', name: 'Service reminder – URYANINGSIH', contact_name: 'URYANINGSIH', branch_id: 'IND01', stage_id: null, unsent: 0 }]);
      const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.pipeline.opportunity`, (ms) => ms.length >= 1);
      expect(JSON.parse(messages[0]!.value!).state).toMatchObject({ name: 'Service reminder – URYANINGSIH', branchId: 'IND01' });

      const again = await cli([file, '--pipeline', pipelineId, '--errors', errors]);
      expect(JSON.parse(again.stdout.trim().split('\n')[0]!)).toMatchObject({ created: 0, alreadyGenerated: 1 });
      expect((await db.query('SELECT count(*)::int AS n FROM pipeline.opportunity')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.end();
    }
  });
});
