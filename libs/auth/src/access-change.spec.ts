import { changesAccess, issuedBeforeChange } from './access-change';

describe('access changes', () => {
  it('are changes of role, branches, teams, active or password', () => {
    for (const field of ['role', 'branchIds', 'teamIds', 'active', 'passwordChangedAt']) {
      expect([field, changesAccess({ [field]: { from: 1, to: 2 } })]).toEqual([field, true]);
    }
    expect(changesAccess({ name: { from: 'a', to: 'b' }, timeZone: { from: 'UTC', to: 'Asia/Jakarta' } })).toBe(false);
    expect(changesAccess(undefined)).toBe(false);
  });

  it('invalidate tokens issued in an earlier second than the change, not those of the same second or later', () => {
    const change = new Date('2026-12-07T01:00:10.700Z');
    const second = Math.floor(change.getTime() / 1000);
    expect(issuedBeforeChange(second - 1, change)).toBe(true);
    expect(issuedBeforeChange(second, change)).toBe(false);
    expect(issuedBeforeChange(second + 5, change)).toBe(false);
  });
});
