import { badInput } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { normalizeCode } from './customer-code';
import { isValidEmail, normalizeEmail } from './email';
import { validateNationalId } from './national-id';
import { isCountryCode, normalizePhone } from '@crm/phone';
import { optionalNotes, optionalText, socialHandle, website } from './text-fields';

export const CONTACT_KINDS = ['company', 'person'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const ADDRESS_TYPES = ['contact', 'invoice', 'delivery', 'other', 'private'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

/** The writable fields of a contact as the API and the CSV import take them. */
export interface ContactInput {
  kind?: string | null;
  name?: string | null;
  parentId?: string | null;
  addressType?: string | null;
  street?: string | null;
  street2?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  website?: string | null;
  jobPosition?: string | null;
  title?: string | null;
  taxId?: string | null;
  nationalId?: string | null;
  occupationId?: string | null;
  instagram?: string | null;
  facebook?: string | null;
  twitter?: string | null;
  tagIds?: string[] | null;
  salespersonId?: string | null;
  branchId?: string | null;
  notes?: string | null;
  code?: string | null;
}

/** Validated, normalised values; phones are normalised later (their default country depends on parent and branch). */
export interface ContactFields {
  kind: ContactKind;
  name: string;
  parentId: string | null;
  addressType: AddressType;
  street: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  countryCode: string | null;
  email: string | null;
  emailEntered: string | null;
  phone: string | null;
  phoneEntered: string | null;
  mobile: string | null;
  mobileEntered: string | null;
  website: string | null;
  jobPosition: string | null;
  title: string | null;
  taxId: string | null;
  nationalId: string | null;
  occupationId: string | null;
  instagram: string | null;
  facebook: string | null;
  twitter: string | null;
  tagIds: string[];
  salespersonId: string | null;
  branchId: string | null;
  notes: string | null;
  code: string | null;
}

export const CONTACT_FIELD_NAMES = [
  'kind', 'name', 'parentId', 'addressType', 'street', 'street2', 'city', 'state', 'zip', 'countryCode',
  'email', 'emailEntered', 'phone', 'phoneEntered', 'mobile', 'mobileEntered', 'website', 'jobPosition', 'title',
  'taxId', 'nationalId', 'occupationId', 'instagram', 'facebook', 'twitter', 'tagIds', 'salespersonId', 'branchId',
  'notes', 'code',
] as const satisfies readonly (keyof ContactFields)[];

export const EMPTY_CONTACT: Omit<ContactFields, 'name'> = {
  kind: 'person',
  parentId: null,
  addressType: 'contact',
  street: null,
  street2: null,
  city: null,
  state: null,
  zip: null,
  countryCode: null,
  email: null,
  emailEntered: null,
  phone: null,
  phoneEntered: null,
  mobile: null,
  mobileEntered: null,
  website: null,
  jobPosition: null,
  title: null,
  taxId: null,
  nationalId: null,
  occupationId: null,
  instagram: null,
  facebook: null,
  twitter: null,
  tagIds: [],
  salespersonId: null,
  branchId: null,
  notes: null,
  code: null,
};

function has<K extends keyof ContactInput>(input: ContactInput, key: K): boolean {
  return Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;
}

function uuidOrNull(field: string, raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (!isUuid(raw)) throw badInput(field, `${field} is not an id`);
  return raw.toLowerCase();
}

/**
 * Validates and normalises the fields present in `input` (a patch: absent = unchanged,
 * null = cleared). Throws BAD_USER_INPUT naming the field. Phones are checked later by
 * `normalizePhones`, once the default country is known.
 */
export function validateContactPatch(input: ContactInput): Partial<ContactFields> & { phoneRaw?: string | null; mobileRaw?: string | null } {
  const out: Partial<ContactFields> & { phoneRaw?: string | null; mobileRaw?: string | null } = {};
  if (has(input, 'name')) {
    const name = (input.name ?? '').trim().replace(/\s+/g, ' ');
    if (name === '') throw badInput('name', 'name must not be empty');
    if (name.length > 500) throw badInput('name', 'name is longer than 500 characters');
    out.name = name;
  }
  if (has(input, 'kind')) {
    const kind = (input.kind ?? '').toLowerCase();
    if (!(CONTACT_KINDS as readonly string[]).includes(kind)) throw badInput('kind', 'kind must be company or person');
    out.kind = kind as ContactKind;
  }
  if (has(input, 'addressType')) {
    const type = (input.addressType ?? 'contact').toLowerCase();
    if (!(ADDRESS_TYPES as readonly string[]).includes(type)) {
      throw badInput('addressType', `addressType must be one of ${ADDRESS_TYPES.join(', ')}`);
    }
    out.addressType = type as AddressType;
  }
  if (has(input, 'parentId')) out.parentId = uuidOrNull('parentId', input.parentId);
  for (const key of ['street', 'street2', 'city', 'state', 'zip', 'jobPosition', 'title'] as const) {
    if (has(input, key)) out[key] = optionalText(key, input[key], key === 'zip' ? 20 : 500);
  }
  if (has(input, 'taxId')) out.taxId = optionalText('taxId', input.taxId, 64);
  if (has(input, 'countryCode')) {
    const code = optionalText('countryCode', input.countryCode, 2)?.toUpperCase() ?? null;
    if (code !== null && !isCountryCode(code)) throw badInput('countryCode', `"${input.countryCode}" is not an ISO 3166 country code`);
    out.countryCode = code;
  }
  if (has(input, 'email')) {
    const email = normalizeEmail(input.email);
    if (email !== null && !isValidEmail(email)) throw badInput('email', `"${input.email}" is not a valid e-mail address`);
    out.email = email;
    out.emailEntered = email === null ? null : input.email!.trim();
  }
  if (has(input, 'phone')) out.phoneRaw = input.phone ?? null;
  if (has(input, 'mobile')) out.mobileRaw = input.mobile ?? null;
  if (has(input, 'website')) out.website = website('website', input.website);
  if (has(input, 'nationalId')) {
    const result = validateNationalId(input.nationalId);
    if (!result.ok) throw badInput('nationalId', result.message);
    out.nationalId = result.value;
  }
  if (has(input, 'occupationId')) out.occupationId = uuidOrNull('occupationId', input.occupationId);
  for (const key of ['instagram', 'facebook', 'twitter'] as const) {
    if (has(input, key)) out[key] = socialHandle(key, input[key]);
  }
  if (has(input, 'tagIds')) {
    const ids = [...new Set((input.tagIds ?? []).map((id) => uuidOrNull('tagIds', id)!))];
    out.tagIds = ids.filter(Boolean);
  }
  if (has(input, 'salespersonId')) out.salespersonId = uuidOrNull('salespersonId', input.salespersonId);
  if (has(input, 'branchId')) {
    const branch = optionalText('branchId', input.branchId, 20)?.toUpperCase() ?? null;
    out.branchId = branch;
  }
  if (has(input, 'notes')) out.notes = optionalNotes('notes', input.notes);
  if (has(input, 'code')) {
    const code = normalizeCode(input.code);
    if (code !== null && code.length > 64) throw badInput('code', 'code is longer than 64 characters');
    out.code = code;
  }
  return out;
}

/** Normalises phone and mobile to E.164 with the default country; throws naming the field. */
export function normalizePhones(
  patch: { phoneRaw?: string | null; mobileRaw?: string | null },
  defaultCountry: string | null,
): Partial<Pick<ContactFields, 'phone' | 'phoneEntered' | 'mobile' | 'mobileEntered'>> {
  const out: Partial<Pick<ContactFields, 'phone' | 'phoneEntered' | 'mobile' | 'mobileEntered'>> = {};
  for (const [raw, field] of [
    [patch.phoneRaw, 'phone'],
    [patch.mobileRaw, 'mobile'],
  ] as const) {
    if (raw === undefined) continue;
    const result = normalizePhone(raw, defaultCountry);
    if (!result.ok) throw badInput(field, `${field} ${result.message}`);
    out[field] = result.value?.e164 ?? null;
    out[field === 'phone' ? 'phoneEntered' : 'mobileEntered'] = result.value?.entered ?? null;
  }
  return out;
}

/** The fields whose values differ, as `changes` of an event. */
export function diffFields(
  before: Partial<ContactFields>,
  after: Partial<ContactFields>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of CONTACT_FIELD_NAMES) {
    if (!(key in after)) continue;
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    const same = Array.isArray(from) && Array.isArray(to) ? [...from].sort().join() === [...to].sort().join() : from === to;
    if (!same) changes[key] = { from, to };
  }
  return changes;
}
