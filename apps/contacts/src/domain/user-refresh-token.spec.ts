import { hashRefreshToken, judgeRefreshToken, looksLikeRefreshToken, newRefreshToken } from './user-refresh-token';

const now = new Date('2026-11-23T08:00:00Z');
const later = new Date('2026-12-01T08:00:00Z');
const live = { expiresAt: later, sessionExpiresAt: later, revokedAt: null, revokedReason: null, userActive: true };

describe('refresh tokens', () => {
  it('are 256 random bits, stored as their SHA-256 only', () => {
    const { token, hash } = newRefreshToken();
    expect(looksLikeRefreshToken(token)).toBe(true);
    expect(hash).toEqual(hashRefreshToken(token));
    expect(hash).toHaveLength(32);
    expect(newRefreshToken().token).not.toBe(token);
    expect(looksLikeRefreshToken('rt_short')).toBe(false);
  });

  it('judges: unknown, live, expired (token or session), revoked, reused after rotation, inactive user', () => {
    expect(judgeRefreshToken(null, now)).toEqual({ kind: 'unknown' });
    expect(judgeRefreshToken(live, now)).toEqual({ kind: 'ok' });
    expect(judgeRefreshToken({ ...live, expiresAt: now }, now)).toEqual({ kind: 'expired' });
    expect(judgeRefreshToken({ ...live, sessionExpiresAt: now }, now)).toEqual({ kind: 'expired' });
    expect(judgeRefreshToken({ ...live, revokedAt: now, revokedReason: 'logout' }, now)).toEqual({ kind: 'revoked', reason: 'logout' });
    expect(judgeRefreshToken({ ...live, revokedAt: now, revokedReason: 'rotated' }, now)).toEqual({ kind: 'reused' });
    expect(judgeRefreshToken({ ...live, userActive: false }, now)).toEqual({ kind: 'user_inactive' });
  });
});
