import type { OpportunityStatus, OpportunityType } from './lifecycle';
import type { PropertyValues } from './properties';

/** A lead or opportunity as the services handle it (decimals as strings, dates YYYY-MM-DD). */
export interface Opportunity {
  id: string;
  type: OpportunityType;
  number: string | null;
  name: string;
  customerId: string | null;
  contactName: string | null;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  countryCode: string | null;
  salespersonId: string | null;
  teamId: string;
  pipelineId: string;
  stageId: string | null;
  priority: number;
  expectedRevenue: string;
  currency: string;
  probability: string;
  automatedProbability: string;
  probabilityManual: boolean;
  proratedRevenue: string;
  expectedClosing: string | null;
  tagIds: string[];
  description: string | null;
  campaign: string | null;
  medium: string | null;
  source: string | null;
  referredBy: string | null;
  status: OpportunityStatus;
  lostReasonId: string | null;
  lostFeedback: string | null;
  active: boolean;
  dateOpened: Date | null;
  dateClosed: Date | null;
  dateLastStageUpdate: Date | null;
  dateConversion: Date | null;
  branchId: string | null;
  properties: PropertyValues;
  /** Position inside its kanban column (bigint as a string). */
  rank: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

/** Names the event state carries beside the ids, so consumers never call back. */
export interface DenormalisedNames {
  stageName: string | null;
  lostReasonName: string | null;
  teamName: string | null;
  pipelineName: string | null;
  tagNames: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The opportunity's full state as its events carry it (crm.pipeline.opportunity contract). */
export function opportunityEventState(o: Opportunity, names: DenormalisedNames): { id: string } & Record<string, unknown> {
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    number: o.number,
    customerId: o.customerId,
    contactName: o.contactName,
    companyName: o.companyName,
    email: o.email,
    phone: o.phone,
    countryCode: o.countryCode,
    salespersonId: o.salespersonId,
    teamId: o.teamId,
    teamName: names.teamName,
    pipelineId: o.pipelineId,
    pipelineName: names.pipelineName,
    stageId: o.stageId,
    stageName: names.stageName,
    priority: o.priority,
    expectedRevenue: o.expectedRevenue,
    currency: o.currency,
    probability: o.probability,
    automatedProbability: o.automatedProbability,
    probabilityManual: o.probabilityManual,
    proratedRevenue: o.proratedRevenue,
    expectedClosing: o.expectedClosing,
    tagIds: [...o.tagIds],
    tagNames: [...names.tagNames],
    description: o.description,
    campaign: o.campaign,
    medium: o.medium,
    source: o.source,
    referredBy: o.referredBy,
    status: o.status,
    lostReasonId: o.lostReasonId,
    lostReasonName: names.lostReasonName,
    lostFeedback: o.lostFeedback,
    active: o.active,
    dateOpened: iso(o.dateOpened),
    dateClosed: iso(o.dateClosed),
    dateLastStageUpdate: iso(o.dateLastStageUpdate),
    dateConversion: iso(o.dateConversion),
    branchId: o.branchId,
    properties: { ...o.properties },
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    createdBy: o.createdBy,
    updatedBy: o.updatedBy,
  };
}

/** Bookkeeping that changes on every write: not listed in `changes`. */
const NOT_A_CHANGE = new Set(['version', 'updatedAt', 'updatedBy']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `{ field: { from, to } }` for every state field that differs (audit bookkeeping aside). */
export function stateChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (NOT_A_CHANGE.has(key)) continue;
    if (!same(before[key], after[key])) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}

/** Reads a field the way stage gates name it (`properties.<key>` or an input field name). */
export function readField(o: Opportunity, field: string): unknown {
  if (field.startsWith('properties.')) return o.properties[field.slice('properties.'.length)] ?? null;
  return (o as unknown as Record<string, unknown>)[field] ?? null;
}

/** Overdue: open, active, and the expected closing date passed (in the user's time zone). */
export function isOverdue(o: Pick<Opportunity, 'status' | 'active' | 'expectedClosing'>, today: string): boolean {
  return o.status === 'open' && o.active && o.expectedClosing !== null && o.expectedClosing < today;
}

/** Today's date YYYY-MM-DD in a time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
