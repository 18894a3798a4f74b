import { badInput } from '@crm/graphql';
import { DEFAULT_CODE_PREFIX, isValidCodePrefix } from './customer-code';
import { isCountryCode } from '@crm/phone';

export interface BranchFields {
  name: string;
  countryCode: string;
  timeZone: string;
  workshopOpensAt: string | null;
  workshopClosesAt: string | null;
  defaultPhoneCountry: string;
  customerCodePrefix: string;
  active: boolean;
}

export interface BranchInput {
  name?: string | null;
  countryCode?: string | null;
  timeZone?: string | null;
  workshopOpensAt?: string | null;
  workshopClosesAt?: string | null;
  defaultPhoneCountry?: string | null;
  customerCodePrefix?: string | null;
  active?: boolean | null;
}

const BRANCH_ID_RE = /^[A-Z0-9-]{2,20}$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** A branch code as entered → upper case; BAD_USER_INPUT unless 2–20 of A–Z, 0–9, -. */
export function validateBranchId(raw: string | null | undefined): string {
  const id = (raw ?? '').trim().toUpperCase();
  if (!BRANCH_ID_RE.test(id)) throw badInput('id', 'a branch code is 2–20 letters, digits or - (e.g. SAM01, A-BAN08)');
  return id;
}

function country(field: string, raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!isCountryCode(code)) throw badInput(field, `"${raw}" is not an ISO 3166 country code`);
  return code;
}

function hours(field: string, raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  if (!HH_MM.test(raw.trim())) throw badInput(field, `"${raw}" is not a time HH:MM`);
  return raw.trim();
}

/** Applies a patch to a branch (null before = new); BAD_USER_INPUT naming the field. */
export function resolveBranch(before: BranchFields | null, input: BranchInput): BranchFields {
  const has = (k: keyof BranchInput) => input[k] !== undefined;
  const out: BranchFields = before
    ? { ...before }
    : { name: '', countryCode: '', timeZone: '', workshopOpensAt: null, workshopClosesAt: null, defaultPhoneCountry: '', customerCodePrefix: DEFAULT_CODE_PREFIX, active: true };
  if (has('name') || !before) {
    const name = (input.name ?? '').trim();
    if (name === '' || name.length > 200) throw badInput('name', 'a branch needs a name (up to 200 characters)');
    out.name = name;
  }
  if (has('countryCode') || !before) out.countryCode = country('countryCode', input.countryCode ?? '');
  if (has('timeZone') || !before) {
    const zone = (input.timeZone ?? '').trim();
    if (!isTimeZone(zone)) throw badInput('timeZone', `"${zone}" is not an IANA time zone (e.g. Asia/Jakarta)`);
    out.timeZone = zone;
  }
  if (has('workshopOpensAt')) out.workshopOpensAt = hours('workshopOpensAt', input.workshopOpensAt ?? null);
  if (has('workshopClosesAt')) out.workshopClosesAt = hours('workshopClosesAt', input.workshopClosesAt ?? null);
  if ((out.workshopOpensAt === null) !== (out.workshopClosesAt === null)) {
    throw badInput(out.workshopOpensAt === null ? 'workshopOpensAt' : 'workshopClosesAt', 'give both opening and closing time, or neither');
  }
  if (out.workshopOpensAt !== null && out.workshopClosesAt! <= out.workshopOpensAt) {
    throw badInput('workshopClosesAt', 'the workshop must close after it opens');
  }
  if (has('defaultPhoneCountry') && input.defaultPhoneCountry !== null) out.defaultPhoneCountry = country('defaultPhoneCountry', input.defaultPhoneCountry!);
  else if (!before) out.defaultPhoneCountry = out.countryCode;
  if (has('customerCodePrefix') && input.customerCodePrefix !== null) {
    const prefix = input.customerCodePrefix!.trim().toUpperCase();
    if (!isValidCodePrefix(prefix)) throw badInput('customerCodePrefix', 'a code prefix is 1–16 letters, digits or -');
    out.customerCodePrefix = prefix;
  }
  if (has('active') && input.active !== null) out.active = input.active!;
  return out;
}
