/**
 * Well-formed events of the contracts reporting consumes (libs/events/src/schemas), for the
 * subgraphs whose publishers are not on this branch yet, and a producer that puts them on a
 * test's topics as real Kafka messages (binary CloudEvents, key = subject).
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { stateEvent, toKafkaRecord, topicOfType, validateEvent, type CloudEvent } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import type { TestEnv } from '@crm/testing';

type State = Record<string, unknown> & { id: string };

export function opportunityState(overrides: Partial<Record<string, unknown>> & { name?: string } = {}): State {
  const createdAt = (overrides['createdAt'] as string | undefined) ?? '2026-03-02T03:00:00.000Z';
  return {
    id: uuidv7(),
    version: 1,
    createdAt,
    updatedAt: createdAt,
    createdBy: null,
    updatedBy: null,
    type: 'opportunity',
    name: 'Deal',
    number: null,
    customerId: null,
    contactName: null,
    companyName: null,
    email: null,
    phone: null,
    salespersonId: null,
    teamId: null,
    pipelineId: null,
    stageId: null,
    stageName: null,
    priority: 0,
    expectedRevenue: '0',
    currency: 'IDR',
    probability: '10',
    proratedRevenue: null,
    expectedClosing: null,
    tagIds: [],
    campaign: null,
    medium: null,
    source: null,
    referredBy: null,
    status: 'open',
    lostReasonId: null,
    lostReasonName: null,
    lostFeedback: null,
    active: true,
    dateOpened: createdAt,
    dateClosed: null,
    dateLastStageUpdate: createdAt,
    branchId: null,
    properties: {},
    ...overrides,
  } as State;
}

/** The next version of a state: `changes` applied, version + 1, updatedAt = at. */
export function next(state: State, changes: Record<string, unknown>, at: string): State {
  return { ...state, ...changes, version: (state['version'] as number) + 1, updatedAt: at };
}

export function event(subgraph: string, aggregate: string, kind: string, state: State, time: string, extra?: Record<string, unknown>): CloudEvent {
  const e = stateEvent({ subgraph, aggregate, event: kind, state, extra, time: new Date(time) });
  validateEvent(e);
  return e;
}

export const opportunityEvent = (kind: string, state: State, extra?: Record<string, unknown>, time?: string) =>
  event('pipeline', 'opportunity', kind, state, time ?? (state['updatedAt'] as string), extra);

/** A stage change from `from` to `to` (stage states), `seconds` spent in `from`. */
export function stageChanged(state: State, from: State | null, to: State, at: string, seconds: number | null): [State, CloudEvent] {
  const moved = next(state, { stageId: to.id, stageName: to['name'], dateLastStageUpdate: at, probability: to['probability'] }, at);
  return [
    moved,
    opportunityEvent('stage_changed', moved, {
      fromStageId: from?.id ?? null,
      toStageId: to.id,
      fromStageName: from ? from['name'] : null,
      toStageName: to['name'],
      secondsInPreviousStage: seconds,
      changedAt: at,
    }),
  ];
}

export function stageState(name: string, sequence: number, extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    name,
    sequence,
    folded: false,
    isWon: false,
    probability: '10',
    teamId: null,
    pipelineId: null,
    ...extra,
  };
}

export function teamState(name: string, extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    name,
    leaderId: null,
    memberIds: [],
    invoicingTarget: null,
    currency: 'IDR',
    useLeads: true,
    active: true,
    ...extra,
  };
}

export function userState(name: string, extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    login: name.toLowerCase().replace(/\s+/g, '.'),
    name,
    contactId: null,
    role: 'user_own',
    branchIds: [],
    teamIds: [],
    timeZone: 'Asia/Jakarta',
    active: true,
    ...extra,
  };
}

export function branchState(id: string, name: string): State {
  return { id, name, countryCode: 'ID', timeZone: 'Asia/Jakarta', workshopOpensAt: '08:00', workshopClosesAt: '16:00', active: true, version: 1 };
}

export function activityState(extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    createdBy: null,
    updatedBy: null,
    typeId: '01934d6e-0000-7000-8000-00000000c411',
    typeName: 'Call',
    category: 'PHONE_CALL',
    resourceType: 'Opportunity',
    resourceId: uuidv7(),
    summary: null,
    note: null,
    dueDate: '2026-03-05',
    assigneeId: null,
    status: 'open',
    doneAt: null,
    doneById: null,
    feedback: null,
    ruleId: null,
    branchId: null,
    ...extra,
  };
}

export function quotationState(extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    number: `S${Math.floor(Math.random() * 1e5)}`,
    customerId: uuidv7(),
    invoiceAddressId: null,
    deliveryAddressId: null,
    opportunityId: null,
    salespersonId: null,
    teamId: null,
    branchId: null,
    quotationDate: '2026-03-01',
    validityDate: null,
    orderDate: null,
    currency: 'IDR',
    lines: [],
    amountUntaxed: '0',
    amountTax: '0',
    amountTotal: '0',
    state: 'draft',
    ...extra,
  };
}

export function bookingState(extra: Record<string, unknown> = {}): State {
  return {
    id: uuidv7(),
    version: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    number: `BOS-W/MAN01/2603/${Math.floor(Math.random() * 1e5)}`,
    bookingDate: '2026-03-10',
    serviceHour: 9,
    serviceMinute: 30,
    branchId: 'MAN01',
    opportunityId: null,
    customerId: uuidv7(),
    mobile: null,
    engineNumber: null,
    serviceType: 'KPB2',
    visitReason: 'Telp Reminder',
    complaint: null,
    carrierRelation: 'Sendiri',
    pit: null,
    mechanic: null,
    serviceAdvisor: null,
    state: 'draft',
    workOrderNumber: null,
    ...extra,
  };
}

/** Publishes events on a test env's topics (one send per topic, in the given order). */
export class EventPublisher {
  private producer: Producer | undefined;
  constructor(private readonly env: Pick<TestEnv, 'brokers' | 'topicPrefix'>) {}

  async publish(...events: CloudEvent[]): Promise<void> {
    if (!this.producer) {
      this.producer = new Kafka({ clientId: 'reporting-test', brokers: this.env.brokers, logLevel: logLevel.NOTHING }).producer();
      await this.producer.connect();
    }
    for (const e of events) {
      await this.producer.send({ topic: `${this.env.topicPrefix}${topicOfType(e.type)}`, acks: -1, messages: [toKafkaRecord(e)] });
    }
  }

  /** Sends raw messages (poison, malformed) to a logical topic. */
  async raw(topic: string, messages: { key: string; value: string; headers?: Record<string, string> }[]): Promise<void> {
    await this.publish();
    await this.producer!.send({ topic: `${this.env.topicPrefix}${topic}`, acks: -1, messages });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}

export { uuidv7 };
