import { GraphQLError } from 'graphql';
import type { AuthUser, Role } from './claims';
import { InvalidTokenError, verifyAccessToken } from './jwt';

export interface AuthContext {
  user: AuthUser | null;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Reads `Authorization: Bearer <jwt>`; no header → anonymous; a bad token → UNAUTHENTICATED. */
export async function authFromHeader(authorization: string | undefined | null): Promise<AuthContext> {
  if (!authorization) return { user: null };
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
  try {
    return { user: await verifyAccessToken(match[1]!) };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

export function requireUser(ctx: AuthContext): AuthUser {
  if (!ctx.user) throw unauthenticated('authentication required');
  return ctx.user;
}

export function requireRole(ctx: AuthContext, roles: Role[]): AuthUser {
  const user = requireUser(ctx);
  if (!roles.includes(user.role)) {
    throw new GraphQLError(`requires role ${roles.join(' or ')}`, { extensions: { code: 'FORBIDDEN' } });
  }
  return user;
}
