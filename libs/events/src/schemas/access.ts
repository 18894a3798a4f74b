import { dateTime, nullableString, nullableUuid, type JsonSchema } from './common';

/**
 * crm.<service>.access — a request the service refused (UNAUTHENTICATED or FORBIDDEN): the
 * audit trail administrators read (`deniedAttempts`). Not an aggregate's state: a fact.
 * The message key is the user id, or `ip:<address>` for a caller without a valid token.
 */
export const accessDenied: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'AccessDenied',
  type: 'object',
  properties: {
    occurredAt: dateTime,
    /** The service that refused: gateway, contacts, pipeline, activities, sales, reporting. */
    service: { type: 'string', minLength: 1 },
    code: { enum: ['UNAUTHENTICATED', 'FORBIDDEN'] },
    message: { type: 'string' },
    /** A finer reason where known (e.g. reuse_detected, invalid_credentials, token expired). */
    reason: nullableString,
    userId: nullableUuid,
    role: nullableString,
    branchIds: { type: 'array', items: { type: 'string' } },
    operationType: nullableString,
    operationName: nullableString,
    /** Where it was refused: the response path (e.g. createUser) or the root fields asked for. */
    path: nullableString,
    clientIp: nullableString,
    requestId: nullableString,
    /** Refusals not recorded one by one since the previous event (flood protection). */
    suppressed: { type: 'integer', minimum: 0 },
  },
  required: ['occurredAt', 'service', 'code', 'message', 'branchIds', 'suppressed'],
  additionalProperties: true,
};
