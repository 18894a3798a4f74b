import { phoneMatchKey } from './phone-match';

describe('phone match key (duplicates)', () => {
  it('reads a national number and an international one as the same E.164 number', () => {
    expect(phoneMatchKey('0858-4516-4510', { fallback: 'ID' })).toBe('+6285845164510');
    expect(phoneMatchKey('+62 858 4516 4510', { fallback: 'ID' })).toBe('+6285845164510');
    expect(phoneMatchKey('(021) 5790 0000', { fallback: 'ID' })).toBe('+622157900000');
  });

  it("reads a national number in the record's country, else its branch's, else the configured default", () => {
    expect(phoneMatchKey('012-345 6789', { branch: 'MY', fallback: 'ID' })).toBe('+60123456789');
    expect(phoneMatchKey('030 1234567', { record: 'DE', branch: 'MY', fallback: 'ID' })).toBe('+49301234567');
    expect(phoneMatchKey('0858 4516 4510', { record: null, branch: null, fallback: 'ID' })).toBe('+6285845164510');
    // An international number is the same whatever the default.
    expect(phoneMatchKey('+62 858 4516 4510', { branch: 'MY', fallback: 'DE' })).toBe('+6285845164510');
  });

  it('has no key for no number or one that is not valid', () => {
    expect(phoneMatchKey(null, { fallback: 'ID' })).toBeNull();
    expect(phoneMatchKey('  ', { fallback: 'ID' })).toBeNull();
    expect(phoneMatchKey('0858', { fallback: 'ID' })).toBeNull();
  });
});
