import { GraphQLError } from 'graphql';
import type { AuthUser, Role } from './claims';
import { InvalidTokenError, verifyAccessTokenWithTime } from './jwt';
import { verifyServiceToken, type ServiceName } from './service-token';

export interface AuthContext {
  user: AuthUser | null;
  /** When the user's token was issued (`iat`, seconds since the epoch). */
  issuedAt?: number;
}

/** Who is calling a subgraph: a user (their token), an internal service (its token), or both (the gateway forwarding a user). */
export interface RequestAuth {
  user: AuthUser | null;
  service: ServiceName | null;
  /** When the user's token was issued (`iat`, seconds since the epoch); null without a user. */
  issuedAt: number | null;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Reads `Authorization: Bearer <jwt>`; no header → anonymous; a bad token → UNAUTHENTICATED. */
export async function authFromHeader(authorization: string | undefined | null): Promise<AuthContext> {
  if (!authorization) return { user: null };
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
  try {
    return await verifyAccessTokenWithTime(match[1]!);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

/** Reads a service token header (`x-service-authorization: Bearer <jwt>`); none → null; a bad one → UNAUTHENTICATED. */
export async function serviceFromHeader(header: string | undefined | null): Promise<ServiceName | null> {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('the service token must be "Bearer <token>"');
  try {
    return (await verifyServiceToken(match[1]!)).svc;
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
}

/**
 * A subgraph's admission rule: a valid user token, or a valid service token (the gateway's
 * health and composition queries, and the public login/refresh/logout it forwards). Neither →
 * UNAUTHENTICATED (HTTP 401); any invalid token → UNAUTHENTICATED even if the other is valid.
 */
export async function authFromRequest(authorization: string | undefined | null, serviceAuthorization: string | undefined | null): Promise<RequestAuth> {
  const [{ user, issuedAt }, service] = await Promise.all([authFromHeader(authorization), serviceFromHeader(serviceAuthorization)]);
  if (!user && !service) throw unauthenticated('a bearer token is required');
  return { user, service, issuedAt: issuedAt ?? null };
}

/**
 * Any signed-in user, including one without CRM access (role `none`): for the few resolvers
 * that concern the caller themself (`me`, changing one's own password).
 */
export function requireSession(ctx: AuthContext): AuthUser {
  if (!ctx.user) throw unauthenticated('authentication required');
  return ctx.user;
}

/**
 * A signed-in user with CRM access. A user whose access group is `none` gets FORBIDDEN from
 * every resolver that calls this — "no access" means nothing, not an empty list.
 */
export function requireUser(ctx: AuthContext): AuthUser {
  const user = requireSession(ctx);
  if (user.role === 'none') throw forbidden('no access to the CRM (access group "none")');
  return user;
}

export function requireRole(ctx: AuthContext, roles: Role[]): AuthUser {
  const user = requireSession(ctx);
  if (!roles.includes(user.role)) {
    throw forbidden(`requires role ${roles.join(' or ')}`);
  }
  return user;
}

/** Configuration (teams, stages, lost reasons, tags, activity types, process rules, users): administrators only. */
export function requireAdmin(ctx: AuthContext): AuthUser {
  return requireRole(ctx, ['admin']);
}
