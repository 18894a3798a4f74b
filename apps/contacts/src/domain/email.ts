/** Trims and lower-cases an e-mail address; empty becomes null. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim().toLowerCase();
  return value === '' ? null : value;
}

// Practical address check: one @, a dotted domain, no spaces; local part ≤ 64, total ≤ 254.
const EMAIL_RE = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function isValidEmail(normalized: string): boolean {
  if (normalized.length > 254) return false;
  const at = normalized.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  return EMAIL_RE.test(normalized) && !normalized.includes('..');
}
