import { uuidv7 } from '@crm/runtime';

/** A CloudEvents 1.0 event with a JSON body. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  traceparent?: string;
  data: T;
}

/** The body convention: the aggregate's full new state plus what changed. */
export interface StateEventData<S = Record<string, unknown>> {
  state: S;
  changes?: Record<string, { from: unknown; to: unknown }>;
  [extra: string]: unknown;
}

export interface NewEventInput<T> {
  subgraph: string;
  aggregate: string;
  event: string;
  version?: number;
  subject: string;
  data: T;
  time?: Date;
  traceparent?: string;
}

export function eventType(subgraph: string, aggregate: string, event: string, version = 1): string {
  return `crm.${subgraph}.${aggregate}.${event}.v${version}`;
}

export function newEvent<T>(input: NewEventInput<T>): CloudEvent<T> {
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: uuidv7(),
    source: `/crm/${input.subgraph}`,
    type: eventType(input.subgraph, input.aggregate, input.event, input.version ?? 1),
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
  };
  if (input.traceparent) event.traceparent = input.traceparent;
  return event;
}

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Kafka binary content mode: attributes as `ce_*` headers, data as the JSON value, key = subject. */
export function toKafkaRecord(event: CloudEvent): KafkaRecord {
  const headers: Record<string, string> = {
    ce_specversion: event.specversion,
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
    ce_subject: event.subject,
    ce_time: event.time,
    'content-type': event.datacontenttype,
  };
  if (event.traceparent) headers['ce_traceparent'] = event.traceparent;
  return { key: event.subject, value: JSON.stringify(event.data), headers };
}

export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

function header(headers: Record<string, HeaderValue> | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/** Reads a binary-mode CloudEvent back from a Kafka message; throws MalformedEventError. */
export function fromKafkaMessage(message: {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}): CloudEvent {
  const required = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time'] as const;
  const values: Record<string, string> = {};
  for (const name of required) {
    const value = header(message.headers, name);
    if (!value) throw new MalformedEventError(`missing header ${name}`);
    values[name] = value;
  }
  if (values['ce_specversion'] !== '1.0') throw new MalformedEventError(`unsupported specversion ${values['ce_specversion']}`);
  if (message.value === null) throw new MalformedEventError('empty message value');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString());
  } catch {
    throw new MalformedEventError('message value is not JSON');
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id: values['ce_id']!,
    source: values['ce_source']!,
    type: values['ce_type']!,
    subject: values['ce_subject']!,
    time: values['ce_time']!,
    datacontenttype: 'application/json',
    data,
  };
  const traceparent = header(message.headers, 'ce_traceparent');
  if (traceparent) event.traceparent = traceparent;
  return event;
}

export interface StateEventInput {
  subgraph: string;
  aggregate: string;
  event: string;
  version?: number;
  /** The aggregate's full new state; its `id` is the event subject and message key. */
  state: { id: string } & Record<string, unknown>;
  changes?: Record<string, { from: unknown; to: unknown }>;
  /** Event-specific members beside `state` (e.g. `fromStageId`). */
  extra?: Record<string, unknown>;
  time: Date;
  traceparent?: string;
}

/** An event following the body convention `{ state, changes?, ...extra }`. */
export function stateEvent(input: StateEventInput): CloudEvent<StateEventData> {
  const data: StateEventData = { ...input.extra, state: input.state };
  if (input.changes) data.changes = input.changes;
  return newEvent({
    subgraph: input.subgraph,
    aggregate: input.aggregate,
    event: input.event,
    version: input.version,
    subject: input.state.id,
    data,
    time: input.time,
    traceparent: input.traceparent,
  });
}
