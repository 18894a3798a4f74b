import { auditFields, decimal, nullableUuid, objectSchema, type JsonSchema } from './common';

export const opportunityState: JsonSchema = objectSchema(
  {
    ...auditFields,
    name: { type: 'string', minLength: 1 },
    customerId: nullableUuid,
    expectedRevenue: decimal,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
  ['id', 'name', 'version', 'createdAt', 'updatedAt'],
);
