import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are 256 random bits (base64url), handed out once and stored only as their
 * SHA-256: a database leak gives no usable token. (A slow hash is for low-entropy passwords;
 * a random 256-bit secret needs none, and its hash can be an indexed lookup key.)
 */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Shape check before touching the database (rt_ + 43 base64url characters). */
export function looksLikeRefreshToken(token: string): boolean {
  return /^rt_[A-Za-z0-9_-]{43}$/.test(token);
}

export type RefreshVerdict =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'revoked'; reason: string }
  /** Already exchanged for a newer token: someone replays it — the whole session is revoked. */
  | { kind: 'reused' }
  | { kind: 'user_inactive' };

export interface StoredRefreshToken {
  expiresAt: Date;
  sessionExpiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  userActive: boolean;
}

/** The rule for one presented refresh token, without I/O. */
export function judgeRefreshToken(row: StoredRefreshToken | null, now: Date): RefreshVerdict {
  if (!row) return { kind: 'unknown' };
  if (row.revokedAt) return row.revokedReason === 'rotated' ? { kind: 'reused' } : { kind: 'revoked', reason: row.revokedReason ?? 'revoked' };
  if (row.expiresAt <= now || row.sessionExpiresAt <= now) return { kind: 'expired' };
  if (!row.userActive) return { kind: 'user_inactive' };
  return { kind: 'ok' };
}
