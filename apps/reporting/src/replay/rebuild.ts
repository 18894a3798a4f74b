import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Kafka } from 'kafkajs';
import { dlqTopicOf, fromKafkaMessage, validateEvent, type CloudEvent } from '@crm/events';
import { createKafka, ensureTopics, physicalTopic, type MessagingConfig } from '@crm/messaging';
import type { Logger } from '@crm/runtime';
import { ALL_HANDLERS, ALL_TOPICS, BATCH_SIZE, batchProjector, sourceOf } from '../projections';
import { compactCube } from '../projections/cube';
import { CUBE_TIME_ZONE_SETTING, READ_MODEL_TABLES, REBUILD_LOCK_KEY, projectionTarget, type ProjectionTarget } from '../projections/target';

export interface RebuildOptions {
  /** A DataSource on the database of the live read models (schema `reporting`, migrated). */
  dataSource: DataSource;
  messaging: MessagingConfig;
  logger: Logger;
  defaultCurrency: string;
  /** Month buckets of the rebuilt cube (becomes the cube's time zone at the swap). */
  cubeTimeZone: string;
  /** Events applied per transaction while replaying. */
  batchSize?: number;
  /** Called once the replay caught up the first time, before the swap (tests produce events there). */
  beforeSwap?: () => Promise<void>;
}

export interface RebuildReport {
  shadowSchema: string;
  applied: number;
  skipped: number;
  invalid: number;
  failed: number;
  tables: number;
  millis: number;
}

type Offsets = Map<string, bigint>;

const key = (topic: string, partition: number) => `${topic}#${partition}`;

/**
 * Drops and rebuilds the read models from the topics, with the service running:
 *
 * 1. a shadow schema gets empty copies of the read-model tables (and an inbox);
 * 2. a fresh consumer group reads every topic from the beginning into it, through the same
 *    projections, until it reaches the end offsets taken at the start;
 * 3. it takes the rebuild lock exclusively — live event transactions take it shared before
 *    anything else, so they stop (holding no table locks) — reads on to the end offsets of
 *    that moment, and in one transaction swaps the shadow tables in for the live ones and
 *    adds the shadow inbox to the live inbox;
 * 4. it lets go of the lock: the live consumers go on from their offsets; the events the
 *    replay already applied are in the inbox, so they are duplicates and change nothing.
 *
 * Reporting's configuration (currency rates, follow-up keys, export requests) is kept.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  const { dataSource, messaging, logger } = options;
  const shadow = `reporting_rebuild_${Date.now().toString(36)}`;
  const kafka: Kafka = createKafka({ ...messaging, clientId: `${messaging.clientId}-rebuild` }, logger);
  const topics = ALL_TOPICS.map((t) => physicalTopic(messaging, t));
  await ensureTopics(kafka, [...topics, ...topics.map(dlqTopicOf)]);
  await createShadow(dataSource, shadow, options.cubeTimeZone);
  const target = projectionTarget(shadow, options.defaultCurrency, options.cubeTimeZone);
  const stats = { applied: 0, skipped: 0, invalid: 0, failed: 0 };
  const processed: Offsets = new Map();
  const groupId = physicalTopic(messaging, `crm.reporting.rebuild.${shadow}`);
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3000, maxWaitTimeInMs: 100 });
  let lockRunner: QueryRunner | undefined;
  try {
    let goal = await endOffsets(kafka, topics);
    let reached: () => void = () => undefined;
    let waiting = new Promise<void>((resolve) => (reached = resolve));
    const check = () => {
      if (caughtUp(goal, processed)) reached();
    };
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const chunk = options.batchSize ?? BATCH_SIZE;
        for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += chunk) {
          const messages = batch.messages.slice(i, i + chunk);
          const events = parse(messages, stats);
          try {
            await dataSource.transaction((manager) => applyBatch(manager, shadow, target, batch.topic, batch.partition, events, messaging, stats));
          } catch (error) {
            logger.warn({ err: error }, 'rebuild: batch failed; applying its events one by one');
            await dataSource.transaction(async (manager) => {
              for (const e of events) await applyOne(manager, shadow, target, batch.topic, batch.partition, e, messaging, stats, logger);
            });
          }
          const last = messages[messages.length - 1]!;
          resolveOffset(last.offset);
          processed.set(key(batch.topic, batch.partition), BigInt(last.offset) + 1n);
          await heartbeat();
          check();
        }
      },
    });
    check();
    await waiting;
    logger.info({ shadow, ...stats }, 'rebuild: caught up with the topics; swapping');
    await options.beforeSwap?.();

    // Stop the live projections at their first statement, then read on to the end of the topics.
    lockRunner = dataSource.createQueryRunner();
    await lockRunner.connect();
    await lockRunner.query('SELECT pg_advisory_lock($1)', [REBUILD_LOCK_KEY]);
    goal = await endOffsets(kafka, topics);
    waiting = new Promise<void>((resolve) => (reached = resolve));
    check();
    await waiting;
    await consumer.stop();
    await swap(lockRunner, shadow);
    logger.info({ shadow, ...stats, millis: Date.now() - started }, 'rebuild: read models swapped in');
    return { shadowSchema: shadow, ...stats, tables: READ_MODEL_TABLES.length, millis: Date.now() - started };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    if (lockRunner) {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK_KEY]).catch(() => undefined);
      await lockRunner.release();
    }
    await dataSource.query(`DROP SCHEMA IF EXISTS "${shadow}" CASCADE`).catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}

async function createShadow(dataSource: DataSource, shadow: string, cubeTimeZone: string): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(`CREATE SCHEMA "${shadow}"`);
    for (const table of [...READ_MODEL_TABLES, 'inbox', 'settings']) {
      await manager.query(`CREATE TABLE "${shadow}".${table} (LIKE reporting.${table} INCLUDING ALL)`);
    }
    await manager.query(`INSERT INTO "${shadow}".settings (key, value) VALUES ($1, $2)`, [CUBE_TIME_ZONE_SETTING, cubeTimeZone]);
  });
}

/** Per partition: the offset after the last message (0 when empty). */
async function endOffsets(kafka: Kafka, topics: string[]): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const goal: Offsets = new Map();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) goal.set(key(topic, p.partition), BigInt(p.high));
      }
    }
    return goal;
  } finally {
    await admin.disconnect();
  }
}

function caughtUp(goal: Offsets, processed: Offsets): boolean {
  for (const [k, high] of goal) if ((processed.get(k) ?? 0n) < high) return false;
  return true;
}

interface Parsed {
  event: CloudEvent;
  offset: string;
}

/** The messages that are valid events of a type reporting applies (the others were dead-lettered live, or are not reporting's). */
function parse(messages: { offset: string; key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown> }[], stats: Stats): Parsed[] {
  const parsed: Parsed[] = [];
  for (const message of messages) {
    let event: CloudEvent;
    try {
      event = fromKafkaMessage(message as Parameters<typeof fromKafkaMessage>[0]);
      validateEvent(event);
    } catch {
      stats.invalid += 1;
      continue;
    }
    if (!ALL_HANDLERS[event.type]) {
      stats.skipped += 1;
      continue;
    }
    parsed.push({ event, offset: message.offset });
  }
  return parsed;
}

type Stats = { applied: number; skipped: number; invalid: number; failed: number };

const logicalOf = (messaging: MessagingConfig, topic: string) =>
  messaging.topicPrefix && topic.startsWith(messaging.topicPrefix) ? topic.slice(messaging.topicPrefix.length) : topic;

/** As the live consumer's batch: the chunk's inbox rows, then the same batch projector with the new events. */
async function applyBatch(
  manager: EntityManager,
  shadow: string,
  target: ProjectionTarget,
  topic: string,
  partition: number,
  events: Parsed[],
  messaging: MessagingConfig,
  stats: Stats,
): Promise<void> {
  if (events.length === 0) return;
  const inserted: { event_id: string }[] = await manager.query(
    `INSERT INTO "${shadow}".inbox (event_id, event_type, topic, partition, "offset", event_time)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::timestamptz[])
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [
      events.map((e) => e.event.id),
      events.map((e) => e.event.type),
      events.map(() => logicalOf(messaging, topic)),
      events.map(() => partition),
      events.map((e) => e.offset),
      events.map((e) => e.event.time),
    ],
  );
  const fresh = new Set(inserted.map((r) => r.event_id));
  const seen = new Set<string>();
  const apply = events.filter((e) => fresh.has(e.event.id) && !seen.has(e.event.id) && seen.add(e.event.id)).map((e) => e.event);
  // One source per topic: the batch projector of the first event's source covers them all.
  const source = apply.length ? sourceOf(apply[0]!.type) : undefined;
  if (source) await batchProjector(source, target)(apply, manager);
  stats.applied += apply.length;
}

/** One event in its own savepoint: a failing one is skipped (the live consumer dead-lettered it). */
async function applyOne(
  manager: EntityManager,
  shadow: string,
  target: ProjectionTarget,
  topic: string,
  partition: number,
  parsed: Parsed,
  messaging: MessagingConfig,
  stats: Stats,
  logger: Logger,
): Promise<void> {
  const { event } = parsed;
  await manager.query('SAVEPOINT replay_event');
  try {
    const inserted = await manager.query(
      `INSERT INTO "${shadow}".inbox (event_id, event_type, topic, partition, "offset", event_time)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.id, event.type, logicalOf(messaging, topic), partition, parsed.offset, event.time],
    );
    if (inserted.length > 0) {
      await ALL_HANDLERS[event.type]!(event, manager, target);
      stats.applied += 1;
    }
    await manager.query('RELEASE SAVEPOINT replay_event');
  } catch (error) {
    await manager.query('ROLLBACK TO SAVEPOINT replay_event');
    stats.failed += 1;
    logger.warn({ err: error, type: event.type, id: event.id }, 'rebuild: event failed; skipped');
  }
}

/** One transaction: the shadow tables replace the live ones; the inboxes merge; the cube's time zone follows. */
async function swap(runner: QueryRunner, shadow: string): Promise<void> {
  await runner.startTransaction();
  try {
    await compactCube(runner.manager, shadow, { wait: true });
    for (const table of READ_MODEL_TABLES) {
      await runner.query(`DROP TABLE reporting.${table}`);
      await runner.query(`ALTER TABLE "${shadow}".${table} SET SCHEMA reporting`);
    }
    await runner.query(`INSERT INTO reporting.inbox SELECT * FROM "${shadow}".inbox ON CONFLICT (event_id) DO NOTHING`);
    await runner.query(
      `INSERT INTO reporting.settings (key, value) SELECT key, value FROM "${shadow}".settings ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    );
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}
