import type { DataSource, EntityManager } from 'typeorm';
import type { Consumer, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { dlqTopicOf, fromKafkaMessage, validateEvent, type CloudEvent } from '@crm/events';
import type { Logger } from '@crm/runtime';
import { createIdempotentProducer } from './kafka';
import { logicalTopic, physicalTopic, type MessagingConfig } from './config';

/** Applies one event inside the inbox transaction; throw to retry, and finally dead-letter. */
export type EventHandler = (event: CloudEvent, manager: EntityManager, meta: EventMeta) => Promise<void>;

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
  /** Runs first in each event's transaction, before the inbox insert (e.g. to take a lock). */
  beforeApply?: (manager: EntityManager) => Promise<void>;
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
    await consumer.subscribe({ topics: topics.map((t) => physicalTopic(config, t)), fromBeginning: true });
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
    return dataSource.transaction(async (manager) => {
      await this.options.beforeApply?.(manager);
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
