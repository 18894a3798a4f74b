/**
 * Document numbers from a per-branch sequence, as the dealer's Odoo prints them:
 * LDS/SAM01/2007/01990 = prefix / branch / yymm / sequence (5 digits). The sequence runs per
 * prefix, branch and month (it restarts at 1 each month).
 */
export const HEAD_OFFICE_BRANCH = 'HO';

export interface DocumentNumberParts {
  prefix: string;
  branch: string | null;
  /** yymm */
  period: string;
  sequence: number;
  padding?: number;
}

export function formatDocumentNumber(parts: DocumentNumberParts): string {
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1) throw new RangeError('sequence must be a positive integer');
  const padded = String(parts.sequence).padStart(parts.padding ?? 5, '0');
  return `${parts.prefix}/${parts.branch ?? HEAD_OFFICE_BRANCH}/${parts.period}/${padded}`;
}

/** The yymm period of an instant in a time zone (the branch's or user's local month). */
export function documentPeriod(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: '2-digit', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return `${year}${month}`;
}

/** Parses a number back into its parts; null when it is not one of ours. */
export function parseDocumentNumber(value: string): DocumentNumberParts | null {
  const m = /^([A-Z0-9-]+)\/([A-Z0-9-]+)\/(\d{4})\/(\d+)$/.exec(value);
  if (!m) return null;
  return { prefix: m[1]!, branch: m[2]!, period: m[3]!, sequence: Number(m[4]), padding: m[4]!.length };
}
