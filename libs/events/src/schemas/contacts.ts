import { auditFields, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

/** crm.contacts.contact — the customer master (companies, people, their addresses). */
export const contactState: JsonSchema = objectSchema(
  {
    ...auditFields,
    kind: { enum: ['company', 'person'] },
    name: { type: 'string', minLength: 1 },
    parentId: nullableUuid,
    addressType: { enum: ['contact', 'invoice', 'delivery', 'other', 'private', null] },
    street: nullableString,
    street2: nullableString,
    city: nullableString,
    state: nullableString,
    zip: nullableString,
    countryCode: nullableString,
    email: nullableString,
    phone: nullableString,
    mobile: nullableString,
    nationalId: nullableString,
    code: nullableString,
    salespersonId: nullableUuid,
    branchId: nullableString,
    tagIds: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
  },
  ['id', 'name', 'version', 'createdAt', 'updatedAt'],
);
