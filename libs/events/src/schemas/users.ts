import { auditFields, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

/** crm.contacts.user — a person who logs in, with the access they have. */
export const userState: JsonSchema = objectSchema(
  {
    ...auditFields,
    login: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    contactId: nullableUuid,
    role: { enum: ['none', 'user_own', 'user_team', 'user_all', 'admin'] },
    branchIds: { type: 'array', items: { type: 'string' } },
    teamIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
    timeZone: { type: 'string', minLength: 1 },
    active: { type: 'boolean' },
  },
  ['id', 'login', 'name', 'role', 'branchIds', 'teamIds', 'timeZone', 'active', 'version'],
);

/** crm.contacts.branch — a branch (dealer outlet) identified by its code, e.g. SAM01. */
export const branchState: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[A-Z0-9-]{2,20}$' },
    name: { type: 'string', minLength: 1 },
    countryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
    timeZone: { type: 'string', minLength: 1 },
    /** Workshop opening hours, local time HH:MM (booking services must fall inside). */
    workshopOpensAt: nullableString,
    workshopClosesAt: nullableString,
    /** The country national phone numbers of the branch are read in (contacts, and pipeline's duplicates). */
    defaultPhoneCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
    active: { type: 'boolean' },
    version: { type: 'integer', minimum: 1 },
  },
  required: ['id', 'name', 'countryCode', 'timeZone', 'active', 'version'],
  additionalProperties: true,
};
