import { badInput, parseDecimal } from '@crm/graphql';
import { Decimal } from '@crm/money';
import { isUuid } from '@crm/runtime';
import type { OpportunityType } from './lifecycle';
import { parseProbability } from './probability';

/** The editable fields of a lead/opportunity as the GraphQL inputs carry them. */
export interface OpportunityFieldsInput {
  name?: string | null;
  type?: string | null;
  customerId?: string | null;
  contactName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  countryCode?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  pipelineId?: string | null;
  stageId?: string | null;
  priority?: number | null;
  expectedRevenue?: string | null;
  currency?: string | null;
  probability?: string | null;
  expectedClosing?: string | null;
  tagIds?: string[] | null;
  description?: string | null;
  campaign?: string | null;
  medium?: string | null;
  source?: string | null;
  referredBy?: string | null;
  branchId?: string | null;
  properties?: { key: string; value?: string | null }[] | null;
}

/** Validated, normalised fields; a key is present only when the input named it. */
export interface OpportunityFields {
  name?: string;
  type?: OpportunityType;
  customerId?: string | null;
  contactName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  countryCode?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  pipelineId?: string | null;
  stageId?: string | null;
  priority?: number;
  expectedRevenue?: string;
  currency?: string;
  /** A probability typed by the user (null = back to automatic). */
  probability?: string | null;
  expectedClosing?: string | null;
  tagIds?: string[];
  description?: string | null;
  campaign?: string | null;
  medium?: string | null;
  source?: string | null;
  referredBy?: string | null;
  branchId?: string | null;
  properties?: { key: string; value: string | null }[];
}

export const PRIORITIES = ['Normal', 'Good', 'Very Good', 'Excellent'] as const;

const EMAIL_RE = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const BRANCH_RE = /^[A-Z0-9-]{2,20}$/;
const PHONE_RE = /^[+0-9 ()./-]{3,32}$/;

function text(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed.length > max) throw badInput(field, `${field} is longer than ${max} characters`);
  return trimmed;
}

function id(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isUuid(value)) throw badInput(field, `${field} is not an id`);
  return value.toLowerCase();
}

/** Validates the fields present in `input`; throws BAD_USER_INPUT naming the first one at fault. */
export function validateOpportunityFields(input: OpportunityFieldsInput): OpportunityFields {
  const out: OpportunityFields = {};
  const has = (key: keyof OpportunityFieldsInput) => Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;

  if (has('name')) {
    const name = text(input.name, 'name', 500);
    if (name === null) throw badInput('name', 'name must not be empty');
    out.name = name;
  }
  if (has('type')) {
    const type = String(input.type).toLowerCase();
    if (type !== 'lead' && type !== 'opportunity') throw badInput('type', `"${input.type}" is not LEAD or OPPORTUNITY`);
    out.type = type;
  }
  for (const key of ['customerId', 'salespersonId', 'teamId', 'pipelineId', 'stageId'] as const) {
    if (has(key)) out[key] = id(input[key], key);
  }
  for (const [key, max] of [
    ['contactName', 500],
    ['companyName', 500],
    ['campaign', 200],
    ['medium', 200],
    ['source', 200],
    ['referredBy', 500],
    ['description', 50_000],
  ] as const) {
    if (has(key)) out[key] = text(input[key], key, max);
  }
  if (has('email')) {
    const email = text(input.email, 'email', 254)?.toLowerCase() ?? null;
    if (email !== null && (!EMAIL_RE.test(email) || email.includes('..'))) throw badInput('email', `"${input.email}" is not a valid e-mail address`);
    out.email = email;
  }
  if (has('phone')) {
    const phone = text(input.phone, 'phone', 32);
    if (phone !== null && !PHONE_RE.test(phone)) throw badInput('phone', `"${input.phone}" is not a phone number`);
    out.phone = phone;
  }
  if (has('countryCode')) {
    const code = text(input.countryCode, 'countryCode', 2)?.toUpperCase() ?? null;
    if (code !== null && !/^[A-Z]{2}$/.test(code)) throw badInput('countryCode', `"${input.countryCode}" is not an ISO 3166 country code`);
    out.countryCode = code;
  }
  if (has('priority')) {
    const p = input.priority;
    if (p === null || !Number.isInteger(p) || p! < 0 || p! > 3) throw badInput('priority', 'priority is 0 (Normal), 1 (Good), 2 (Very Good) or 3 (Excellent)');
    out.priority = p!;
  }
  if (has('expectedRevenue')) {
    if (input.expectedRevenue === null) throw badInput('expectedRevenue', 'expected revenue must not be null (use 0)');
    let revenue: string;
    try {
      revenue = parseDecimal(input.expectedRevenue);
    } catch {
      throw badInput('expectedRevenue', `"${input.expectedRevenue}" is not a decimal number`);
    }
    if (revenue.startsWith('-')) throw badInput('expectedRevenue', 'expected revenue must not be negative');
    if (/^\d{19,}/.test(revenue)) throw badInput('expectedRevenue', 'expected revenue is too large');
    if ((revenue.split('.')[1] ?? '').length > 2) throw badInput('expectedRevenue', 'expected revenue has at most 2 decimals');
    out.expectedRevenue = Decimal.of(revenue).toFixed(2);
  }
  if (has('currency')) {
    const currency = (input.currency ?? '').trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency', `"${input.currency}" is not an ISO 4217 currency code`);
    out.currency = currency;
  }
  if (has('probability')) out.probability = input.probability === null ? null : parseProbability(input.probability!);
  if (has('expectedClosing')) out.expectedClosing = input.expectedClosing ?? null;
  if (has('tagIds')) {
    const tags = (input.tagIds ?? []).map((t, i) => id(t, `tagIds.${i}`)!).filter(Boolean);
    out.tagIds = [...new Set(tags)];
  }
  if (has('branchId')) {
    const branch = text(input.branchId, 'branchId', 20)?.toUpperCase() ?? null;
    if (branch !== null && !BRANCH_RE.test(branch)) throw badInput('branchId', `"${input.branchId}" is not a branch code`);
    out.branchId = branch;
  }
  if (has('properties')) {
    out.properties = (input.properties ?? []).map((p) => ({ key: String(p.key ?? '').trim(), value: p.value ?? null }));
  }
  return out;
}

/** The fields an update changes, by input name, for gates and events. */
export function namedFields(fields: OpportunityFields): string[] {
  const names = Object.keys(fields).filter((k) => k !== 'properties');
  for (const p of fields.properties ?? []) names.push(`properties.${p.key}`);
  return names;
}
