import { Kafka, logLevel, type Producer } from 'kafkajs';
import { stateEvent, toKafkaRecord, validateEvent, type CloudEvent } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import type { TestEnv } from '@crm/testing';

/**
 * Publishes other subgraphs' events (pipeline, contacts) onto the test's topics with a real
 * Kafka producer, exactly as their outbox relays would: the contract (JSON Schema) is checked
 * first. Stands in for subgraphs that are not part of the stack under test.
 */
export class ContractPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly env: TestEnv,
  ) {}

  static async connect(env: TestEnv): Promise<ContractPublisher> {
    const producer = new Kafka({ clientId: 'sales-test-publisher', brokers: env.brokers, logLevel: logLevel.NOTHING }).producer({
      allowAutoTopicCreation: true,
    });
    await producer.connect();
    return new ContractPublisher(producer, env);
  }

  async publish(event: CloudEvent): Promise<void> {
    validateEvent(event);
    const topic = `${this.env.topicPrefix}${event.type.split('.').slice(0, 3).join('.')}`;
    await this.producer.send({ topic, acks: -1, messages: [toKafkaRecord(event)] });
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}

const audit = (version: number, at = new Date()) => ({
  version,
  createdAt: at.toISOString(),
  updatedAt: at.toISOString(),
  createdBy: null,
  updatedBy: null,
});

/**
 * A full crm.pipeline.opportunity state as the real pipeline publishes it
 * (apps/pipeline/src/domain/opportunity.ts opportunityEventState): decimals with two places,
 * names beside ids, the branch, the number and the dealer template's properties (engineNumber …).
 */
export function opportunity(overrides: Record<string, unknown> & { id: string; version: number }): { id: string } & Record<string, unknown> {
  return {
    ...audit(overrides.version),
    type: 'opportunity',
    name: '200 Office Chairs',
    number: null,
    customerId: null,
    contactName: 'Pepper Potts',
    companyName: 'PT Avengers Initiative',
    email: null,
    phone: null,
    countryCode: null,
    salespersonId: null,
    teamId: null,
    teamName: null,
    pipelineId: null,
    pipelineName: null,
    stageId: null,
    stageName: 'Proposition',
    priority: 3,
    expectedRevenue: '100000000.00',
    currency: 'IDR',
    probability: '90.00',
    automatedProbability: '60.00',
    probabilityManual: true,
    proratedRevenue: '90000000.00',
    expectedClosing: null,
    tagIds: [],
    tagNames: [],
    description: null,
    campaign: null,
    medium: null,
    source: null,
    referredBy: null,
    status: 'open',
    lostReasonId: null,
    lostReasonName: null,
    lostFeedback: null,
    active: true,
    dateOpened: null,
    dateClosed: null,
    dateLastStageUpdate: null,
    dateConversion: null,
    branchId: null,
    properties: {},
    ...overrides,
  };
}

export function opportunityEvent(event: string, state: { id: string } & Record<string, unknown>, extra?: Record<string, unknown>): CloudEvent {
  return stateEvent({ subgraph: 'pipeline', aggregate: 'opportunity', event, state, extra, time: new Date() });
}

export function teamEvent(event: 'created' | 'updated', state: { id: string; version: number; name: string } & Record<string, unknown>): CloudEvent {
  return stateEvent({
    subgraph: 'pipeline',
    aggregate: 'team',
    event,
    // As the pipeline publishes it (apps/pipeline/src/repositories/config-rows.ts teamEventState).
    state: {
      ...audit(state.version),
      leaderId: null,
      memberIds: [],
      emailAlias: null,
      invoicingTarget: null,
      currency: 'IDR',
      useLeads: true,
      orderConfirmationMarksWon: false,
      scoringFields: [],
      sequence: 10,
      isDefault: false,
      active: true,
      ...state,
    },
    time: new Date(),
  });
}

export function contactEvent(
  state: { id: string; name: string } & Record<string, unknown>,
  version = 1,
  event: 'created' | 'updated' | 'archived' | 'restored' | 'merged' = version === 1 ? 'created' : 'updated',
  extra?: Record<string, unknown>,
): CloudEvent {
  return stateEvent({
    subgraph: 'contacts',
    aggregate: 'contact',
    event,
    state: { ...audit(version), kind: 'company', parentId: null, addressType: null, email: null, active: true, tagIds: [], ...state },
    extra,
    time: new Date(),
  });
}

export function branchEvent(state: { id: string; name: string; timeZone: string } & Record<string, unknown>, version = 1): CloudEvent {
  return stateEvent({
    subgraph: 'contacts',
    aggregate: 'branch',
    event: version === 1 ? 'created' : 'updated',
    // As the contacts subgraph publishes it (apps/contacts/src/services/branch-service.ts branchState).
    state: {
      ...audit(version),
      countryCode: 'ID',
      workshopOpensAt: null,
      workshopClosesAt: null,
      defaultPhoneCountry: 'ID',
      customerCodePrefix: 'BPA',
      active: true,
      ...state,
    },
    time: new Date(),
  });
}

export const newId = () => uuidv7();
