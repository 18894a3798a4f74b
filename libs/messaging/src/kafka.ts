import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import type { Logger } from '@crm/runtime';
import type { MessagingConfig } from './config';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export function createKafka(config: MessagingConfig, logger?: Logger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
    logLevel: logLevel.NOTHING,
    logCreator: logger
      ? () =>
          ({ level, log }) => {
            if (level <= logLevel.ERROR) logger.warn({ kafka: log.message, namespace: log.message }, 'kafkajs');
          }
      : undefined,
  });
}

/** Idempotent producer: acks from all in-sync replicas, one request in flight, so order per key holds. */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 2 },
  });
}

/** Creates the topics that do not exist yet (3 partitions, replication 1 on the single-node broker). */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  if (topics.length === 0) return;
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** True when the broker answers a metadata request within the timeout. */
export async function pingKafka(kafka: Kafka, timeoutMs = 3000): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
