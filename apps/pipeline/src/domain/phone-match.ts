import { normalizePhone } from '@crm/phone';

/**
 * The phone number a lead/opportunity is matched on for duplicates, in E.164
 * ("0858-4516-4510" and "+62 858 4516 4510" are both +6285845164510). A national number is
 * read with the first country that applies — the record's own country, its branch's default
 * phone country (crm.contacts.branch, as contacts normalises its phones), else the configured
 * default (PIPELINE_DEFAULT_COUNTRY). Null when there is no number or it is not a valid one
 * (such numbers are matched on their digits instead).
 */
export function phoneMatchKey(
  phone: string | null | undefined,
  countries: { record?: string | null; branch?: string | null; fallback: string },
): string | null {
  const country = countries.record || countries.branch || countries.fallback;
  const result = normalizePhone(phone, country);
  return result.ok && result.value ? result.value.e164 : null;
}
