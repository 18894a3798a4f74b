import type { DataSource, EntityManager } from 'typeorm';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { dlqTopicOf, fromKafkaMessage, validateEvent, type CloudEvent } from '@crm/events';
import { backgroundTransaction } from '@crm/db';
import type { Logger } from '@crm/runtime';
import { createIdempotentProducer } from './kafka';
import { logicalTopic, physicalTopic, type MessagingConfig } from './config';

/** Applies one event inside the inbox transaction; throw to retry, and finally dead-letter. */
export type EventHandler = (event: CloudEvent, manager: EntityManager, meta: EventMeta) => Promise<void>;

/**
 * Applies several events (new ones only: the consumer has recorded them in the inbox) in one
 * transaction, in their partition order. Throwing rolls the whole batch back; the consumer then
 * applies its events one by one with the per-event handlers (retries, dead-lettering).
 */
export type BatchEventHandler = (events: { event: CloudEvent; meta: EventMeta }[], manager: EntityManager) => Promise<void>;

export interface EventMeta {
  topic: string;
  partition: number;
  offset: string;
}

export interface EventConsumerOptions {
  name: string;
  dataSource: DataSource;
  schema: string;
  kafka: Kafka;
  config: MessagingConfig;
  logger: Logger;
  /** Logical topics to follow. */
  topics: string[];
  /** Handlers by event type; events of other types are acknowledged and skipped. */
  handlers: Record<string, EventHandler>;
  /** Attempts before a message goes to `<topic>.dlq`. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Partitions applied in parallel (order per partition, hence per key, holds); default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Batch mode: up to `maxEvents` messages of a partition in one transaction (one inbox insert,
   * one commit) through `handle`. Per-event `handlers` still choose the types and are the
   * fallback when a batch fails.
   */
  batch?: { maxEvents: number; handle: BatchEventHandler };
  /** Runs first in each event's transaction, before the inbox insert (e.g. to take a lock). */
  beforeApply?: (manager: EntityManager) => Promise<void>;
  /**
   * false: no inbox row — for handlers idempotent by themselves (an upsert to the newest value),
   * e.g. a second consumer in a schema following events another consumer of the schema records
   * in the inbox (the inbox is keyed by event id: the second would see every event as seen).
   * Not with `batch`. Default true.
   */
  inbox?: boolean;
  /** Called after each applied event, outside the transaction (e.g. freshness metrics). */
  onApplied?: (event: CloudEvent) => void;
}

/**
 * An idempotent consumer: each event's id is inserted into the schema's `inbox` table in the
 * same transaction as its effect, so a redelivered event changes nothing. A message that is
 * malformed, breaks its schema, or keeps failing goes to the dead-letter topic and the
 * consumer moves on.
 */
export class EventConsumer {
  private consumer: Consumer | undefined;
  private dlqProducer: Producer | undefined;
  private joined!: Promise<void>;
  readonly groupId: string;
  /** Counters for metrics and tests. */
  readonly stats = { applied: 0, duplicates: 0, skipped: 0, deadLettered: 0 };

  constructor(private readonly options: EventConsumerOptions) {
    this.groupId = physicalTopic(options.config, `crm.${options.name}`);
  }

  async start(): Promise<void> {
    const { kafka, config, topics } = this.options;
    const consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: true,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    this.joined = new Promise((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    this.dlqProducer = createIdempotentProducer(kafka);
    await this.dlqProducer.connect();
    await consumer.connect();
    // A topic created a moment ago may not be in every broker's metadata yet
    // (UNKNOWN_TOPIC_OR_PARTITION, retriable): try again shortly instead of failing the start.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await consumer.subscribe({ topics: topics.map((t) => physicalTopic(config, t)), fromBeginning: true });
        break;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    const batch = this.options.batch;
    if (batch) {
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.handleBatch(payload, batch),
      });
      return;
    }
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => this.handle(payload),
    });
  }

  /** Resolves once the consumer has joined its group and been given partitions. */
  ready(): Promise<void> {
    return this.joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.dlqProducer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.dlqProducer = undefined;
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const meta: EventMeta = { topic: logicalTopic(this.options.config, topic), partition, offset: message.offset };
    let event: CloudEvent;
    try {
      event = fromKafkaMessage(message);
      validateEvent(event);
    } catch (error) {
      await this.deadLetter(topic, partition, message, error);
      return;
    }
    const handler = this.options.handlers[event.type];
    if (!handler) {
      this.stats.skipped += 1;
      return;
    }
    await this.applyWithRetries(topic, partition, message, event, handler, meta);
  }

  private async handleBatch(
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
    mode: { maxEvents: number; handle: BatchEventHandler },
  ): Promise<void> {
    const topic = logicalTopic(this.options.config, batch.topic);
    for (let start = 0; start < batch.messages.length; start += mode.maxEvents) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + mode.maxEvents);
      const chunk: { event: CloudEvent; meta: EventMeta }[] = [];
      for (const message of messages) {
        const meta: EventMeta = { topic, partition: batch.partition, offset: message.offset };
        let event: CloudEvent;
        try {
          event = fromKafkaMessage(message);
          validateEvent(event);
        } catch (error) {
          await this.deadLetter(batch.topic, batch.partition, message, error);
          continue;
        }
        if (this.options.handlers[event.type]) chunk.push({ event, meta });
        else this.stats.skipped += 1;
      }
      if (chunk.length > 0) {
        let applied: { event: CloudEvent; meta: EventMeta }[] | undefined;
        try {
          applied = await this.applyBatch(chunk, mode.handle);
        } catch (error) {
          this.options.logger.warn({ err: error, topic, partition: batch.partition, events: chunk.length }, 'batch failed; applying its events one by one');
        }
        if (applied) {
          this.stats.applied += applied.length;
          this.stats.duplicates += chunk.length - applied.length;
          for (const { event } of applied) this.options.onApplied?.(event);
        } else {
          for (const { event, meta } of chunk) {
            const message = messages.find((m) => m.offset === meta.offset)!;
            await this.applyWithRetries(batch.topic, batch.partition, message, event, this.options.handlers[event.type]!, meta);
          }
        }
      }
      resolveOffset(messages[messages.length - 1]!.offset);
      await heartbeat();
    }
  }

  /** One transaction: the inbox rows of the chunk, then the batch handler with the new events. */
  private async applyBatch(chunk: { event: CloudEvent; meta: EventMeta }[], handle: BatchEventHandler) {
    const { dataSource, schema } = this.options;
    return backgroundTransaction(dataSource, async (manager) => {
      await this.options.beforeApply?.(manager);
      const inserted: { event_id: string }[] = await manager.query(
        `INSERT INTO "${schema}".inbox (event_id, event_type, topic, partition, "offset", event_time)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::timestamptz[])
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [
          chunk.map((c) => c.event.id),
          chunk.map((c) => c.event.type),
          chunk.map((c) => c.meta.topic),
          chunk.map((c) => c.meta.partition),
          chunk.map((c) => c.meta.offset),
          chunk.map((c) => c.event.time),
        ],
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      // An event delivered twice within one chunk is applied once.
      const seen = new Set<string>();
      const events = chunk.filter((c) => fresh.has(c.event.id) && !seen.has(c.event.id) && seen.add(c.event.id));
      if (events.length > 0) await handle(events, manager);
      return events;
    });
  }

  private async applyWithRetries(topic: string, partition: number, message: KafkaMessage, event: CloudEvent, handler: EventHandler, meta: EventMeta): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const applied = await this.apply(event, handler, meta);
        if (applied) {
          this.stats.applied += 1;
          this.options.onApplied?.(event);
        } else {
          this.stats.duplicates += 1;
        }
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          await this.deadLetter(topic, partition, message, error);
          return;
        }
        this.options.logger.warn({ err: error, type: event.type, id: event.id, attempt }, 'event handler failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 200) * attempt));
      }
    }
  }

  private async apply(event: CloudEvent, handler: EventHandler, meta: EventMeta): Promise<boolean> {
    const { dataSource, schema } = this.options;
    return backgroundTransaction(dataSource, async (manager) => {
      await this.options.beforeApply?.(manager);
      if (this.options.inbox === false) {
        await handler(event, manager, meta);
        return true;
      }
      const inserted = await manager.query(
        `INSERT INTO "${schema}".inbox (event_id, event_type, topic, partition, "offset", event_time)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [event.id, event.type, meta.topic, meta.partition, meta.offset, event.time],
      );
      if (inserted.length === 0) return false;
      await handler(event, manager, meta);
      return true;
    });
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.options.logger.error({ topic, partition, offset: message.offset, reason }, 'event dead-lettered');
    const headers: Record<string, string | Buffer> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value[0]!.toString() : value;
    }
    headers['dlq_reason'] = reason;
    headers['dlq_source_topic'] = topic;
    headers['dlq_source_partition'] = String(partition);
    headers['dlq_source_offset'] = message.offset;
    headers['dlq_consumer_group'] = this.groupId;
    // If this send fails the handler throws and kafkajs redelivers: nothing is lost.
    await this.dlqProducer!.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.stats.deadLettered += 1;
  }
}
