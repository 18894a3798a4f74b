import { resolveBranch, type AuthUser } from '@crm/auth';
import { badInput } from '@crm/graphql';
import { EMPTY_CONTACT, normalizePhones, validateContactPatch, type ContactFields, type ContactInput } from './contact-input';

export interface ParentInfo {
  id: string;
  kind: 'company' | 'person';
  countryCode: string | null;
  /** A new child without a branch of its own takes its parent's. */
  branchId?: string | null;
  /** The parent itself and every contact above it. */
  lineage: string[];
}

export interface BranchInfo {
  id: string;
  active: boolean;
  defaultPhoneCountry: string;
}

export interface NamedInfo {
  id: string;
  name: string;
  active: boolean;
}

/** What validating a contact needs to know about the records it points at. */
export interface ContactRefs {
  /** Parents the caller may see, by id. */
  parents: Map<string, ParentInfo>;
  branches: Map<string, BranchInfo>;
  occupations: Map<string, NamedInfo>;
  tags: Map<string, NamedInfo>;
  /** The user directory (salespeople), by id. */
  users: Map<string, NamedInfo>;
  /** Contacts that have a company among their children (a person cannot be their parent). */
  withCompanyChildren: Set<string>;
  /** When no contact, parent or branch country applies (CONTACTS_DEFAULT_COUNTRY, ID by default). */
  defaultCountry: string;
}

/**
 * The whole rule set for writing a contact: validates the patch, applies it to `before`
 * (null for a new contact), checks references (parent, branch, occupation, tags, salesperson), parent
 * cycles and kinds, the caller's branches, and normalises phones with the country that
 * applies (the contact's, else its parent's, else its branch's default, else the system's).
 * Throws BAD_USER_INPUT (or FORBIDDEN for a foreign branch) naming the field.
 */
export function resolveContact(
  selfId: string,
  before: ContactFields | null,
  input: ContactInput,
  refs: ContactRefs,
  user: AuthUser | null,
): ContactFields {
  const patch = validateContactPatch(input);
  const { phoneRaw, mobileRaw, ...fields } = patch;
  if (before === null && fields.name === undefined) throw badInput('name', 'name must not be empty');
  const after: ContactFields = { ...(before ?? { ...EMPTY_CONTACT, name: '' }), ...fields } as ContactFields;

  let parent: ParentInfo | null = null;
  if (after.parentId !== null) {
    parent = refs.parents.get(after.parentId) ?? null;
    if (parent === null) throw badInput('parentId', `contact ${after.parentId} not found`);
    const parentChanged = before === null || before.parentId !== after.parentId;
    if (parentChanged && parent.lineage.includes(selfId)) {
      throw badInput('parentId', 'the parent would be one of the contact’s own children (a cycle)');
    }
    if (after.kind === 'company' && parent.kind === 'person') {
      throw badInput(fields.kind !== undefined && fields.parentId === undefined ? 'kind' : 'parentId', 'a person cannot be the parent of a company');
    }
  }
  if (before !== null && after.kind === 'person' && before.kind === 'company' && refs.withCompanyChildren.has(selfId)) {
    throw badInput('kind', 'this contact is the parent of a company, so it must stay a company');
  }

  const branchTouched = before === null || fields.branchId !== undefined;
  if (before === null && fields.branchId === undefined && parent?.branchId) after.branchId = parent.branchId;
  if (branchTouched && user) {
    // One rule in every subgraph (libs/auth): omitted → the user's branch (a several-branch user
    // chooses), foreign → FORBIDDEN, malformed → BAD_USER_INPUT; on an edit null clears (head office only).
    after.branchId = resolveBranch(user, after.branchId, { edit: before !== null });
  }
  let branch: BranchInfo | null = null;
  if (after.branchId !== null) {
    branch = refs.branches.get(after.branchId) ?? null;
    if (branch === null) throw badInput('branchId', `branch ${after.branchId} not found`);
    if (branchTouched && before?.branchId !== after.branchId && !branch.active) throw badInput('branchId', `branch ${after.branchId} is archived`);
  }

  if (fields.occupationId !== undefined && after.occupationId !== null && after.occupationId !== before?.occupationId) {
    const occupation = refs.occupations.get(after.occupationId);
    if (!occupation || !occupation.active) throw badInput('occupationId', `unknown occupation ${after.occupationId}`);
  }
  if (fields.salespersonId !== undefined && after.salespersonId !== null && after.salespersonId !== before?.salespersonId) {
    const salesperson = refs.users.get(after.salespersonId);
    if (!salesperson) throw badInput('salespersonId', `unknown user ${after.salespersonId}`);
    if (!salesperson.active) throw badInput('salespersonId', `user ${salesperson.name} is deactivated`);
  }
  if (fields.tagIds !== undefined) {
    const kept = new Set(before?.tagIds ?? []);
    const unknown = after.tagIds.filter((id) => !kept.has(id) && !refs.tags.get(id)?.active);
    if (unknown.length > 0) throw badInput('tagIds', `unknown tag(s) ${unknown.join(', ')}`);
    after.tagIds = [...after.tagIds].sort();
  }

  const country = after.countryCode ?? parent?.countryCode ?? branch?.defaultPhoneCountry ?? refs.defaultCountry;
  Object.assign(after, normalizePhones({ phoneRaw, mobileRaw }, country));
  return after;
}
