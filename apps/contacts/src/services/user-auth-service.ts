import type { DataSource, EntityManager } from 'typeorm';
import { accessTokenTtlSeconds, durationSeconds, signAccessToken } from '@crm/auth';
import { badInput, crmError } from '@crm/graphql';
import { envInt, envString, uuidv7, type Clock } from '@crm/runtime';
import { normalizeEmail } from '../domain/email';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../domain/user-password';
import { hashRefreshToken, judgeRefreshToken, looksLikeRefreshToken, newRefreshToken, type RefreshVerdict } from '../domain/user-refresh-token';
import { selectUser, type UserRecord } from './user-record';
import { revokeSession, type RevokeReason } from './user-sessions';

/** What login and refresh hand out. */
export interface AuthSession {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: UserRecord;
}

export interface AuthSettings {
  /** Lifetime of one refresh token (sliding: each refresh hands out a new one). */
  refreshTtlSeconds: number;
  /** Hard limit of a session from its login, however often it is refreshed. */
  sessionMaxSeconds: number;
  /** Failed logins in a row before the login is locked … */
  maxFailedLogins: number;
  /** … for this long. */
  lockSeconds: number;
}

export function authSettingsFromEnv(): AuthSettings {
  return {
    refreshTtlSeconds: durationSeconds(envString('REFRESH_TOKEN_TTL', '14d')),
    sessionMaxSeconds: durationSeconds(envString('SESSION_MAX_AGE', '30d')),
    maxFailedLogins: envInt('LOGIN_MAX_FAILURES', 5),
    lockSeconds: durationSeconds(envString('LOGIN_LOCK', '15m')),
  };
}

function unauthenticated(message: string, reason: string, extensions: Record<string, unknown> = {}) {
  return crmError('UNAUTHENTICATED', message, { ...extensions, reason });
}

const INVALID_LOGIN = 'invalid e-mail address or password';

interface LoginRow extends UserRecord {
  passwordHash: string | null;
  failedLogins: number;
  lockedUntil: Date | null;
}

/**
 * Login, refresh and logout. Access tokens are short-lived JWTs with the user's role, branches,
 * teams and time zone, read fresh from the user row at every login and refresh. Refresh tokens
 * are opaque, stored hashed, single-use (rotated on every refresh); presenting one that was
 * already exchanged revokes the whole session (token theft: either the thief or the user is
 * replaying it).
 */
export class UserAuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: AuthSettings = authSettingsFromEnv(),
  ) {}

  async login(input: { email?: string | null; password?: string | null }, meta: { userAgent?: string | undefined } = {}): Promise<AuthSession> {
    const login = normalizeEmail(input.email);
    if (login === null) throw badInput('email', 'the e-mail address must not be empty');
    const password = input.password ?? '';
    if (password === '') throw badInput('password', 'the password must not be empty');
    const rows: LoginRow[] = await this.dataSource.query(
      `SELECT u.id, u.active, u.password_hash AS "passwordHash", u.failed_logins AS "failedLogins", u.locked_until AS "lockedUntil"
       FROM contacts.user_account u WHERE u.login = $1`,
      [login],
    );
    const row = rows[0];
    if (!row || !row.active || !row.passwordHash) {
      await verifyAgainstDummy(password);
      throw unauthenticated(INVALID_LOGIN, 'invalid_credentials', { attemptedLogin: login });
    }
    const now = this.clock.now();
    if (row.lockedUntil && row.lockedUntil > now) {
      await verifyAgainstDummy(password);
      const minutes = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 60_000);
      throw unauthenticated(`too many failed logins: try again in ${minutes} minute(s)`, 'locked', { attemptedLogin: login });
    }
    if (!(await verifyPassword(password, row.passwordHash))) {
      await this.dataSource.query(
        // A lock that has run out starts the count afresh.
        `UPDATE contacts.user_account SET
           failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $4 THEN 1 ELSE failed_logins + 1 END,
           locked_until = CASE
             WHEN locked_until IS NOT NULL AND locked_until <= $4 THEN NULL
             WHEN failed_logins + 1 >= $2 THEN $3::timestamptz
             ELSE locked_until END
         WHERE id = $1`,
        [row.id, this.settings.maxFailedLogins, new Date(now.getTime() + this.settings.lockSeconds * 1000), now],
      );
      throw unauthenticated(INVALID_LOGIN, 'invalid_credentials', { attemptedLogin: login });
    }
    const rehash = needsRehash(row.passwordHash) ? await hashPassword(password) : null;
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE contacts.user_account SET last_login_at = $2, failed_logins = 0, locked_until = NULL,
           password_hash = COALESCE($3, password_hash) WHERE id = $1`,
        [row.id, now, rehash],
      );
      // Housekeeping: tokens that ended more than a month ago are no use to anyone.
      await manager.query(
        `DELETE FROM contacts.refresh_token WHERE user_id = $1 AND (revoked_at < $2 OR expires_at < $2)`,
        [row.id, new Date(now.getTime() - 30 * 86_400_000)],
      );
      const user = (await selectUser(manager, 'u.id = $1', [row.id]))!;
      const sessionExpiresAt = new Date(now.getTime() + this.settings.sessionMaxSeconds * 1000);
      return this.issue(manager, user, uuidv7(now.getTime()), sessionExpiresAt, now, meta.userAgent);
    });
  }

  /** A new session for a user already proven (e.g. right after they changed their password). */
  async startSession(userId: string, meta: { userAgent?: string | undefined } = {}): Promise<AuthSession> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const user = await selectUser(manager, 'u.id = $1 AND u.active', [userId]);
      if (!user) throw unauthenticated('the user is not active', 'user_inactive');
      const sessionExpiresAt = new Date(now.getTime() + this.settings.sessionMaxSeconds * 1000);
      return this.issue(manager, user, uuidv7(now.getTime()), sessionExpiresAt, now, meta.userAgent);
    });
  }

  /** Exchanges a refresh token for a new access token and a new refresh token (rotation). */
  async refresh(input: { refreshToken?: string | null }, meta: { userAgent?: string | undefined } = {}): Promise<AuthSession> {
    const presented = input.refreshToken ?? '';
    if (!looksLikeRefreshToken(presented)) throw unauthenticated('refresh token invalid', 'unknown');
    const now = this.clock.now();
    // The revocation of a replayed session must commit even though the caller gets an error.
    const outcome = await this.dataSource.transaction(async (manager): Promise<{ session: AuthSession } | { verdict: RefreshVerdict }> => {
      const token = await this.lockToken(manager, presented);
      const verdict = judgeRefreshToken(token, now);
      if (verdict.kind === 'ok') {
        const user = (await selectUser(manager, 'u.id = $1', [token!.userId]))!;
        const session = await this.issue(manager, user, token!.sessionId, token!.sessionExpiresAt, now, meta.userAgent ?? token!.userAgent ?? undefined);
        await manager.query(
          `UPDATE contacts.refresh_token SET revoked_at = $2, revoked_reason = 'rotated',
             replaced_by = (SELECT id FROM contacts.refresh_token WHERE token_hash = $3) WHERE id = $1`,
          [token!.id, now, hashRefreshToken(session.refreshToken)],
        );
        return { session };
      }
      if (verdict.kind === 'reused') await revokeSession(manager, token!.sessionId, 'reuse_detected', now);
      if (verdict.kind === 'user_inactive') await revokeSession(manager, token!.sessionId, 'user_inactive', now);
      return { verdict };
    });
    if ('session' in outcome) return outcome.session;
    switch (outcome.verdict.kind) {
      case 'reused':
        throw unauthenticated('refresh token was already used: the session has been revoked, log in again', 'reuse_detected');
      case 'expired':
        throw unauthenticated('refresh token expired: log in again', 'expired');
      case 'revoked':
        throw unauthenticated('refresh token revoked: log in again', outcome.verdict.reason);
      default:
        throw unauthenticated('refresh token invalid', outcome.verdict.kind);
    }
  }

  /** Ends the session the refresh token belongs to. Unknown or already revoked tokens answer false. */
  async logout(input: { refreshToken?: string | null }): Promise<boolean> {
    const presented = input.refreshToken ?? '';
    if (!looksLikeRefreshToken(presented)) return false;
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const token = await this.lockToken(manager, presented);
      if (!token || token.revokedAt) return false;
      return (await revokeSession(manager, token.sessionId, 'logout' satisfies RevokeReason, now)) > 0;
    });
  }

  private async lockToken(manager: EntityManager, presented: string) {
    const rows: {
      id: string;
      sessionId: string;
      userId: string;
      expiresAt: Date;
      sessionExpiresAt: Date;
      revokedAt: Date | null;
      revokedReason: string | null;
      userActive: boolean;
      userAgent: string | null;
    }[] = await manager.query(
      `SELECT t.id, t.session_id AS "sessionId", t.user_id AS "userId", t.expires_at AS "expiresAt",
              t.session_expires_at AS "sessionExpiresAt", t.revoked_at AS "revokedAt", t.revoked_reason AS "revokedReason",
              t.user_agent AS "userAgent", u.active AS "userActive"
       FROM contacts.refresh_token t JOIN contacts.user_account u ON u.id = t.user_id
       WHERE t.token_hash = $1 FOR UPDATE OF t`,
      [hashRefreshToken(presented)],
    );
    return rows[0] ?? null;
  }

  private async issue(
    manager: EntityManager,
    user: UserRecord,
    sessionId: string,
    sessionExpiresAt: Date,
    now: Date,
    userAgent: string | undefined,
  ): Promise<AuthSession> {
    const { token, hash } = newRefreshToken();
    const refreshTokenExpiresAt = new Date(Math.min(now.getTime() + this.settings.refreshTtlSeconds * 1000, sessionExpiresAt.getTime()));
    await manager.query(
      `INSERT INTO contacts.refresh_token (id, session_id, user_id, token_hash, issued_at, expires_at, session_expires_at, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [uuidv7(now.getTime()), sessionId, user.id, hash, now, refreshTokenExpiresAt, sessionExpiresAt, userAgent?.slice(0, 300) ?? null],
    );
    // The JWT's own clock is the wall clock (its verifiers use it too).
    const expSeconds = Math.floor(Date.now() / 1000) + accessTokenTtlSeconds();
    const accessToken = await signAccessToken(
      { id: user.id, role: user.role, branchIds: user.branchIds, teamIds: user.teamIds, tz: user.timeZone },
      expSeconds,
    );
    return {
      tokenType: 'Bearer',
      accessToken,
      accessTokenExpiresAt: new Date(expSeconds * 1000),
      refreshToken: token,
      refreshTokenExpiresAt,
      user,
    };
  }
}
