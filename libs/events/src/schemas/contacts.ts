import { auditFields, nullableString, objectSchema, type JsonSchema } from './common';

export const contactState: JsonSchema = objectSchema(
  {
    ...auditFields,
    name: { type: 'string', minLength: 1 },
    email: nullableString,
    active: { type: 'boolean' },
  },
  ['id', 'name', 'version', 'createdAt', 'updatedAt'],
);
