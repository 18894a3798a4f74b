import { isUuid } from '@crm/runtime';

/** An opportunity as the read model stores it, from the `state` of a crm.pipeline.opportunity event. */
export interface OpportunityRow {
  id: string;
  version: number;
  type: 'lead' | 'opportunity';
  name: string;
  number: string | null;
  customerId: string | null;
  contactName: string | null;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  salespersonId: string | null;
  teamId: string | null;
  pipelineId: string | null;
  stageId: string | null;
  stageName: string | null;
  priority: number;
  expectedRevenue: string;
  currency: string;
  probability: string | null;
  proratedRevenue: string | null;
  expectedClosing: string | null;
  tagIds: string[];
  campaign: string | null;
  medium: string | null;
  source: string | null;
  status: 'open' | 'won' | 'lost';
  lostReasonId: string | null;
  lostReasonName: string | null;
  lostFeedback: string | null;
  active: boolean;
  dateOpened: string | null;
  dateClosed: string | null;
  dateLastStageUpdate: string | null;
  branchId: string | null;
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  updatedBy: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const uuid = (v: unknown): string | null => (isUuid(v) ? v : null);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const decimal = (v: unknown): string | null => (typeof v === 'string' && DECIMAL.test(v) ? v : null);

/**
 * Reads the state an event carries. The contract makes only id, name, version, createdAt and
 * updatedAt required (the pipeline subgraph grows into the rest), so every other field has the
 * default a new record would have: an open, active opportunity in the default currency.
 */
export function opportunityRowOf(state: Record<string, unknown>, defaultCurrency: string): OpportunityRow {
  const status = state['status'] === 'won' || state['status'] === 'lost' ? state['status'] : 'open';
  const probability = decimal(state['probability']);
  let proratedRevenue = decimal(state['proratedRevenue']);
  const expectedRevenue = decimal(state['expectedRevenue']) ?? '0';
  if (proratedRevenue === null && probability !== null) proratedRevenue = prorate(expectedRevenue, probability);
  const properties = state['properties'];
  return {
    id: String(state['id']),
    version: Number(state['version']),
    type: state['type'] === 'lead' ? 'lead' : 'opportunity',
    name: String(state['name']),
    number: str(state['number']),
    customerId: uuid(state['customerId']),
    contactName: str(state['contactName']),
    companyName: str(state['companyName']),
    email: str(state['email']),
    phone: str(state['phone']),
    salespersonId: uuid(state['salespersonId']),
    teamId: uuid(state['teamId']),
    pipelineId: uuid(state['pipelineId']),
    stageId: uuid(state['stageId']),
    stageName: str(state['stageName']),
    priority: typeof state['priority'] === 'number' ? state['priority'] : 0,
    expectedRevenue,
    currency: typeof state['currency'] === 'string' && /^[A-Z]{3}$/.test(state['currency']) ? state['currency'] : defaultCurrency,
    probability,
    proratedRevenue,
    expectedClosing: str(state['expectedClosing']),
    tagIds: Array.isArray(state['tagIds']) ? state['tagIds'].filter((t): t is string => typeof t === 'string') : [],
    campaign: str(state['campaign']),
    medium: str(state['medium']),
    source: str(state['source']),
    status,
    lostReasonId: uuid(state['lostReasonId']),
    lostReasonName: str(state['lostReasonName']),
    lostFeedback: str(state['lostFeedback']),
    active: state['active'] !== false,
    dateOpened: str(state['dateOpened']),
    dateClosed: str(state['dateClosed']),
    dateLastStageUpdate: str(state['dateLastStageUpdate']),
    branchId: str(state['branchId']),
    properties: properties && typeof properties === 'object' && !Array.isArray(properties) ? (properties as Record<string, unknown>) : {},
    createdAt: String(state['createdAt']),
    updatedAt: String(state['updatedAt']),
    createdBy: uuid(state['createdBy']),
    updatedBy: uuid(state['updatedBy']),
  };
}

/**
 * expected × probability / 100 on decimal strings, exact (bigint arithmetic), rounded half-up
 * to 2 decimals — what the pipeline shows as prorated revenue when an event omits it.
 */
export function prorate(expected: string, probability: string): string {
  const [a, aScale] = toScaled(expected);
  const [b, bScale] = toScaled(probability);
  const scale = aScale + bScale + 2; // the /100
  let product = a * b;
  const negative = product < 0n;
  if (negative) product = -product;
  // round to 2 decimals
  const drop = scale - 2;
  let rounded: bigint;
  if (drop > 0) {
    const divisor = 10n ** BigInt(drop);
    rounded = product / divisor;
    if ((product % divisor) * 2n >= divisor) rounded += 1n;
  } else {
    rounded = product * 10n ** BigInt(-drop);
  }
  const digits = rounded.toString().padStart(3, '0');
  const int = digits.slice(0, -2);
  const frac = digits.slice(-2).replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : int;
  return negative && rounded !== 0n ? `-${text}` : text;
}

function toScaled(value: string): [bigint, number] {
  const negative = value.startsWith('-');
  const [int = '0', frac = ''] = value.replace(/^-/, '').split('.');
  const scaled = BigInt(`${int}${frac}` || '0');
  return [negative ? -scaled : scaled, frac.length];
}
