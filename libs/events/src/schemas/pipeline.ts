import { auditFields, dateTime, decimal, nullableDateTime, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

const nullableDecimal: JsonSchema = { anyOf: [decimal, { type: 'null' }] };
const nullableDate: JsonSchema = { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] };

/**
 * crm.pipeline.opportunity — a lead or opportunity. The contract other subgraphs (sales,
 * activities, reporting) build on; every field below is always present once the pipeline
 * subgraph implements it, names denormalised so consumers never call back.
 */
export const opportunityState: JsonSchema = objectSchema(
  {
    ...auditFields,
    type: { enum: ['lead', 'opportunity'] },
    name: { type: 'string', minLength: 1 },
    number: nullableString,
    customerId: nullableUuid,
    contactName: nullableString,
    companyName: nullableString,
    email: nullableString,
    phone: nullableString,
    salespersonId: nullableUuid,
    teamId: nullableUuid,
    pipelineId: nullableUuid,
    stageId: nullableUuid,
    stageName: nullableString,
    priority: { type: 'integer', minimum: 0, maximum: 3 },
    expectedRevenue: decimal,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    probability: nullableDecimal,
    proratedRevenue: nullableDecimal,
    expectedClosing: nullableDate,
    tagIds: { type: 'array', items: { type: 'string' } },
    campaign: nullableString,
    medium: nullableString,
    source: nullableString,
    referredBy: nullableString,
    status: { enum: ['open', 'won', 'lost'] },
    lostReasonId: nullableUuid,
    lostReasonName: nullableString,
    lostFeedback: nullableString,
    active: { type: 'boolean' },
    dateOpened: nullableDateTime,
    dateClosed: nullableDateTime,
    dateLastStageUpdate: nullableDateTime,
    branchId: nullableString,
    /** Values of configurable fields (e.g. the dealer's follow-up dates and prospect rating). */
    properties: { type: 'object' },
  },
  ['id', 'name', 'version', 'createdAt', 'updatedAt'],
);

export const stageChangedExtra: Record<string, JsonSchema> = {
  fromStageId: nullableUuid,
  toStageId: nullableUuid,
  fromStageName: nullableString,
  toStageName: nullableString,
  /** Seconds the opportunity spent in the stage it left. */
  secondsInPreviousStage: { type: ['integer', 'null'], minimum: 0 },
  changedAt: dateTime,
};

export const teamState: JsonSchema = objectSchema(
  {
    ...auditFields,
    name: { type: 'string', minLength: 1 },
    leaderId: nullableUuid,
    memberIds: { type: 'array', items: { type: 'string' } },
    invoicingTarget: nullableDecimal,
    currency: { type: 'string' },
    useLeads: { type: 'boolean' },
    /** Confirming a sales order of this team's opportunity marks the opportunity won (sales reads it). */
    orderConfirmationMarksWon: { type: 'boolean' },
    active: { type: 'boolean' },
  },
  ['id', 'name', 'version'],
);

export const stageState: JsonSchema = objectSchema(
  {
    ...auditFields,
    name: { type: 'string', minLength: 1 },
    sequence: { type: 'integer' },
    folded: { type: 'boolean' },
    isWon: { type: 'boolean' },
    probability: decimal,
    teamId: nullableUuid,
    pipelineId: nullableUuid,
  },
  ['id', 'name', 'version'],
);
