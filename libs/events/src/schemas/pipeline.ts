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
    // Added by the pipeline subgraph (additive):
    teamName: nullableString,
    pipelineName: nullableString,
    tagNames: { type: 'array', items: { type: 'string' } },
    countryCode: nullableString,
    /** The automated value (stage default refined by predictive lead scoring) beside `probability`. */
    automatedProbability: nullableDecimal,
    /** True while a probability typed by a user overrides the automated one. */
    probabilityManual: { type: 'boolean' },
    description: nullableString,
    dateConversion: nullableDateTime,
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
    // Added by the pipeline subgraph (additive):
    emailAlias: nullableString,
    sequence: { type: 'integer' },
    isDefault: { type: 'boolean' },
    /** Fields predictive lead scoring uses for this team. */
    scoringFields: { type: 'array', items: { type: 'string' } },
  },
  ['id', 'name', 'version'],
);

/** crm.pipeline.pipeline — one of a team's pipelines (e.g. by deal type), with its custom fields. */
export const pipelineState: JsonSchema = objectSchema(
  {
    ...auditFields,
    teamId: { type: 'string', format: 'uuid' },
    name: { type: 'string', minLength: 1 },
    sequence: { type: 'integer' },
    /** Whether the stages shared by all teams (and the team's own) appear in this pipeline. */
    sharedStages: { type: 'boolean' },
    isDefault: { type: 'boolean' },
    active: { type: 'boolean' },
    templateKey: nullableString,
    propertyDefinitions: { type: 'array', items: { type: 'object' } },
    /** Added (additive): a lead's required fields and values set by themselves (leadRequiredFields, autoValues). */
    rules: { type: 'object' },
  },
  ['id', 'teamId', 'name', 'version'],
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
    // Added by the pipeline subgraph (additive):
    requirements: nullableString,
    /** Stage gates: required / editable / locked fields and computed defaults. */
    gates: { type: 'object' },
  },
  ['id', 'name', 'version'],
);

/** crm.pipeline.currency_rate — the value of one unit of a currency in the reference currency, from a date on. */
export const currencyRateState: JsonSchema = {
  type: 'object',
  properties: {
    /** The currency code: rates are keyed by currency. */
    id: { type: 'string', pattern: '^[A-Z]{3}$' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    rate: decimal,
    validFrom: { type: 'string', format: 'date' },
  },
  required: ['id', 'currency', 'rate', 'validFrom'],
  additionalProperties: true,
};
