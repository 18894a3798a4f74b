import type { GraphQLError } from 'graphql';
import type { AuthUser } from '@crm/auth';
import { EMPTY_CONTACT, type ContactFields } from './contact-input';
import { resolveContact, type ContactRefs } from './contact-rules';

const ACME = '01934d6e-0000-7000-8000-00000000000a';
const PEPPER = '01934d6e-0000-7000-8000-00000000000b';
const SELF = '01934d6e-0000-7000-8000-00000000000c';
const OJEK = '01934d6e-0000-7000-8000-0000000000f1';
const VIP = '01934d6e-0000-7000-8000-0000000000e1';
const RINA = '01934d6e-0000-7000-8000-0000000000c1';
const GONE = '01934d6e-0000-7000-8000-0000000000c2';

const refs: ContactRefs = {
  parents: new Map([
    [ACME, { id: ACME, kind: 'company', countryCode: 'DE', branchId: 'SAM01', lineage: [ACME] }],
    [PEPPER, { id: PEPPER, kind: 'person', countryCode: null, lineage: [PEPPER, SELF] }],
  ]),
  branches: new Map([
    ['SAM01', { id: 'SAM01', active: true, defaultPhoneCountry: 'ID' }],
    ['OLD01', { id: 'OLD01', active: false, defaultPhoneCountry: 'ID' }],
  ]),
  occupations: new Map([[OJEK, { id: OJEK, name: 'Ojek', active: true }]]),
  tags: new Map([[VIP, { id: VIP, name: 'VIP', active: true }]]),
  users: new Map([
    [RINA, { id: RINA, name: 'Rina', active: true }],
    [GONE, { id: GONE, name: 'Former Sales', active: false }],
  ]),
  withCompanyChildren: new Set([SELF]),
  defaultCountry: 'ID',
};
const admin: AuthUser = { id: 'u', role: 'admin', branchIds: [], teamIds: [], tz: 'Asia/Jakarta' };
const branchUser: AuthUser = { ...admin, role: 'user_all', branchIds: ['SAM01'] };

function error(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    return (e as GraphQLError).extensions as Record<string, unknown>;
  }
  throw new Error('expected an error');
}

describe('contact rules', () => {
  it('creates with defaults, the caller’s single branch and phones in the parent’s country', () => {
    const c = resolveContact(SELF, null, { name: 'Pepper Potts', parentId: ACME, phone: '030 1234567', occupationId: OJEK, tagIds: [VIP] }, refs, branchUser);
    expect(c).toMatchObject({ kind: 'person', name: 'Pepper Potts', branchId: 'SAM01', phone: '+49301234567', phoneEntered: '030 1234567', tagIds: [VIP] });
  });

  it('reads national phone numbers with the branch’s default country when neither the contact nor its parent has one', () => {
    const kl = { ...refs, branches: new Map([...refs.branches, ['KUL01', { id: 'KUL01', active: true, defaultPhoneCountry: 'MY' }]]) };
    const malaysian = resolveContact(SELF, null, { name: 'Ahmad', branchId: 'KUL01', mobile: '012-345 6789' }, kl, admin);
    expect(malaysian).toMatchObject({ mobile: '+60123456789', mobileEntered: '012-345 6789' });
    // Without a branch: the configured default (Indonesia in the dealer demo).
    expect(resolveContact(SELF, null, { name: 'Budi', mobile: '0852-9423-3849' }, refs, admin).mobile).toBe('+6285294233849');
    // The contact's own country wins over the branch's.
    expect(resolveContact(SELF, null, { name: 'Hans', branchId: 'KUL01', countryCode: 'DE', phone: '030 1234567' }, kl, admin).phone).toBe('+49301234567');
  });

  it('takes a salesperson from the user directory only, and keeps one who was deactivated since', () => {
    expect(resolveContact(SELF, null, { name: 'Budi', salespersonId: RINA }, refs, admin).salespersonId).toBe(RINA);
    expect(error(() => resolveContact(SELF, null, { name: 'Budi', salespersonId: '01934d6e-0000-7000-8000-0000000000c9' }, refs, admin))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'salespersonId' });
    expect(error(() => resolveContact(SELF, null, { name: 'Budi', salespersonId: GONE }, refs, admin))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'salespersonId' });
    const assigned = { ...EMPTY_CONTACT, name: 'Budi', salespersonId: GONE } as ContactFields;
    expect(resolveContact(SELF, assigned, { salespersonId: GONE, city: 'Bandung' }, refs, admin)).toMatchObject({ salespersonId: GONE, city: 'Bandung' });
    expect(resolveContact(SELF, assigned, { salespersonId: null }, refs, admin).salespersonId).toBeNull();
  });

  it('gives a new child its parent’s branch', () => {
    expect(resolveContact(SELF, null, { name: 'Invoices', parentId: ACME, addressType: 'invoice' }, refs, admin).branchId).toBe('SAM01');
    expect(resolveContact(SELF, null, { name: 'Elsewhere', parentId: ACME, branchId: 'OLD01' }, { ...refs, branches: new Map([...refs.branches, ['OLD01', { id: 'OLD01', active: true, defaultPhoneCountry: 'ID' }]]) }, admin).branchId).toBe('OLD01');
  });

  it('reads national numbers with the branch’s country when the contact has none', () => {
    const c = resolveContact(SELF, null, { name: 'Budi', branchId: 'SAM01', mobile: '0852 9423 3849' }, refs, admin);
    expect(c.mobile).toBe('+6285294233849');
  });

  it.each([
    [{ name: 'x', parentId: '01934d6e-0000-7000-8000-0000000000ff' }, 'parentId'],
    [{ name: 'x', kind: 'company', parentId: PEPPER }, 'parentId'],
    [{ name: 'x', occupationId: '01934d6e-0000-7000-8000-0000000000ff' }, 'occupationId'],
    [{ name: 'x', tagIds: ['01934d6e-0000-7000-8000-0000000000ff'] }, 'tagIds'],
    [{ name: 'x', branchId: 'NOPE1' }, 'branchId'],
    [{ name: 'x', branchId: 'OLD01' }, 'branchId'],
    [{ name: 'x', phone: '0' }, 'phone'],
    [{ kind: 'person' }, 'name'],
  ])('refuses %j on %s', (input, field) => {
    expect(error(() => resolveContact(SELF, null, input, refs, admin))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses a parent cycle and a person above a company', () => {
    const before: ContactFields = { ...EMPTY_CONTACT, name: 'Self', kind: 'company' };
    expect(error(() => resolveContact(SELF, before, { parentId: PEPPER }, refs, admin))).toMatchObject({ field: 'parentId' });
    expect(error(() => resolveContact(SELF, before, { kind: 'person' }, refs, admin))).toMatchObject({ field: 'kind' });
  });

  it('keeps branch users inside their branches', () => {
    expect(error(() => resolveContact(SELF, null, { name: 'x', branchId: 'OLD01' }, refs, branchUser))).toMatchObject({ field: 'branchId' });
    refs.branches.set('MAN01', { id: 'MAN01', active: true, defaultPhoneCountry: 'ID' });
    expect(error(() => resolveContact(SELF, null, { name: 'x', branchId: 'MAN01' }, refs, branchUser))).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const twoBranches = { ...branchUser, branchIds: ['SAM01', 'MAN01'] };
    expect(error(() => resolveContact(SELF, null, { name: 'x' }, refs, twoBranches))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    expect(resolveContact(SELF, null, { name: 'x', branchId: 'man01' }, refs, twoBranches).branchId).toBe('MAN01');
    expect(error(() => resolveContact(SELF, null, { name: 'x', branchId: 'SAM 01' }, refs, branchUser))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
  });

  it('on an edit, keeps a branch user’s contact in a branch and lets head office clear it (resolveBranch of libs/auth)', () => {
    const before: ContactFields = { ...EMPTY_CONTACT, name: 'Budi', branchId: 'SAM01' };
    expect(error(() => resolveContact(SELF, before, { branchId: null }, refs, branchUser))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    expect(error(() => resolveContact(SELF, before, { branchId: 'MAN01' }, refs, branchUser))).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    expect(resolveContact(SELF, before, { branchId: null }, refs, admin).branchId).toBeNull();
    expect(resolveContact(SELF, before, { name: 'Budi S.' }, refs, branchUser).branchId).toBe('SAM01');
  });
});
