/**
 * Import 100,000 contacts from CSV through `importContacts(input: { path })` on the real
 * Postgres and Kafka, events included (every row's `created` event in the outbox, then
 * published to Kafka by the relay), and compare with a plain Postgres COPY of the same file
 * into an unindexed table, measured in the same run. Target (issue 3): < 30 s.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { contactsModule } from '@crm/contacts/src/module';
import { startSubgraph } from '@crm/service';
import { GraphQLClient, createTestEnv, testToken } from '@crm/testing';
import { round, type Bench } from './harness';

const ROWS = Number(process.env['BENCH_CONTACT_ROWS'] ?? 100_000);
const TARGET_SECONDS = 30;
const OCCUPATIONS = ['Pegawai Negeri', 'Karyawan Swasta', 'Ojek', 'Wiraswasta/Pedagang', 'Mahasiswa/Pelajar', 'Guru/Dosen', 'TNI/Polri'];
const BRANCHES = ['SAM01', 'MAN01', 'BEN01', 'SUM01', 'A-BAN08'];
const COLUMNS = ['name', 'ktp', 'mobile', 'email', 'pekerjaan', 'tags', 'branch', 'street', 'city', 'zip'];

/** A valid, unique NIK for row i: province 32, regency 04, district 07, a real birth date, serial. */
function nik(i: number): string {
  const serial = (i % 9999) + 1;
  const day = (Math.floor(i / 9999) % 28) + 1 + (i % 2 ? 40 : 0);
  const month = (Math.floor(i / (9999 * 28)) % 12) + 1;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `320407${pad(day, 2)}${pad(month, 2)}${pad(60 + (i % 40), 2)}${pad(serial, 4)}`;
}

function generateCsv(path: string): void {
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < ROWS; i += 1) {
    lines.push(
      [
        `"CUSTOMER ${i}, ${['BUDI', 'SITI', 'AGUS', 'DEWI'][i % 4]}"`,
        nik(i),
        `0812${String(10_000_000 + i)}`,
        `customer${i}@example.co.id`,
        OCCUPATIONS[i % OCCUPATIONS.length],
        i % 3 === 0 ? 'KPB;VIP' : 'KPB',
        BRANCHES[i % BRANCHES.length],
        `"Jl. Cipto Mangunkusumo No. ${i % 500}"`,
        'Samarinda',
        '75123',
      ].join(','),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function topicMessageCount(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

const bench: Bench = async () => {
  const importDir = mkdtempSync(join(tmpdir(), 'crm-bench-import-'));
  process.env['CONTACTS_IMPORT_DIR'] = importDir;
  const file = join(importDir, 'contacts.csv');
  generateCsv(file);
  const env = await createTestEnv('benchimport');
  const subgraph = await startSubgraph(contactsModule, {
    port: 0,
    databaseUrl: env.databaseUrl,
    messaging: { brokers: env.brokers, topicPrefix: env.topicPrefix },
  });
  const db = new Client({ connectionString: env.databaseUrl });
  await db.connect();
  try {
    const api = new GraphQLClient(subgraph.url, await testToken({ role: 'admin' }));
    for (const id of BRANCHES) {
      await api.data(`mutation($id: ID!, $name: String!) { createBranch(input: { id: $id, name: $name, countryCode: "ID", timeZone: "Asia/Makassar" }) { branch { id } } }`, { id, name: id });
    }
    for (const name of ['KPB', 'VIP']) await api.data(`mutation($name: String!) { createTag(input: { name: $name }) { tag { id } } }`, { name });
    await subgraph.relay.flush();
    const outboxBefore = Number((await db.query('SELECT count(*) AS n FROM contacts.outbox')).rows[0].n);

    // The import, through the API, as an administrator would run it.
    const loadBefore = loadavg()[0]!;
    const started = process.hrtime.bigint();
    const result = await api.data(`mutation { importContacts(input: { path: "contacts.csv" }) { rows created updated unchanged failed } }`);
    const importSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // …until the relay has published every event to Kafka.
    for (;;) {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM contacts.outbox WHERE sent_at IS NULL');
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const withEventsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const loadAfter = loadavg()[0]!;
    const events = Number((await db.query('SELECT count(*) AS n FROM contacts.outbox')).rows[0].n) - outboxBefore;
    const onTopic = await topicMessageCount(env.brokers, `${env.topicPrefix}crm.contacts.contact`);

    // The same file again: every row matches by national id and nothing changes.
    const again = process.hrtime.bigint();
    const rerun = await api.data(`mutation { importContacts(input: { path: "contacts.csv" }) { created updated unchanged failed } }`);
    const rerunSeconds = Number(process.hrtime.bigint() - again) / 1e9;

    // A plain COPY of the same rows into an unindexed table, same database, same run.
    await db.query(`CREATE TABLE public.bench_copy (${COLUMNS.map((c) => `${c} text`).join(', ')})`);
    const copyStarted = process.hrtime.bigint();
    await pipeline(createReadStream(file), db.query(copyFrom(`COPY public.bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    const copied = Number((await db.query('SELECT count(*) AS n FROM public.bench_copy')).rows[0].n);

    const imported = result.importContacts;
    return {
      name: `contacts: import ${ROWS.toLocaleString('en')} contacts from CSV, with events`,
      figures: {
        rows: ROWS,
        fileMegabytes: round(statSync(file).size / 1e6, 1),
        created: imported.created,
        failed: imported.failed,
        importSeconds: round(importSeconds),
        importWithEventsPublishedSeconds: round(withEventsSeconds),
        rowsPerSecond: Math.round(ROWS / withEventsSeconds),
        eventsInOutbox: events,
        messagesOnTopic: onTopic,
        rerunSeconds: round(rerunSeconds),
        rerunUnchanged: rerun.importContacts.unchanged,
        rerunCreatedOrUpdated: rerun.importContacts.created + rerun.importContacts.updated,
        copySeconds: round(copySeconds, 3),
        copiedRows: copied,
        ratioToCopy: round(withEventsSeconds / copySeconds, 1),
        cores: cpus().length,
        loadAverageBefore: round(loadBefore, 1),
        loadAverageAfterImport: round(loadAfter, 1),
      },
      targets: [
        { description: `import ${ROWS.toLocaleString('en')} contacts with events in < ${TARGET_SECONDS} s`, met: withEventsSeconds < TARGET_SECONDS && imported.created === ROWS },
        { description: 'one created event per row, all published', met: events === ROWS && onTopic >= ROWS },
        { description: 'second run changes nothing', met: rerun.importContacts.unchanged === ROWS },
      ],
      notes: [
        'Import: `importContacts(input: { path })` over HTTP to the contacts subgraph; every row validated (KTP, E.164 phone, e-mail, occupation, tags, branch), a customer code drawn per branch, rows + tags + outbox events written in one transaction per 2,000 rows.',
        'importWithEventsPublishedSeconds runs until the outbox relay has published every event to Kafka.',
        'COPY: the same CSV into an unindexed table of text columns (pg-copy-streams), no validation, no events.',
        'The machine is shared: the 1-minute load average before and after the import says how busy it was (other test suites, Kafka, Postgres).',
      ],
    };
  } finally {
    await db.end();
    await subgraph.stop();
    await env.cleanup();
    rmSync(importDir, { recursive: true, force: true });
    delete process.env['CONTACTS_IMPORT_DIR'];
  }
};

export default bench;
