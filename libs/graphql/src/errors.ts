import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Codes whose messages are meant for the client; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // The gateway's protections (apps/gateway/src/hardening).
  'DEPTH_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'DIRECTIVE_LIMIT_EXCEEDED',
  'COST_LIMIT_EXCEEDED',
  'TOKEN_LIMIT_EXCEEDED',
  'BATCH_LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'SUBGRAPH_TIMEOUT',
  'SUBGRAPH_UNAVAILABLE',
]);

export function crmError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** Invalid input: names the field at fault (a dotted path inside `input`, e.g. `email`). */
export function badInput(field: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return crmError('BAD_USER_INPUT', message, { ...extensions, field });
}

export function notFound(entity: string, id: string): GraphQLError {
  return crmError('NOT_FOUND', `${entity} ${id} not found`, { entity, id });
}

export function conflict(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return crmError('CONFLICT', message, extensions);
}

export function forbidden(message = 'not allowed'): GraphQLError {
  return crmError('FORBIDDEN', message);
}

export function unauthenticated(message = 'authentication required'): GraphQLError {
  return crmError('UNAUTHENTICATED', message);
}

export function invalidTransition(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return crmError('INVALID_TRANSITION', message, extensions);
}

/** A system the request needs (e.g. the SMTP server) did not answer; nothing was changed, a retry may work. */
export function serviceUnavailable(service: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return crmError('SERVICE_UNAVAILABLE', message, { ...extensions, service });
}

/** A stale `expectedVersion` is a CONFLICT that tells the client the current version. */
export function staleVersion(entity: string, id: string, expected: number, actual: number): GraphQLError {
  return conflict(`${entity} ${id} was changed by someone else (version ${actual}, expected ${expected})`, {
    entity,
    id,
    expectedVersion: expected,
    actualVersion: actual,
    field: 'expectedVersion',
  });
}

/**
 * formatError for every subgraph: typed errors pass, anything else becomes a generic
 * INTERNAL_SERVER_ERROR without message details, stack trace or SQL.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown, log?: (err: unknown) => void): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  log?.(original);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
