import { Kafka, logLevel, type Producer } from 'kafkajs';
import { stateEvent, toKafkaRecord, topicOfType, validateEvent, type CloudEvent } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import type { TestEnv } from '@crm/testing';

/**
 * Publishes other subgraphs' events onto the test's topics as real Kafka messages (CloudEvents
 * binary mode, exactly as their outbox relays do), each checked against its JSON Schema first.
 */
export class EventPublisher {
  private producer: Producer | undefined;
  constructor(private readonly env: TestEnv) {}

  async publish(...events: CloudEvent[]): Promise<void> {
    if (!this.producer) {
      this.producer = new Kafka({ clientId: 'activities-test', brokers: this.env.brokers, logLevel: logLevel.NOTHING }).producer();
      await this.producer.connect();
    }
    for (const event of events) {
      validateEvent(event);
      await this.producer.send({ topic: `${this.env.topicPrefix}${topicOfType(event.type)}`, messages: [toKafkaRecord(event)] });
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

const audit = (version: number, at: Date, by: string | null = null) => ({
  version,
  createdAt: at.toISOString(),
  updatedAt: at.toISOString(),
  createdBy: by,
  updatedBy: by,
});

export function userEvent(
  event: 'created' | 'updated',
  u: { id: string; name: string; timeZone: string; role?: string; branchIds?: string[]; teamIds?: string[]; active?: boolean; version?: number },
  at = new Date(),
): CloudEvent {
  return stateEvent({
    subgraph: 'contacts',
    aggregate: 'user',
    event,
    time: at,
    state: {
      id: u.id,
      ...audit(u.version ?? 1, at),
      login: u.name.toLowerCase().replace(/\W+/g, '.'),
      name: u.name,
      contactId: null,
      role: u.role ?? 'user_own',
      branchIds: u.branchIds ?? [],
      teamIds: u.teamIds ?? [],
      timeZone: u.timeZone,
      active: u.active ?? true,
    },
  });
}

export function branchEvent(b: { id: string; name: string; timeZone: string }, at = new Date()): CloudEvent {
  return stateEvent({
    subgraph: 'contacts',
    aggregate: 'branch',
    event: 'created',
    time: at,
    // As the contacts subgraph publishes it (apps/contacts/src/services/branch-service.ts branchState).
    state: {
      id: b.id,
      ...audit(1, at),
      name: b.name,
      countryCode: 'ID',
      timeZone: b.timeZone,
      workshopOpensAt: '08:00',
      workshopClosesAt: '16:00',
      defaultPhoneCountry: 'ID',
      customerCodePrefix: 'BPA',
      active: true,
    },
  });
}

export function contactEvent(
  event: 'created' | 'updated' | 'archived' | 'merged',
  c: { id: string; name: string; email?: string | null; salespersonId?: string | null; branchId?: string | null; version?: number; active?: boolean },
  options: { at?: Date; changes?: Record<string, { from: unknown; to: unknown }>; extra?: Record<string, unknown> } = {},
): CloudEvent {
  const at = options.at ?? new Date();
  return stateEvent({
    subgraph: 'contacts',
    aggregate: 'contact',
    event,
    time: at,
    changes: options.changes,
    extra: options.extra,
    state: {
      id: c.id,
      ...audit(c.version ?? 1, at),
      kind: 'person',
      name: c.name,
      email: c.email ?? null,
      salespersonId: c.salespersonId ?? null,
      branchId: c.branchId ?? null,
      tagIds: [],
      active: c.active ?? true,
    },
  });
}

export interface OpportunityFields {
  id: string;
  name: string;
  version?: number;
  customerId?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  stageId?: string | null;
  stageName?: string | null;
  expectedRevenue?: string;
  probability?: string | null;
  expectedClosing?: string | null;
  status?: 'open' | 'won' | 'lost';
  active?: boolean;
  branchId?: string | null;
  properties?: Record<string, unknown>;
  updatedBy?: string | null;
}

/**
 * A crm.pipeline.opportunity event with the full state the real pipeline publishes
 * (apps/pipeline/src/domain/opportunity.ts opportunityEventState): decimals as strings with
 * two places, names beside ids, properties as the dealer template keys them.
 */
export function opportunityEvent(
  event: string,
  o: OpportunityFields,
  options: { at?: Date; changes?: Record<string, { from: unknown; to: unknown }>; extra?: Record<string, unknown> } = {},
): CloudEvent {
  const at = options.at ?? new Date();
  const probability = o.probability ?? (o.status === 'won' ? '100.00' : o.status === 'lost' ? '0.00' : '10.00');
  return stateEvent({
    subgraph: 'pipeline',
    aggregate: 'opportunity',
    event,
    time: at,
    changes: options.changes,
    extra: options.extra,
    state: {
      id: o.id,
      ...audit(o.version ?? 1, at, o.updatedBy ?? null),
      type: 'opportunity',
      name: o.name,
      number: null,
      customerId: o.customerId ?? null,
      contactName: null,
      companyName: null,
      email: null,
      phone: null,
      countryCode: null,
      salespersonId: o.salespersonId ?? null,
      teamId: o.teamId ?? null,
      teamName: null,
      pipelineId: null,
      pipelineName: null,
      stageId: o.stageId ?? null,
      stageName: o.stageName ?? null,
      priority: 0,
      expectedRevenue: o.expectedRevenue ?? '0.00',
      currency: 'IDR',
      probability,
      automatedProbability: probability,
      probabilityManual: false,
      proratedRevenue: '0.00',
      expectedClosing: o.expectedClosing ?? null,
      tagIds: [],
      tagNames: [],
      description: null,
      campaign: null,
      medium: null,
      source: null,
      referredBy: null,
      status: o.status ?? 'open',
      lostReasonId: null,
      lostReasonName: null,
      lostFeedback: null,
      active: o.active ?? true,
      dateOpened: at.toISOString(),
      dateClosed: null,
      dateLastStageUpdate: at.toISOString(),
      dateConversion: at.toISOString(),
      branchId: o.branchId ?? null,
      properties: o.properties ?? {},
    },
  });
}

export interface BookingFields {
  id: string;
  number: string;
  bookingDate: string;
  branchId: string;
  customerId: string;
  opportunityId?: string | null;
  state: 'draft' | 'posted' | 'cancelled' | 'work_order_created';
  version: number;
  workOrderNumber?: string | null;
}

/** A crm.sales.booking event with the contract's full state (libs/events/src/schemas/sales.ts). */
export function bookingEvent(event: string, b: BookingFields, options: { at?: Date; changes?: Record<string, { from: unknown; to: unknown }> } = {}): CloudEvent {
  const at = options.at ?? new Date();
  return stateEvent({
    subgraph: 'sales',
    aggregate: 'booking',
    event,
    time: at,
    changes: options.changes,
    state: {
      id: b.id,
      ...audit(b.version, at),
      number: b.number,
      bookingDate: b.bookingDate,
      serviceHour: 9,
      serviceMinute: 0,
      branchId: b.branchId,
      opportunityId: b.opportunityId ?? null,
      customerId: b.customerId,
      mobile: '08164667716',
      engineNumber: 'JFK1E1108328',
      serviceType: 'KPB1',
      visitReason: 'Phone reminder',
      complaint: null,
      carrierRelation: 'Owner',
      pit: null,
      mechanic: null,
      serviceAdvisor: null,
      state: b.state,
      workOrderNumber: b.workOrderNumber ?? null,
    },
  });
}

/** A crm.sales.quotation event with the contract's full state. */
export function quotationEvent(
  event: string,
  q: {
    id: string;
    number: string;
    customerId: string;
    opportunityId?: string | null;
    state: 'draft' | 'sent' | 'sale' | 'cancelled';
    version: number;
    amountTotal?: string;
    salespersonId?: string | null;
    validityDate?: string | null;
  },
  options: { at?: Date; changes?: Record<string, { from: unknown; to: unknown }> } = {},
): CloudEvent {
  const at = options.at ?? new Date();
  const total = q.amountTotal ?? '111000000.00';
  return stateEvent({
    subgraph: 'sales',
    aggregate: 'quotation',
    event,
    time: at,
    changes: options.changes,
    state: {
      id: q.id,
      ...audit(q.version, at),
      number: q.number,
      customerId: q.customerId,
      invoiceAddressId: null,
      deliveryAddressId: null,
      opportunityId: q.opportunityId ?? null,
      salespersonId: q.salespersonId ?? null,
      teamId: null,
      branchId: null,
      quotationDate: at.toISOString().slice(0, 10),
      validityDate: q.validityDate ?? null,
      orderDate: null,
      currency: 'IDR',
      lines: [{ id: uuidv7(), productId: null, description: 'Office Chair', quantity: '200', unitPrice: '500000', discount: '0', taxIds: [], subtotal: '100000000' }],
      amountUntaxed: '100000000.00',
      amountTax: '11000000.00',
      amountTotal: total,
      state: q.state,
    },
  });
}
