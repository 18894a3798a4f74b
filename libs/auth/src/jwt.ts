import { SignJWT, jwtVerify, errors } from 'jose';
import { envString } from '@crm/runtime';
import { isRole, type AuthUser } from './claims';

export const JWT_ISSUER = 'crm';
export const JWT_AUDIENCE = 'crm-api';

function secret(): Uint8Array {
  return new TextEncoder().encode(envString('JWT_SECRET', 'dev-only-secret-change-me-in-production-32b'));
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** Signs an access token (HS256) carrying the user's role, branches, teams and time zone. */
export async function signAccessToken(user: AuthUser, expiresIn: string | number = '15m'): Promise<string> {
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
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret(), {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithms: ['HS256'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
    if (error instanceof errors.JWTClaimValidationFailed) throw new InvalidTokenError(`token ${error.claim} invalid`);
    throw new InvalidTokenError('token invalid');
  }
  const { sub, role, branchIds, teamIds, tz } = payload as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof sub !== 'string' || !isRole(role) || !strings(branchIds) || !strings(teamIds)) {
    throw new InvalidTokenError('token claims invalid');
  }
  return {
    id: sub,
    role,
    branchIds: branchIds as string[],
    teamIds: teamIds as string[],
    tz: typeof tz === 'string' && tz ? tz : 'UTC',
  };
}
