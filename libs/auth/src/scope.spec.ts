import type { AuthUser } from './claims';
import { canSee, canSeeOrAssigned, scopeOrAssignedPredicate, scopePredicate } from './scope';

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

describe('scope or assigned (activities)', () => {
  const cols = { owner: 'a.record_owner_id', team: 'a.team_id', branch: 'a.branch_id', assignee: 'a.assignee_id' };
  const own: AuthUser = { ...base, role: 'user_own', branchIds: ['SAM01'] };

  it('adds "assigned to me, inside my branches" to the record scope', () => {
    const params: unknown[] = [];
    expect(scopeOrAssignedPredicate(own, cols, params)).toBe(
      '((a.assignee_id = $5::uuid AND a.branch_id = ANY($4::text[])) OR ((a.record_owner_id = $1::uuid OR (a.record_owner_id IS NULL AND a.team_id = ANY($2::uuid[]))) AND a.branch_id = ANY($3::text[])))',
    );
    expect(params).toEqual(['u1', ['t1'], ['SAM01'], ['SAM01'], 'u1']);
    expect(scopeOrAssignedPredicate({ ...own, role: 'none' }, cols, [])).toBe('FALSE');
  });

  it('sees an activity assigned to me on a record I may not read, in my branches only', () => {
    expect(canSeeOrAssigned(own, { owner: 'u2', team: 't1', branch: 'SAM01', assignee: 'u1' })).toBe(true);
    expect(canSeeOrAssigned(own, { owner: 'u2', team: 't1', branch: 'MAN01', assignee: 'u1' })).toBe(false);
    // Nobody's activity on someone else's record of my team: the record's rule decides (not mine).
    expect(canSeeOrAssigned(own, { owner: 'u2', team: 't1', branch: 'SAM01', assignee: null })).toBe(false);
    expect(canSeeOrAssigned(own, { owner: null, team: 't1', branch: 'SAM01', assignee: null })).toBe(true);
  });
});
