import { badInput } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { localDate } from './calendar';

/**
 * The registry of record types activities, meetings and chatter can be attached to. Each is
 * owned by another subgraph; this one keeps a local index of their ids and the few facts it
 * needs (name, salesperson, team, branch, dates), fed by that subgraph's Kafka events.
 */
export interface ResourceTypeDef {
  name: string;
  /** The subgraph that owns it and the topic its events arrive on. */
  owner: string;
  topic: string;
  /** Human label of the type. */
  label: string;
  /** Date fields of the record's state that reminder rules may be relative to. */
  dateFields: Record<string, string>;
  /** Whether `properties.<key>` (configurable fields) may hold dates. */
  dateProperties: boolean;
  facts(state: Record<string, unknown>): RecordFacts;
}

export interface RecordFacts {
  name: string | null;
  /** Salesperson (the record's owner for visibility and rule assignees). */
  ownerId: string | null;
  teamId: string | null;
  branchId: string | null;
  /** Archived, lost or deleted records get no new activities and lose their open ones. */
  active: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const uuidOrNull = (v: unknown): string | null => (isUuid(v) ? v : null);

export const RESOURCE_TYPES: Record<string, ResourceTypeDef> = {
  Opportunity: {
    name: 'Opportunity',
    owner: 'pipeline',
    topic: 'crm.pipeline.opportunity',
    label: 'Lead / Opportunity',
    dateFields: {
      expectedClosing: 'Expected closing',
      dateOpened: 'Assignment date',
      dateClosed: 'Closed date',
      dateLastStageUpdate: 'Last stage update',
      createdAt: 'Created on',
    },
    dateProperties: true,
    facts: (s) => ({
      name: str(s['name']),
      ownerId: uuidOrNull(s['salespersonId']),
      teamId: uuidOrNull(s['teamId']),
      branchId: str(s['branchId']),
      active: s['active'] !== false,
    }),
  },
  Contact: {
    name: 'Contact',
    owner: 'contacts',
    topic: 'crm.contacts.contact',
    label: 'Contact',
    dateFields: { createdAt: 'Created on' },
    dateProperties: false,
    facts: (s) => ({
      name: str(s['name']),
      ownerId: uuidOrNull(s['salespersonId']),
      teamId: null,
      branchId: str(s['branchId']),
      active: s['active'] !== false,
    }),
  },
  Quotation: {
    name: 'Quotation',
    owner: 'sales',
    topic: 'crm.sales.quotation',
    label: 'Quotation / Sales order',
    dateFields: { quotationDate: 'Quotation date', validityDate: 'Expiration', orderDate: 'Order date', createdAt: 'Created on' },
    dateProperties: false,
    facts: (s) => ({
      name: str(s['number']),
      ownerId: uuidOrNull(s['salespersonId']),
      teamId: uuidOrNull(s['teamId']),
      branchId: str(s['branchId']),
      active: true,
    }),
  },
  BookingService: {
    name: 'BookingService',
    owner: 'sales',
    topic: 'crm.sales.booking',
    label: 'Booking service',
    dateFields: { bookingDate: 'Booking date', createdAt: 'Created on' },
    dateProperties: false,
    facts: (s) => ({
      name: str(s['number']),
      // A booking has no salesperson of its own: rules fall back to its opportunity's.
      ownerId: null,
      teamId: null,
      branchId: str(s['branchId']),
      active: s['state'] !== 'cancelled',
    }),
  },
};

export const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES);

/** Checks the type is registered and the id has its format (all UUIDs today); BAD_USER_INPUT otherwise. */
export function validateResourceRef(type: unknown, id: unknown, fields = { type: 'resourceType', id: 'resourceId' }): ResourceTypeDef {
  const def = typeof type === 'string' ? RESOURCE_TYPES[type] : undefined;
  if (!def) {
    throw badInput(fields.type, `unknown resource type "${String(type)}"; known: ${RESOURCE_TYPE_NAMES.join(', ')}`);
  }
  if (!isUuid(id)) throw badInput(fields.id, `"${String(id)}" is not a valid ${def.name} id (a UUID)`);
  return def;
}

const PROPERTY_PATH = /^properties\.[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A date field a reminder rule may be relative to: a registered one, or a date property. */
export function isKnownDateField(def: ResourceTypeDef, path: string): boolean {
  return path in def.dateFields || (def.dateProperties && PROPERTY_PATH.test(path));
}

/** Reads a dotted path (`properties.kpbExpiry`) of a record's state. */
export function readPath(state: Record<string, unknown>, path: string): unknown {
  let value: unknown = state;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date field's value as a calendar day: dates as they are, instants as the day they fall on
 * in `tz`; anything else (missing, empty, not a date) is null.
 */
export function readDate(state: Record<string, unknown>, path: string, tz: string): string | null {
  const value = readPath(state, path);
  if (typeof value !== 'string') return null;
  if (DATE.test(value)) return value;
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(ms)) return localDate(new Date(ms), tz);
  return null;
}
