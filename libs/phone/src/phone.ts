import { isSupportedCountry, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';

export interface NormalizedPhone {
  /** E.164, e.g. +6285294233849. */
  e164: string;
  /** What was entered, trimmed. */
  entered: string;
}

export type PhoneResult = { ok: true; value: NormalizedPhone | null } | { ok: false; message: string };

/** True for an ISO 3166-1 alpha-2 code libphonenumber-js knows (e.g. ID, DE, TR). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

const REASONS: Record<string, string> = {
  INVALID_COUNTRY: 'has no country code and no default country applies',
  NOT_A_NUMBER: 'is not a phone number',
  TOO_SHORT: 'is too short',
  TOO_LONG: 'is too long',
  INVALID_LENGTH: 'has an invalid length',
};

/**
 * Parses a phone number as entered ("0852-9423-3849", "+62 852 9423 3849") into E.164,
 * reading national numbers with `defaultCountry`. Empty → null. A number that cannot be
 * parsed, or that is not a valid number of its country, is refused.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry: string | null): PhoneResult {
  const entered = (raw ?? '').trim();
  if (entered === '') return { ok: true, value: null };
  if (entered.length > 40) return { ok: false, message: `"${entered.slice(0, 40)}…" is too long for a phone number` };
  const country = defaultCountry && isCountryCode(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberWithError(entered, country ? { defaultCountry: country } : undefined);
    if (!parsed.isValid()) {
      return { ok: false, message: `"${entered}" is not a valid phone number${parsed.country ? ` in ${parsed.country}` : ''}` };
    }
    return { ok: true, value: { e164: parsed.number, entered } };
  } catch (error) {
    const reason = REASONS[(error as Error).message] ?? 'cannot be parsed';
    return { ok: false, message: `"${entered}" ${reason}` };
  }
}

/** A search query that looks like a phone number, as E.164 (or null). */
export function phoneQuery(query: string, defaultCountry: string | null): string | null {
  if (!/^[+\d][\d\s().-]{5,}$/.test(query.trim())) return null;
  const result = normalizePhone(query, defaultCountry);
  return result.ok && result.value ? result.value.e164 : null;
}
