import type { Row } from './sql-util';
import { contactScopePredicate, type AuthUser } from '@crm/auth';
import type { ContactFields } from '../domain/contact-input';
import type { ContactEntity } from '../entities/contact.entity';

/** A contact as read: the entity plus its occupation's name (for events). */
export type ContactRecord = ContactEntity & { occupationName: string | null };

/** Writable columns, by field (tagIds live in contact_tag). */
export const FIELD_COLUMNS: Record<Exclude<keyof ContactFields, 'tagIds'>, string> = {
  kind: 'kind',
  name: 'name',
  parentId: 'parent_id',
  addressType: 'address_type',
  street: 'street',
  street2: 'street2',
  city: 'city',
  state: 'state',
  zip: 'zip',
  countryCode: 'country_code',
  email: 'email',
  emailEntered: 'email_entered',
  phone: 'phone',
  phoneEntered: 'phone_entered',
  mobile: 'mobile',
  mobileEntered: 'mobile_entered',
  website: 'website',
  jobPosition: 'job_position',
  title: 'title',
  taxId: 'tax_id',
  nationalId: 'national_id',
  occupationId: 'occupation_id',
  instagram: 'instagram',
  facebook: 'facebook',
  twitter: 'twitter',
  salespersonId: 'salesperson_id',
  branchId: 'branch_id',
  notes: 'notes',
  code: 'code',
};

export const FIELD_KEYS = Object.keys(FIELD_COLUMNS) as (keyof typeof FIELD_COLUMNS)[];

/** SELECT list for `contacts.contact c`, with tag ids and occupation name. */
export const CONTACT_SELECT = `c.id, ${FIELD_KEYS.map((k) => `c.${FIELD_COLUMNS[k]}`).join(', ')},
  c.merged_into_id, c.active, c.version, c.created_at, c.updated_at, c.created_by, c.updated_by,
  ARRAY(SELECT ct.tag_id FROM contacts.contact_tag ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id) AS tag_ids,
  (SELECT o.name FROM contacts.occupation o WHERE o.id = c.occupation_id) AS occupation_name`;

export function rowToContact(row: Row): ContactRecord {
  const contact = { id: row['id'] } as ContactRecord;
  for (const key of FIELD_KEYS) (contact as unknown as Row)[key] = row[FIELD_COLUMNS[key]] ?? null;
  contact.mergedIntoId = row['merged_into_id'] ?? null;
  contact.active = row['active'];
  contact.version = row['version'];
  contact.createdAt = new Date(row['created_at']);
  contact.updatedAt = new Date(row['updated_at']);
  contact.createdBy = row['created_by'] ?? null;
  contact.updatedBy = row['updated_by'] ?? null;
  contact.tagIds = row['tag_ids'] ?? [];
  contact.occupationName = row['occupation_name'] ?? null;
  return contact;
}

export function fieldsOf(contact: ContactRecord): ContactFields {
  const fields = {} as ContactFields;
  for (const key of FIELD_KEYS) (fields as unknown as Row)[key] = contact[key];
  fields.tagIds = [...contact.tagIds];
  return fields;
}

/**
 * Which contacts a user may read, as SQL on alias `c`: libs/auth's contactScopePredicate (issue
 * 8's access groups with the contact's salesperson as its owner, and "of their teams" meaning
 * "whose salesperson is in one of their teams", from contacts.user_account).
 */
export function contactScope(user: AuthUser | null, params: unknown[], alias = 'c'): string {
  return contactScopePredicate(
    user,
    {
      owner: `${alias}.salesperson_id`,
      branch: `${alias}.branch_id`,
      ownerInTeams: (teamIds) => `${alias}.salesperson_id IN (SELECT u.id FROM contacts.user_account u WHERE u.team_ids && ${teamIds})`,
    },
    params,
  );
}
