import type { AuthUser } from './claims';
import { canSee, scopePredicate } from './scope';

const base: AuthUser = { id: 'u1', role: 'user_own', branchIds: [], teamIds: ['t1'], tz: 'UTC' };
const cols = { owner: 'o.salesperson_id', team: 'o.team_id', branch: 'o.branch_id' };

describe('record scope', () => {
  it('gives admins and all-documents users everything of their branches', () => {
    const params: unknown[] = [];
    expect(scopePredicate({ ...base, role: 'admin' }, cols, params)).toBe('TRUE');
    expect(scopePredicate({ ...base, role: 'user_all', branchIds: ['SAM01'] }, cols, params)).toBe('o.branch_id = ANY($1::text[])');
    expect(params).toEqual([['SAM01']]);
  });

  it('limits own-documents users to theirs plus unassigned records of their teams', () => {
    const params: unknown[] = [];
    expect(scopePredicate(base, cols, params)).toBe('(o.salesperson_id = $1::uuid OR (o.salesperson_id IS NULL AND o.team_id = ANY($2::uuid[])))');
    expect(params).toEqual(['u1', ['t1']]);
    expect(canSee(base, { owner: 'u1', team: 'tX' })).toBe(true);
    expect(canSee(base, { owner: null, team: 't1' })).toBe(true);
    expect(canSee(base, { owner: 'u2', team: 't1' })).toBe(false);
  });

  it('gives team-documents users every record of their teams', () => {
    const user: AuthUser = { ...base, role: 'user_team' };
    expect(scopePredicate(user, cols, [])).toBe('(o.team_id = ANY($1::uuid[]) OR o.salesperson_id = $2::uuid)');
    expect(canSee(user, { owner: 'u2', team: 't1' })).toBe(true);
    expect(canSee(user, { owner: 'u2', team: 't2' })).toBe(false);
  });

  it('gives nothing without a user or a role, and hides other branches', () => {
    expect(scopePredicate(null, cols, [])).toBe('FALSE');
    expect(scopePredicate({ ...base, role: 'none' }, cols, [])).toBe('FALSE');
    expect(canSee({ ...base, role: 'admin', branchIds: ['SAM01'] }, { branch: 'MAN01' })).toBe(false);
  });
});
