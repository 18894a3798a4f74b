import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `until` is satisfied
 * (or the timeout passes, then it throws with what it saw).
 */
export async function readTopic(
  brokers: string[],
  topic: string,
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const kafka = new Kafka({ clientId: 'crm-test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `crm-test-reader-${randomBytes(6).toString('hex')}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic}; saw ${messages.length} message(s)`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ topic: t, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined) headers[name] = (Array.isArray(value) ? value[0] : value)!.toString();
          }
          messages.push({
            topic: t,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers,
          });
          if (until(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
