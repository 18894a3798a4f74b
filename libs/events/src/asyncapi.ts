import { EVENT_CATALOG } from './catalog';

/** The AsyncAPI 3 document of every topic and event type (written to asyncapi.json). */
export function buildAsyncApi(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const def of EVENT_CATALOG) {
    const messageId = def.type.replace(/\./g, '_');
    messages[messageId] = {
      name: def.type,
      title: def.type,
      summary: def.description,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: {
          ce_specversion: { const: '1.0' },
          ce_type: { const: def.type },
          ce_source: { const: `/crm/${def.subgraph}` },
          ce_id: { type: 'string' },
          ce_subject: { type: 'string', description: 'aggregate id, also the message key' },
          ce_time: { type: 'string', format: 'date-time' },
        },
      },
      payload: def.schema,
    };
    const channel = (channels[def.topic] ??= { address: def.topic, messages: {} }) as {
      messages: Record<string, unknown>;
    };
    channel.messages[messageId] = { $ref: `#/components/messages/${messageId}` };
    operations[`publish_${messageId}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${def.topic.replace(/\//g, '~1')}` },
      messages: [{ $ref: `#/channels/${def.topic}/messages/${messageId}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CRM events',
      version: '1.0.0',
      description:
        'CloudEvents 1.0 in Kafka binary mode: ce_* headers, JSON body, message key = aggregate id. One topic per aggregate.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
