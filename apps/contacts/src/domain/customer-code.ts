/**
 * Customer codes as the dealer's CDDB prints them: `<prefix>/<yymm>/<number>`, e.g.
 * BPA/2004/1720353 — prefix BPA (business partner), created April 2020, 1,720,353rd number
 * of the BPA counter. The number comes from the counter of the prefix (it never restarts,
 * so codes stay unique); yymm is the creation month in the branch's time zone; numbers are
 * zero-padded to at least `padding` digits (BPA/1804/089339).
 */
export const DEFAULT_CODE_PREFIX = 'BPA';
export const DEFAULT_CODE_PADDING = 6;

const PREFIX_RE = /^[A-Z0-9][A-Z0-9-]{0,15}$/;

export function isValidCodePrefix(prefix: string): boolean {
  return PREFIX_RE.test(prefix);
}

/** yymm of an instant in a time zone (e.g. 2020-04-30T20:00Z in Asia/Jakarta → 2005). */
const formatters = new Map<string, Intl.DateTimeFormat>();

let last = { key: '', value: '' };

export function yearMonth(at: Date, timeZone: string): string {
  const key = `${timeZone}|${at.getTime()}`;
  if (last.key === key) return last.value;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, year: '2-digit', month: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  last = { key, value: `${get('year')}${get('month')}` };
  return last.value;
}

export function formatCustomerCode(prefix: string, at: Date, timeZone: string, number: number | bigint, padding = DEFAULT_CODE_PADDING): string {
  if (!isValidCodePrefix(prefix)) throw new Error(`invalid code prefix ${prefix}`);
  const n = BigInt(number);
  if (n < 1n) throw new Error('code numbers start at 1');
  return `${prefix}/${yearMonth(at, timeZone)}/${n.toString().padStart(padding, '0')}`;
}

/** Reads a code back: prefix, yymm and number; null when it does not follow the format. */
export function parseCustomerCode(code: string): { prefix: string; yearMonth: string; number: bigint } | null {
  const match = /^([A-Z0-9][A-Z0-9-]{0,15})\/(\d{2}(?:0[1-9]|1[0-2]))\/(\d{1,18})$/.exec(code);
  if (!match) return null;
  return { prefix: match[1]!, yearMonth: match[2]!, number: BigInt(match[3]!) };
}

/** Trims and upper-cases a code as entered; empty → null. Codes are free text up to 64 characters. */
export function normalizeCode(raw: string | null | undefined): string | null {
  const value = (raw ?? '').trim().toUpperCase();
  return value === '' ? null : value;
}
