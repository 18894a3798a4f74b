import { badInput, isValidDate } from '@crm/graphql';
import { addDays, normalizePropertyValue, type PropertyDefinition } from './properties';

/**
 * Lead generation from sales and service history, as a pipeline's configuration (seed 002:
 * "H1 to H2" — a branch's sales whose vehicle has entered its KPB (free service) or regular
 * service period; "H2 to H2" — a branch's services whose customer has not come back within
 * 2–3 months). Pure: rows and "today" in, the leads due out.
 *
 * - sales.kpb: KPB n is due `dueAfterDays` after the sales date and expires `expiresAfterDays`
 *   after it; its lead is generated once today ≥ due − `daysAhead` and today ≤ expiry (and no
 *   service of the same history shows KPB n, or a later one, done).
 * - service: a lead when the last service is between `minDaysSince` and `maxDaysSince` days
 *   ago and no later service of the same engine is known.
 * Each generated lead has a key (engine + KPB number, engine + service date) that makes a
 * second import of the same or an overlapping file create nothing.
 */
export interface KpbSchedule {
  number: number;
  dueAfterDays: number;
  expiresAfterDays: number;
}

export type GeneratedType = 'lead' | 'opportunity';

export interface LeadGenerationRules {
  /** Calendar of "today" for a branch that has no time zone of its own. */
  timeZone: string;
  /** lead (no stage until converted) or opportunity (the pipeline's first stage). */
  createAs: GeneratedType;
  sales: { daysAhead: number; kpb: KpbSchedule[]; properties: Record<string, string> } | null;
  service: { minDaysSince: number; maxDaysSince: number; properties: Record<string, string> } | null;
}

export interface LeadGenerationInput {
  timeZone?: string | null;
  createAs?: string | null;
  sales?: { daysAhead?: number | null; kpb?: { number?: number | null; dueAfterDays?: number | null; expiresAfterDays?: number | null }[] | null; properties?: FixedInput } | null;
  service?: { minDaysSince?: number | null; maxDaysSince?: number | null; properties?: FixedInput } | null;
}

/** The property keys a generated lead is filled in with (the dealer template's keys). */
export const HISTORY_PROPERTIES = [
  'leadCategory', 'serviceRecommendation', 'kpbNumber', 'kpbExpiry', 'salesDate', 'salesSource', 'lastServiceType', 'lastServiceDate',
  'unitType', 'product', 'engineNumber', 'sourceDocument', 'customerCode', 'nationalId',
] as const;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function wholeDays(value: number | null | undefined, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 3650) throw badInput(field, `a whole number of days from ${min} to 3650`);
  return value;
}

type FixedInput = Record<string, string> | { key: string; value?: string | null }[] | null | undefined;

function fixedProperties(raw: FixedInput, definitions: readonly PropertyDefinition[], field: string): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Array.isArray(raw) ? raw.map((p) => [p.key, p.value ?? null] as const) : Object.entries(raw ?? {});
  for (const [key, value] of entries) {
    const def = definitions.find((d) => d.key === key);
    if (!def) throw badInput(`${field}.${key}`, `the pipeline has no property "${key}"`);
    const v = normalizePropertyValue(def, value, `${field}.${key}`);
    if (v !== null) out[key] = v;
  }
  return out;
}

/** Validates lead-generation rules against the pipeline's properties; null: none. */
export function validateLeadGeneration(
  input: LeadGenerationInput | null | undefined,
  definitions: readonly PropertyDefinition[],
  field = 'leadGeneration',
): LeadGenerationRules | null {
  if (!input) return null;
  const timeZone = (input.timeZone ?? 'UTC').trim();
  if (!isTimeZone(timeZone)) throw badInput(`${field}.timeZone`, `"${timeZone}" is not a time zone`);
  const createAs = (input.createAs ?? 'lead').toLowerCase();
  if (createAs !== 'lead' && createAs !== 'opportunity') throw badInput(`${field}.createAs`, 'lead or opportunity');
  let sales: LeadGenerationRules['sales'] = null;
  if (input.sales) {
    const kpb = (input.sales.kpb ?? []).map((k, i) => {
      const at = `${field}.sales.kpb.${i}`;
      const number = k.number;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 9) throw badInput(`${at}.number`, 'KPB 1 to 9');
      const dueAfterDays = wholeDays(k.dueAfterDays, `${at}.dueAfterDays`);
      const expiresAfterDays = wholeDays(k.expiresAfterDays, `${at}.expiresAfterDays`);
      if (expiresAfterDays < dueAfterDays) throw badInput(`${at}.expiresAfterDays`, 'a KPB cannot expire before it is due');
      return { number, dueAfterDays, expiresAfterDays };
    });
    if (kpb.length === 0) throw badInput(`${field}.sales.kpb`, 'name the KPB schedule');
    if (new Set(kpb.map((k) => k.number)).size !== kpb.length) throw badInput(`${field}.sales.kpb`, 'each KPB number once');
    sales = { daysAhead: wholeDays(input.sales.daysAhead ?? 0, `${field}.sales.daysAhead`), kpb, properties: fixedProperties(input.sales.properties, definitions, `${field}.sales.properties`) };
  }
  let service: LeadGenerationRules['service'] = null;
  if (input.service) {
    const minDaysSince = wholeDays(input.service.minDaysSince, `${field}.service.minDaysSince`, 1);
    const maxDaysSince = wholeDays(input.service.maxDaysSince, `${field}.service.maxDaysSince`, 1);
    if (maxDaysSince < minDaysSince) throw badInput(`${field}.service.maxDaysSince`, 'at least minDaysSince');
    service = { minDaysSince, maxDaysSince, properties: fixedProperties(input.service.properties, definitions, `${field}.service.properties`) };
  }
  if (!sales && !service) throw badInput(field, 'rules for sales history, service history or both');
  return { timeZone, createAs, sales, service };
}

/** Reads rules stored as JSON (null when absent). */
export function leadGenerationFromJson(raw: unknown): LeadGenerationRules | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Partial<LeadGenerationRules>;
  return { timeZone: r.timeZone ?? 'UTC', createAs: r.createAs ?? 'lead', sales: r.sales ?? null, service: r.service ?? null };
}

/** One row of history, parsed. */
export interface HistoryRow {
  line: number;
  kind: 'sales' | 'service';
  branchId: string;
  engineNumber: string;
  /** sales: the sales date; service: the service date. */
  date: string;
  /** service: "KPB 2", "REG" …; KPB number parsed from it. */
  serviceType: string | null;
}

export interface DueLead {
  line: number;
  category: 'H1_TO_H2' | 'H2_TO_H2';
  /** Unique within the pipeline: a second import creates nothing for it. */
  key: string;
  kpbNumber: number | null;
  kpbDue: string | null;
  kpbExpiry: string | null;
}

/** "KPB 2", "kpb2", "KPB-2" → 2; anything else (REG, regular …) → null. */
export function kpbNumberOf(serviceType: string | null): number | null {
  const m = /^\s*KPB\s*[-_ ]?\s*(\d)\s*$/i.exec(serviceType ?? '');
  return m ? Number(m[1]) : null;
}

/** "KT 2146 FK - KF41E1693525" (plate - engine, as the lead form shows it) → KF41E1693525; spaces dropped, upper case. */
export function engineKey(raw: string): string {
  const parts = raw.split(/\s+-\s+/);
  return (parts[parts.length - 1] ?? '').replace(/\s+/g, '').toUpperCase();
}

/** YYYY-MM-DD of `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The leads due today for a whole history (every row of a file: a service row counts against
 * the other rows of its engine). `todayOf(branchId)` gives "today" in the branch's calendar.
 */
export function dueLeads(rules: LeadGenerationRules, rows: readonly HistoryRow[], todayOf: (branchId: string) => string): DueLead[] {
  const services = new Map<string, HistoryRow[]>();
  for (const r of rows) {
    if (r.kind !== 'service') continue;
    const list = services.get(r.engineNumber) ?? [];
    list.push(r);
    services.set(r.engineNumber, list);
  }
  const out: DueLead[] = [];
  const keys = new Set<string>();
  const push = (lead: DueLead) => {
    if (keys.has(lead.key)) return; // the same sale or service twice in a history
    keys.add(lead.key);
    out.push(lead);
  };
  for (const row of rows) {
    const today = todayOf(row.branchId);
    const serviced = services.get(row.engineNumber) ?? [];
    if (row.kind === 'sales' && rules.sales) {
      const doneUpTo = Math.max(0, ...serviced.map((s) => kpbNumberOf(s.serviceType) ?? 0));
      for (const kpb of rules.sales.kpb) {
        if (kpb.number <= doneUpTo) continue;
        const due = addDays(row.date, kpb.dueAfterDays);
        const expiry = addDays(row.date, kpb.expiresAfterDays);
        if (today < addDays(due, -rules.sales.daysAhead) || today > expiry) continue;
        push({ line: row.line, category: 'H1_TO_H2', key: `H1/${row.engineNumber}/KPB${kpb.number}`, kpbNumber: kpb.number, kpbDue: due, kpbExpiry: expiry });
      }
    } else if (row.kind === 'service' && rules.service) {
      const since = daysBetween(row.date, today);
      if (since < rules.service.minDaysSince || since > rules.service.maxDaysSince) continue;
      if (serviced.some((s) => s.date > row.date)) continue;
      push({ line: row.line, category: 'H2_TO_H2', key: `H2/${row.engineNumber}/${row.date}`, kpbNumber: null, kpbDue: null, kpbExpiry: null });
    }
  }
  return out;
}

/** A history date: YYYY-MM-DD only (07/09/2020 is ambiguous between the branches' and Odoo's order); null when not one. */
export function parseHistoryDate(raw: string): string | null {
  const v = raw.trim();
  return isValidDate(v) ? v : null;
}
