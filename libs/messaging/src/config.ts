import { envString, kafkaBrokers } from '@crm/runtime';

export interface MessagingConfig {
  brokers: string[];
  clientId: string;
  /** Prepended to every logical topic and consumer group; empty in production, unique per test run. */
  topicPrefix: string;
}

export function messagingConfigFromEnv(clientId: string): MessagingConfig {
  return { brokers: kafkaBrokers(), clientId, topicPrefix: envString('KAFKA_TOPIC_PREFIX', '') };
}

export function physicalTopic(config: Pick<MessagingConfig, 'topicPrefix'>, logical: string): string {
  return `${config.topicPrefix}${logical}`;
}

export function logicalTopic(config: Pick<MessagingConfig, 'topicPrefix'>, physical: string): string {
  return config.topicPrefix && physical.startsWith(config.topicPrefix) ? physical.slice(config.topicPrefix.length) : physical;
}
