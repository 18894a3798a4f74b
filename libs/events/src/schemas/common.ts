/** JSON Schema building blocks shared by the event schemas. */
export type JsonSchema = Record<string, unknown>;

export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const nullableUuid: JsonSchema = { anyOf: [uuid, { type: 'null' }] };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const nullableDateTime: JsonSchema = { anyOf: [dateTime, { type: 'null' }] };
export const nullableString: JsonSchema = { type: ['string', 'null'] };
/** Money and other decimals travel as strings, never floats. */
export const decimal: JsonSchema = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };

/** Fields every aggregate state carries. */
export const auditFields: Record<string, JsonSchema> = {
  id: uuid,
  version: { type: 'integer', minimum: 1 },
  createdAt: dateTime,
  updatedAt: dateTime,
  createdBy: nullableUuid,
  updatedBy: nullableUuid,
};

export function objectSchema(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  // Additional properties are allowed: within a version, schemas only grow.
  return { type: 'object', properties, required, additionalProperties: true };
}

/** `{ state, changes? }` plus event-specific members. */
export function stateEventSchema(
  title: string,
  state: JsonSchema,
  extra: Record<string, JsonSchema> = {},
  extraRequired: string[] = [],
): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: {
      state,
      changes: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { from: {}, to: {} }, required: ['from', 'to'] },
      },
      ...extra,
    },
    required: ['state', ...extraRequired],
    additionalProperties: true,
  };
}
