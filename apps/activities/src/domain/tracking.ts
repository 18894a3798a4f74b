/**
 * Tracked changes for the chatter, written from other subgraphs' events: "Stage: New →
 * Qualified", "Expected revenue: 80,000,000 → 100,000,000". Raw values are kept beside the
 * display text, so clients can format them their own way.
 */
export interface TrackedChange {
  field: string;
  label: string;
  from: unknown;
  to: unknown;
  fromDisplay: string | null;
  toDisplay: string | null;
}

type Kind = 'text' | 'decimal' | 'percent' | 'date' | 'user' | 'contact' | 'boolean' | { enum: Record<string, string> };

interface TrackedField {
  label: string;
  kind: Kind;
}

const PRIORITY = { '0': 'Normal', '1': 'Good', '2': 'Very Good', '3': 'Excellent' };
const QUOTATION_STATE = { draft: 'Quotation', sent: 'Quotation Sent', sale: 'Sales Order', cancelled: 'Cancelled' };
const BOOKING_STATE = { draft: 'Draft', posted: 'Posted', cancelled: 'Cancelled', work_order_created: 'Work Order Created' };

/** The fields whose changes each record type's chatter shows, in display order. */
export const TRACKED_FIELDS: Record<string, Record<string, TrackedField>> = {
  Opportunity: {
    type: { label: 'Type', kind: { enum: { lead: 'Lead', opportunity: 'Opportunity' } } },
    name: { label: 'Name', kind: 'text' },
    stageId: { label: 'Stage', kind: 'text' },
    status: { label: 'Status', kind: { enum: { open: 'Open', won: 'Won', lost: 'Lost' } } },
    customerId: { label: 'Customer', kind: 'contact' },
    salespersonId: { label: 'Salesperson', kind: 'user' },
    expectedRevenue: { label: 'Expected revenue', kind: 'decimal' },
    currency: { label: 'Currency', kind: 'text' },
    probability: { label: 'Probability', kind: 'percent' },
    priority: { label: 'Priority', kind: { enum: PRIORITY } },
    expectedClosing: { label: 'Expected closing', kind: 'date' },
    lostReasonName: { label: 'Lost reason', kind: 'text' },
    email: { label: 'Email', kind: 'text' },
    phone: { label: 'Phone', kind: 'text' },
    branchId: { label: 'Branch', kind: 'text' },
    active: { label: 'Active', kind: 'boolean' },
  },
  Contact: {
    name: { label: 'Name', kind: 'text' },
    email: { label: 'Email', kind: 'text' },
    phone: { label: 'Phone', kind: 'text' },
    mobile: { label: 'Mobile', kind: 'text' },
    street: { label: 'Street', kind: 'text' },
    city: { label: 'City', kind: 'text' },
    salespersonId: { label: 'Salesperson', kind: 'user' },
    active: { label: 'Active', kind: 'boolean' },
  },
  Quotation: {
    state: { label: 'Status', kind: { enum: QUOTATION_STATE } },
    customerId: { label: 'Customer', kind: 'contact' },
    salespersonId: { label: 'Salesperson', kind: 'user' },
    validityDate: { label: 'Expiration', kind: 'date' },
    amountUntaxed: { label: 'Untaxed amount', kind: 'decimal' },
    amountTotal: { label: 'Total', kind: 'decimal' },
  },
  BookingService: {
    state: { label: 'Status', kind: { enum: BOOKING_STATE } },
    bookingDate: { label: 'Booking date', kind: 'date' },
    serviceType: { label: 'Service type', kind: 'text' },
    mechanic: { label: 'Mechanic', kind: 'text' },
    pit: { label: 'Pit', kind: 'text' },
    serviceAdvisor: { label: 'Service advisor', kind: 'text' },
    workOrderNumber: { label: 'Work order', kind: 'text' },
  },
};

/** Groups the integer part in thousands and drops trailing zeros: "80000000.00" → "80,000,000". */
export function formatDecimal(raw: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(raw.trim());
  if (!m) return raw;
  const int = m[2]!.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const negative = m[1] === '-' && (int !== '0' || frac !== '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export interface Names {
  user(id: string): string | undefined;
  contact(id: string): string | undefined;
}

function display(value: unknown, kind: Kind, names: Names): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof kind === 'object') return kind.enum[String(value)] ?? String(value);
  switch (kind) {
    case 'decimal':
      return formatDecimal(String(value));
    case 'percent':
      return `${formatDecimal(String(value))} %`;
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'user':
      return names.user(String(value)) ?? String(value);
    case 'contact':
      return names.contact(String(value)) ?? String(value);
    case 'date':
    case 'text':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/**
 * The tracked changes of one event of a record of `resourceType`. The stage shows names (from
 * the event's fromStageName/toStageName, else the previous and new states' stageName).
 */
export function trackChanges(
  resourceType: string,
  changes: Record<string, { from: unknown; to: unknown }> | undefined,
  context: { previous?: Record<string, unknown> | null; state: Record<string, unknown>; stageNames?: { from?: unknown; to?: unknown }; names: Names },
): TrackedChange[] {
  const fields = TRACKED_FIELDS[resourceType] ?? {};
  const result: TrackedChange[] = [];
  const all = { ...(changes ?? {}) };
  // stage_changed carries the stage move beside `changes`.
  if (context.stageNames && !all['stageId']) all['stageId'] = { from: undefined, to: context.state['stageId'] };
  if (resourceType === 'Opportunity' && all['properties']) result.push(...propertyChanges(all['properties']));
  for (const [field, spec] of Object.entries(fields)) {
    const change = all[field];
    if (!change) continue;
    if (field === 'stageId') {
      const from = context.stageNames?.from ?? context.previous?.['stageName'] ?? null;
      const to = context.stageNames?.to ?? context.state['stageName'] ?? null;
      if (from === to) continue;
      result.push({ field: 'stage', label: spec.label, from, to, fromDisplay: display(from, 'text', context.names), toDisplay: display(to, 'text', context.names) });
      continue;
    }
    if (JSON.stringify(change.from) === JSON.stringify(change.to)) continue;
    result.push({
      field,
      label: spec.label,
      from: change.from ?? null,
      to: change.to ?? null,
      fromDisplay: display(change.from, spec.kind, context.names),
      toDisplay: display(change.to, spec.kind, context.names),
    });
  }
  return result;
}

/** "kpbExpiryDate" → "Kpb expiry date". */
export function humanize(key: string): string {
  const words = key.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Configurable fields (`properties`) are tracked key by key. */
function propertyChanges(change: { from: unknown; to: unknown }): TrackedChange[] {
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const from = obj(change.from);
  const to = obj(change.to);
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys
    .filter((k) => JSON.stringify(from[k] ?? null) !== JSON.stringify(to[k] ?? null))
    .map((k) => ({
      field: `properties.${k}`,
      label: humanize(k),
      from: from[k] ?? null,
      to: to[k] ?? null,
      fromDisplay: display(from[k], 'text', NO_NAMES),
      toDisplay: display(to[k], 'text', NO_NAMES),
    }));
}

const NO_NAMES: Names = { user: () => undefined, contact: () => undefined };

/** One line per change, as the chatter shows it. */
export function changeLine(c: TrackedChange): string {
  return `${c.label}: ${c.fromDisplay ?? '—'} → ${c.toDisplay ?? '—'}`;
}
