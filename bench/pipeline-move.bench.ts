import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { verifyAccessToken } from '@crm/auth';
import { pipelineModule } from '@crm/pipeline/src/module';
import { ConfigCache } from '@crm/pipeline/src/services/config-cache';
import { ContactsClient } from '@crm/pipeline/src/services/contacts-client';
import { OpportunityService } from '@crm/pipeline/src/services/opportunity-service';
import { ScoringRepository } from '@crm/pipeline/src/services/scoring-service';
import { systemClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, GraphQLClient } from '@crm/testing';
import { percentile, round, type Bench } from './harness';
import { seedPipeline } from './pipeline-fixture';

const OPPORTUNITIES = 50_000;
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 16);
const WARMUP_MS = 3_000;
const MEASURE_MS = 20_000;

const MOVE = `mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { id version } } }`;

/**
 * The load generator runs in a worker thread (its own event loop, the machine's other core),
 * as real clients would be outside the service; it speaks plain keep-alive HTTP.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { url, token, cards, openStages, workers, warmupMs, measureMs, query } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
function post(body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: 'Bearer ' + token } },
      (res) => { const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); } }); });
    req.on('error', reject);
    req.end(payload);
  });
}
let measuring = false, stop = false, moves = 0, errors = 0;
const latencies = [];
async function worker(w) {
  const mine = cards.filter((_, i) => i % workers === w);
  let i = 0;
  while (!stop) {
    const card = mine[i % mine.length];
    i += 1;
    const stage = openStages[(openStages.indexOf(card.stage_id) + 1 + (i % 4)) % openStages.length];
    const started = process.hrtime.bigint();
    const result = await post({ query, variables: { input: { id: card.id, stageId: stage } } });
    if (result.errors && result.errors.length) { errors += 1; if (errors < 5) console.error(JSON.stringify(result.errors)); continue; }
    card.stage_id = stage;
    if (measuring) { moves += 1; latencies.push(Number(process.hrtime.bigint() - started) / 1e6); }
  }
}
const running = Array.from({ length: workers }, (_, w) => worker(w));
setTimeout(() => {
  measuring = true;
  parentPort.postMessage({ phase: 'measuring' });
  setTimeout(async () => {
    measuring = false;
    stop = true;
    parentPort.postMessage({ phase: 'measured', moves, errors, latencies });
    await Promise.all(running);
    agent.destroy();
    parentPort.postMessage({ phase: 'stopped' });
  }, measureMs);
}, warmupMs);
`;

/**
 * Sustained drag-and-drop: concurrent clients move cards of a 50,000-opportunity pipeline to
 * another stage, each move one transaction with its row, stage history, scoring and outbox
 * event; the relay publishes to Kafka meanwhile.
 */
const bench: Bench = async () => {
  const env = await createTestEnv('benchmove');
  const stack = await startStack({ env, modules: [pipelineModule] });
  const db = new Client({ connectionString: env.databaseUrl });
  try {
    const token = await testToken({ role: 'admin' });
    const api = new GraphQLClient(stack.subgraph('pipeline').url, token);
    const fixture = await seedPipeline(api, env.databaseUrl, OPPORTUNITIES);
    await db.connect();
    // Open cards (not in the won stage), split between the workers so that they do not queue on each other's rows.
    const rows = (
      await db.query(`SELECT id, stage_id FROM pipeline.opportunity WHERE pipeline_id = $1 AND status = 'open' ORDER BY id`, [fixture.pipelineId])
    ).rows as { id: string; stage_id: string }[];
    const openStages = fixture.stageIds.slice(0, 5);
    const outboxBefore = Number((await db.query('SELECT count(*) FROM pipeline.outbox')).rows[0].count);

    const generator = new Worker(LOAD_GENERATOR, {
      eval: true,
      workerData: {
        url: stack.subgraph('pipeline').url,
        token,
        cards: rows,
        openStages,
        workers: WORKERS,
        warmupMs: WARMUP_MS,
        measureMs: MEASURE_MS,
        query: MOVE,
      },
    });
    type Report = { phase: string; moves?: number; errors?: number; latencies?: number[] };
    const phase = (name: string) =>
      new Promise<Report>((resolve, reject) => {
        const onMessage = (message: Report) => {
          if (message.phase !== name) return;
          generator.off('message', onMessage);
          resolve(message);
        };
        generator.on('message', onMessage);
        generator.once('error', reject);
      });
    await phase('measuring');
    const outboxAtStart = Number((await db.query('SELECT count(*) FROM pipeline.outbox')).rows[0].count);
    const load = loadavg()[0]!;
    const cpu = process.cpuUsage();
    const started = Date.now();
    const measured = await phase('measured');
    const elapsed = (Date.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpu);
    const outboxAtEnd = Number((await db.query('SELECT count(*) FROM pipeline.outbox')).rows[0].count);
    await phase('stopped');
    await generator.terminate();
    const { moves = 0, errors = 0, latencies = [] } = measured;
    // The worker moved cards: read where they are now.
    const now = (await db.query(`SELECT id, stage_id FROM pipeline.opportunity WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)])).rows as { id: string; stage_id: string }[];
    const stageOf = new Map(now.map((r) => [r.id, r.stage_id]));
    for (const row of rows) row.stage_id = stageOf.get(row.id) ?? row.stage_id;
    // The same moves without HTTP and GraphQL: what the use case and Postgres sustain.
    const service = new OpportunityService(stack.subgraph('pipeline').deps.dataSource, systemClock, new ScoringRepository(), new ContactsClient(), new ConfigCache());
    const ctx = { user: await verifyAccessToken(token), requestId: 'bench' };
    let serviceMoves = 0;
    let serviceStop = false;
    const direct = async (w: number) => {
      const mine = rows.filter((_, i) => i % WORKERS === w);
      for (let i = 0; !serviceStop; i += 1) {
        const card = mine[i % mine.length]!;
        const target = openStages[(openStages.indexOf(card.stage_id) + 1 + (i % 4)) % openStages.length]!;
        await service.move({ id: card.id, stageId: target }, ctx);
        card.stage_id = target;
        serviceMoves += 1;
      }
    };
    const serviceStarted = Date.now();
    const directRunning = Array.from({ length: WORKERS }, (_, w) => direct(w));
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS / 2));
    serviceStop = true;
    await Promise.all(directRunning);
    const servicePerSecond = serviceMoves / ((Date.now() - serviceStarted) / 1000);
    const relayStart = Date.now();
    await stack.subgraph('pipeline').relay.flush(120_000);
    const drainSeconds = (Date.now() - relayStart) / 1000;
    const unsent = Number((await db.query('SELECT count(*) FROM pipeline.outbox WHERE sent_at IS NULL')).rows[0].count);
    const perSecond = moves / elapsed;
    return {
      name: `moveOpportunity sustained (${OPPORTUNITIES} opportunities, ${WORKERS} concurrent clients, outbox included)`,
      figures: {
        opportunities: OPPORTUNITIES,
        workers: WORKERS,
        seconds: round(elapsed, 1),
        moves,
        movesPerSecond: round(perSecond, 1),
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        errors,
        nodeCpuMsPerMove: round((cpuUsed.user + cpuUsed.system) / 1000 / Math.max(1, moves)),
        machineLoadAverage1m: round(load),
        cpuCores: (await import('node:os')).cpus().length,
        outboxRowsWhileMeasuring: outboxAtEnd - outboxAtStart,
        outboxRowsTotal: outboxAtEnd - outboxBefore,
        relayDrainAfterSeconds: round(drainSeconds, 2),
        unsentAfterDrain: unsent,
        serviceMovesPerSecondWithoutHttp: round(servicePerSecond, 1),
      },
      targets: [{ description: '≥ 500 moves/s sustained, outbox included', met: perSecond >= 500 && errors === 0 }],
      notes: [
        'Each move: row lock, target stage and gates, predictive score, rank in the column, stage history, one stage_changed event in the outbox, commit.',
        'Round trips to Postgres per move: two (libs/db pipelinedTransaction): BEGIN + row lock + the target column\'s top, then the row update with its stage history + the outbox row + COMMIT; the statements are prepared once per connection.',
        'Clients call the pipeline subgraph over HTTP (GraphQL, keep-alive node:http) from a worker thread (their own event loop and core, as real clients would be); the relay publishes to Kafka concurrently.',
        `${WARMUP_MS / 1000} s warm-up, then ${MEASURE_MS / 1000} s measured.`,
        'serviceMovesPerSecondWithoutHttp: the same moves calling the use case directly (same transaction, outbox and relay), to separate HTTP/GraphQL cost from the database work.',
        'nodeCpuMsPerMove covers the subgraph, the relay and the load generator thread (one process); machineLoadAverage1m shows how busy the machine was (other test suites share it).',
      ],
    };
  } finally {
    await db.end().catch(() => undefined);
    await stack.stop();
    await env.cleanup();
  }
};

export default bench;
