import { SignJWT, jwtVerify, errors } from 'jose';
import { envString } from '@crm/runtime';
import { isRole, type AuthUser } from './claims';
import { VerifiedTokens } from './verified-tokens';

export const JWT_ISSUER = 'crm';
export const JWT_AUDIENCE = 'crm-api';

function secretText(): string {
  return envString('JWT_SECRET', 'dev-only-secret-change-me-in-production-32b');
}

function secret(text = secretText()): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A user the caller may change without touching what is remembered. */
function copyOf(user: AuthUser): AuthUser {
  return { ...user, branchIds: [...user.branchIds], teamIds: [...user.teamIds] };
}

const verified = new VerifiedTokens<{ user: AuthUser; issuedAt: number }>();

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** A time span such as `900`, `900s`, `15m`, `12h` or `14d`, in seconds. */
export function durationSeconds(span: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(span.trim());
  if (!match) throw new Error(`"${span}" is not a time span (e.g. 15m, 12h, 14d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Lifetime of an access token in seconds: `ACCESS_TOKEN_TTL` (default 15m). */
export function accessTokenTtlSeconds(): number {
  return durationSeconds(envString('ACCESS_TOKEN_TTL', '15m'));
}

function accessTokenTtl(): string {
  return `${accessTokenTtlSeconds()}s`;
}

/** Signs an access token (HS256) carrying the user's role, branches, teams and time zone. */
/** `expiresIn`: a time span (`15m`) or, as a number, an absolute expiry in seconds since the epoch (jose). */
export async function signAccessToken(user: AuthUser, expiresIn: string | number = accessTokenTtl()): Promise<string> {
  return new SignJWT({ role: user.role, branchIds: user.branchIds, teamIds: user.teamIds, tz: user.tz })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret());
}

/** Verifies signature, issuer, audience and expiry, then the claims' shape. */
export async function verifyAccessToken(token: string): Promise<AuthUser> {
  return (await verifyAccessTokenWithTime(token)).user;
}

/** The same check, also giving when the token was issued (`iat`, seconds since the epoch). */
export async function verifyAccessTokenWithTime(token: string): Promise<{ user: AuthUser; issuedAt: number }> {
  const key = secretText();
  const known = verified.get(token, key, Date.now() / 1000);
  if (known) return { user: copyOf(known.user), issuedAt: known.issuedAt };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret(key), {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithms: ['HS256'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
    if (error instanceof errors.JWTClaimValidationFailed) throw new InvalidTokenError(`token ${error.claim} invalid`);
    throw new InvalidTokenError('token invalid');
  }
  const { sub, role, branchIds, teamIds, tz, iat, exp } = payload as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof sub !== 'string' || !isRole(role) || !strings(branchIds) || !strings(teamIds) || typeof iat !== 'number') {
    throw new InvalidTokenError('token claims invalid');
  }
  const user: AuthUser = {
    id: sub,
    role,
    branchIds: branchIds as string[],
    teamIds: teamIds as string[],
    tz: typeof tz === 'string' && tz ? tz : 'UTC',
  };
  // jose refused a token without a valid `exp` already; ours always carry one.
  if (typeof exp === 'number') verified.set(token, key, exp, { user: copyOf(user), issuedAt: iat });
  return { user, issuedAt: iat };
}
