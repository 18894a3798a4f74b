import { GraphQLError } from 'graphql';
import type { AuthUser } from './claims';
import { resolveBranch, scopeFor } from './branch';
import { durationSeconds } from './jwt';

const user = (branchIds: string[], role: AuthUser['role'] = 'user_own'): AuthUser => ({ id: 'u1', role, branchIds, teamIds: ['t1'], tz: 'Asia/Jakarta' });

function codeOf(run: () => unknown): [string, string] {
  try {
    run();
  } catch (error) {
    return [(error as GraphQLError).extensions['code'] as string, (error as GraphQLError).extensions['field'] as string];
  }
  throw new Error('expected an error');
}

describe('resolveBranch (seed 002: a branch login fills the branch itself)', () => {
  it('fills the branch of a one-branch user when omitted', () => {
    expect(resolveBranch(user(['SAM01']), undefined)).toBe('SAM01');
    expect(resolveBranch(user(['SAM01']), '  ')).toBe('SAM01');
  });

  it('accepts the user’s own branch, in any case', () => {
    expect(resolveBranch(user(['SAM01', 'MAN01']), 'man01')).toBe('MAN01');
  });

  it('rejects a foreign branch with FORBIDDEN and a malformed one with BAD_USER_INPUT', () => {
    expect(codeOf(() => resolveBranch(user(['SAM01']), 'MAN01'))).toEqual(['FORBIDDEN', 'branchId']);
    expect(codeOf(() => resolveBranch(user(['SAM01']), 'SAM 01', { field: 'branch' }))).toEqual(['BAD_USER_INPUT', 'branch']);
  });

  it('makes a several-branch user choose', () => {
    expect(codeOf(() => resolveBranch(user(['SAM01', 'MAN01']), null))).toEqual(['BAD_USER_INPUT', 'branchId']);
  });

  it('lets head office write any branch, or none unless required', () => {
    expect(resolveBranch(user([]), 'BEN01')).toBe('BEN01');
    expect(resolveBranch(user([]), null)).toBeNull();
    expect(codeOf(() => resolveBranch(user([]), null, { required: true }))).toEqual(['BAD_USER_INPUT', 'branchId']);
  });

  it('on an edit, null clears the branch for head office and is refused to a branch user', () => {
    expect(resolveBranch(user([]), null, { edit: true })).toBeNull();
    expect(codeOf(() => resolveBranch(user([]), null, { edit: true, required: true }))).toEqual(['BAD_USER_INPUT', 'branchId']);
    expect(codeOf(() => resolveBranch(user(['SAM01']), null, { edit: true }))).toEqual(['BAD_USER_INPUT', 'branchId']);
    expect(resolveBranch(user(['SAM01']), 'sam01', { edit: true })).toBe('SAM01');
    expect(codeOf(() => resolveBranch(user(['SAM01']), 'MAN01', { edit: true }))).toEqual(['FORBIDDEN', 'branchId']);
  });
});

describe('scopeFor', () => {
  it('describes each access group', () => {
    expect(scopeFor(null).documents).toBe('none');
    expect(scopeFor(user(['SAM01'])).documents).toBe('own');
    expect(scopeFor(user(['SAM01'], 'user_team'))).toMatchObject({ documents: 'team', teamIds: ['t1'], branchIds: ['SAM01'], admin: false });
    expect(scopeFor(user([], 'admin'))).toMatchObject({ documents: 'all', branchIds: null, admin: true });
  });
});

describe('durationSeconds', () => {
  it('reads 900, 900s, 15m, 12h, 14d', () => {
    expect([durationSeconds('900'), durationSeconds('900s'), durationSeconds('15m'), durationSeconds('12h'), durationSeconds('14d')]).toEqual([
      900, 900, 900, 43_200, 1_209_600,
    ]);
    expect(() => durationSeconds('soon')).toThrow('time span');
  });
});
