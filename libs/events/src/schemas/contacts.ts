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
    // Added with the customer master (issue 3); additive.
    emailEntered: nullableString,
    phoneEntered: nullableString,
    mobileEntered: nullableString,
    website: nullableString,
    jobPosition: nullableString,
    title: nullableString,
    taxId: nullableString,
    occupationId: nullableUuid,
    /** The occupation's name when the event was written. */
    occupationName: nullableString,
    instagram: nullableString,
    facebook: nullableString,
    twitter: nullableString,
    notes: nullableString,
    /** Set on a contact archived by a merge: the contact that absorbed it. */
    mergedIntoId: nullableUuid,
  },
  ['id', 'name', 'version', 'createdAt', 'updatedAt'],
);
