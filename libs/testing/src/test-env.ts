import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { dropDatabase, ensureDatabase } from '@crm/db';
import { databaseUrl, kafkaBrokers } from '@crm/runtime';

export interface TestEnv {
  /** A database of this test file's own. */
  databaseUrl: string;
  /** Prefix for this test file's topics and consumer groups. */
  topicPrefix: string;
  brokers: string[];
  /** Drops the database and deletes the prefixed topics. */
  cleanup(): Promise<void>;
}

/** Isolation per test file: its own database and its own topic namespace on the shared broker. */
export async function createTestEnv(label: string, options: { brokers?: string[] } = {}): Promise<TestEnv> {
  const id = `${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(databaseUrl());
  url.pathname = `/crm_test_${id}`;
  const testUrl = url.toString();
  await ensureDatabase(testUrl);
  const topicPrefix = `test.${id}.`;
  const brokers = options.brokers ?? kafkaBrokers();
  return {
    databaseUrl: testUrl,
    topicPrefix,
    brokers,
    cleanup: async () => {
      await dropDatabase(testUrl);
      const admin = new Kafka({ clientId: 'crm-test-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
      try {
        await admin.connect();
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
      } catch {
        // Topics are namespaced; leaving some behind harms no other run.
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
