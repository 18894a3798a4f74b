import type { DataSource } from 'typeorm';
import type { Kafka, Producer } from 'kafkajs';
import { backgroundQuery, backgroundTransaction } from '@crm/db';
import type { Logger } from '@crm/runtime';
import { createIdempotentProducer } from './kafka';
import { physicalTopic, type MessagingConfig } from './config';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  kafka: Kafka;
  config: MessagingConfig;
  logger: Logger;
  batchSize?: number;
  /** Polling for rows other processes wrote (this process's commits wake the relay at once), ms. */
  pollIntervalMs?: number;
  /** Sent rows older than this are deleted (ms). */
  retentionMs?: number;
}

/** drainBatch's answer when another relay is publishing this schema's outbox. */
const LOCKED = -1;

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
}

/**
 * Publishes outbox rows in commit order with an idempotent producer and marks them sent.
 * One relay per schema publishes at a time (a transaction-scoped advisory lock), so
 * several replicas never reorder one aggregate's events. While Kafka is down rows stay
 * unsent and are published when it is back.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failures = 0;
  private lastCleanup = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  /** Published rows since start; for metrics and tests. */
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.retentionMs = options.retentionMs ?? 24 * 3600 * 1000;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.kick();
  }

  /**
   * Publishes everything unsent now; resolves when the outbox is empty, rejects when
   * Kafka refuses or another replica holds the relay lock past the timeout.
   */
  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.running;
      const sent = await this.drainBatch();
      if (sent === 0) return;
      if (sent === LOCKED) {
        if (Date.now() > deadline) throw new Error('outbox flush timed out: another relay holds the lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = undefined;
    await this.running;
    try {
      await this.flush();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox flush at shutdown failed; rows stay for the next start');
    }
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /** Pending (unsent) rows. */
  async pending(): Promise<number> {
    const rows = await backgroundQuery(
      this.options.dataSource,
      `SELECT count(*)::int AS n FROM "${this.options.schema}".outbox WHERE sent_at IS NULL`,
    );
    return rows[0].n as number;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped) {
        const sent = await this.drainBatch();
        this.failures = 0;
        if (sent === LOCKED) {
          // Another replica is publishing; what we were woken for may be after its batch.
          this.retrySoon();
          break;
        }
        if (sent < this.batchSize) break;
      }
      await this.cleanup();
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn({ err: error, failures: this.failures }, 'outbox relay could not publish; will retry');
      // After repeated failures start over with a fresh producer (sequence numbers reset).
      if (this.failures >= 3) await this.resetProducer();
    }
  }

  private retryTimer: NodeJS.Timeout | undefined;

  private retrySoon(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, 50);
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = createIdempotentProducer(this.options.kafka);
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    this.failures = 0;
    await old?.disconnect().catch(() => undefined);
  }

  private async drainBatch(): Promise<number> {
    const { dataSource, schema, config } = this.options;
    return backgroundTransaction(dataSource, async (manager) => {
      const [lock] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [`crm-outbox:${schema}`]);
      if (!lock.ok) return LOCKED;
      // Claim the batch in one statement; if publishing fails the transaction rolls back and
      // the rows are unsent again.
      const rows: OutboxRow[] = await manager.query(
        `WITH claimed AS (
           UPDATE "${schema}".outbox SET sent_at = now()
           WHERE seq IN (SELECT seq FROM "${schema}".outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1)
           RETURNING seq, topic, message_key, headers, payload)
         SELECT * FROM claimed ORDER BY seq`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const row of rows) {
        const topic = physicalTopic(config, row.topic);
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ key: row.message_key, value: row.payload, headers: row.headers });
      }
      const producer = await this.getProducer();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.published += rows.length;
      return rows.length;
    });
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    await backgroundQuery(
      this.options.dataSource,
      `DELETE FROM "${this.options.schema}".outbox WHERE sent_at < now() - ($1::text || ' milliseconds')::interval`,
      [String(this.retentionMs)],
    );
  }

}
