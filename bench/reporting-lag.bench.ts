/**
 * Event → read-model lag while 1,000 events/s arrive: target p99 < 500 ms.
 * The reporting subgraph runs in-process on a database of its own; a producer puts contract
 * opportunity events (created, updated, stage_changed) on its topics at a steady 1,000/s for
 * DURATION seconds; each event's lag is the time from its CloudEvent time (when it was sent)
 * to the moment the transaction that applied it committed (the consumer's onApplied, called
 * after the commit: from then on every query sees it).
 */
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { stateEvent, toKafkaRecord, type CloudEvent } from '@crm/events';
import { ensureTopics } from '@crm/messaging';
import { reportingModule } from '@crm/reporting/src/module';
import { kafkaBrokers, uuidv7 } from '@crm/runtime';
import { startSubgraph } from '@crm/service';
import { percentile, round, type Bench } from './harness';
import { benchDatabase } from './reporting-support';

const RATE = Number(process.env['BENCH_EVENTS_PER_SECOND'] ?? 1000);
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 30);
const STAGES = Array.from({ length: 6 }, (_, i) => ({ id: `01934d6e-0000-7000-8000-0000000005${String(i).padStart(2, '0')}`, name: `Stage ${i + 1}` }));
const TEAMS = Array.from({ length: 5 }, (_, i) => `01934d6e-0000-7000-8000-0000000006${String(i).padStart(2, '0')}`);
const PEOPLE = Array.from({ length: 50 }, (_, i) => `01934d6e-0000-7000-8000-0000000007${String(i).padStart(2, '0')}`);

interface Live {
  state: Record<string, unknown> & { id: string; version: number };
  stage: number;
}

function opportunityEvent(kind: string, state: Live['state'], at: Date, extra?: Record<string, unknown>): CloudEvent {
  return stateEvent({ subgraph: 'pipeline', aggregate: 'opportunity', event: kind, state, extra, time: at });
}

const bench: Bench = async () => {
  const db = await benchDatabase('lag');
  const topicPrefix = `bench.lag.${Date.now()}.`;
  const brokers = kafkaBrokers();
  const running = await startSubgraph(reportingModule, { port: 0, databaseUrl: db.url, messaging: { brokers, topicPrefix } });
  const kafka = new Kafka({ clientId: 'bench-lag', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  const committedLags: number[] = [];
  for (const consumer of running.consumers) {
    // bench-only: observe commits (onApplied runs after the transaction of each applied event)
    (consumer as unknown as { options: { onApplied?: (e: CloudEvent) => void } }).options.onApplied = (e) =>
      committedLags.push(Date.now() - Date.parse(e.time));
  }
  try {
    await running.consumersReady();
    await ensureTopics(kafka, [`${topicPrefix}crm.pipeline.opportunity`]);
    await producer.connect();
    const live: Live[] = [];
    let sent = 0;
    const nextEvent = (at: Date): CloudEvent => {
      const roll = Math.random();
      if (live.length < 100 || roll < 0.4) {
        const created = at.toISOString();
        const stage = 0;
        const state = {
          id: uuidv7(at.getTime()),
          version: 1,
          createdAt: created,
          updatedAt: created,
          type: Math.random() < 0.3 ? 'lead' : 'opportunity',
          name: `Bench ${sent}`,
          salespersonId: PEOPLE[sent % PEOPLE.length]!,
          teamId: TEAMS[sent % TEAMS.length]!,
          branchId: `B${sent % 10}`,
          stageId: STAGES[stage]!.id,
          stageName: STAGES[stage]!.name,
          expectedRevenue: String(1000 * (1 + (sent % 500))),
          currency: 'IDR',
          probability: '10',
          status: 'open',
          active: true,
          dateLastStageUpdate: created,
          tagIds: [],
          properties: {},
        };
        live.push({ state, stage });
        return opportunityEvent('created', state, at);
      }
      const pick = live[Math.floor(Math.random() * live.length)]!;
      const changedAt = at.toISOString();
      if (roll < 0.8 || pick.stage >= STAGES.length - 1) {
        pick.state = { ...pick.state, version: pick.state.version + 1, updatedAt: changedAt, expectedRevenue: String(1000 * (1 + Math.floor(Math.random() * 500))) };
        return opportunityEvent('updated', pick.state, at, undefined);
      }
      const from = STAGES[pick.stage]!;
      pick.stage += 1;
      const to = STAGES[pick.stage]!;
      pick.state = { ...pick.state, version: pick.state.version + 1, updatedAt: changedAt, stageId: to.id, stageName: to.name, dateLastStageUpdate: changedAt };
      return opportunityEvent('stage_changed', pick.state, at, {
        fromStageId: from.id,
        toStageId: to.id,
        fromStageName: from.name,
        toStageName: to.name,
        secondsInPreviousStage: 60,
        changedAt,
      });
    };

    // Steady rate: every 10 ms, the events due by now.
    const total = RATE * DURATION;
    const started = performance.now();
    const topic = `${topicPrefix}crm.pipeline.opportunity`;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
      if (due > sent) {
        const batch: CloudEvent[] = [];
        while (sent < due) {
          batch.push(nextEvent(new Date()));
          sent += 1;
        }
        await producer.send({ topic, acks: 1, messages: batch.map(toKafkaRecord) });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sendSeconds = (performance.now() - started) / 1000;

    const ds = running.deps.dataSource;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM reporting.inbox`);
      if (n >= total || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const drainedSeconds = (performance.now() - started) / 1000;
    const startLags: number[] = (
      await ds.query(`SELECT (EXTRACT(EPOCH FROM processed_at - event_time) * 1000)::float8 AS ms FROM reporting.inbox`)
    ).map((r: { ms: number }) => r.ms);
    const lags = committedLags;
    const [{ opportunities }] = await ds.query(`SELECT count(*)::int AS opportunities FROM reporting.opportunity_rm`);
    const p99 = percentile(lags, 99);
    return {
      name: `reporting: event → read-model lag at ${RATE.toLocaleString('en')} events/s`,
      figures: {
        eventsSent: total,
        eventsApplied: lags.length,
        sendSeconds: round(sendSeconds, 1),
        achievedRate: Math.round(total / sendSeconds),
        drainedAfterSeconds: round(drainedSeconds, 1),
        opportunities,
        lagP50Ms: round(percentile(lags, 50)),
        lagP95Ms: round(percentile(lags, 95)),
        lagP99Ms: round(p99),
        lagMaxMs: round(Math.max(...lags)),
        toTransactionStartP99Ms: round(percentile(startLags, 99)),
      },
      targets: [
        { description: 'every event applied', met: lags.length === total },
        { description: 'event → read-model lag p99 < 500 ms at 1,000 events/s', met: p99 < 500 },
      ],
      notes: [
        'Mix: 40 % created, 40 % updated (new version), 20 % stage_changed, over a growing set of opportunities; 3 partitions applied in parallel, each in batches of up to 200 events per transaction (one inbox insert, the plain opportunity events set-wise, one commit); cube changes appended to a delta table, folded every 250 ms.',
        'Lag: event time (set when sent) → commit of the applying transaction; toTransactionStart is the same to the start of that transaction (inbox.processed_at).',
      ],
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await running.stop();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await db.drop();
  }
};

export default bench;
