import type { AuthUser } from './claims';
import { canSeeContact, contactScopePredicate } from './contact-scope';

const cols = { owner: 'c.salesperson_id', branch: 'c.branch_id', ownerInTeams: (t: string) => `c.salesperson_id IN (SELECT u.id FROM users u WHERE u.team_ids && ${t})` };
const base: AuthUser = { id: 'u1', role: 'user_team', branchIds: ['SAM01'], teamIds: ['t1'], tz: 'UTC' };

describe('contact scope', () => {
  it('gives team users their own, their teammates’ and the unassigned contacts of their branches', () => {
    const params: unknown[] = [];
    expect(contactScopePredicate(base, cols, params)).toBe(
      '(((c.salesperson_id = $1::uuid) AND c.branch_id = ANY($2::text[])) OR ((c.salesperson_id IS NULL OR c.salesperson_id IN (SELECT u.id FROM users u WHERE u.team_ids && $4::uuid[])) AND c.branch_id = ANY($3::text[])))',
    );
    expect(params).toEqual(['u1', ['SAM01'], ['SAM01'], ['t1']]);
    expect(canSeeContact(base, { owner: 'u2', ownerTeamIds: ['t1'], branch: 'SAM01' })).toBe(true);
    expect(canSeeContact(base, { owner: 'u2', ownerTeamIds: ['t1'], branch: 'MAN01' })).toBe(false);
    expect(canSeeContact({ ...base, role: 'user_own' }, { owner: 'u2', ownerTeamIds: ['t1'], branch: 'SAM01' })).toBe(false);
    expect(canSeeContact({ ...base, role: 'user_own' }, { owner: null, ownerTeamIds: [], branch: 'SAM01' })).toBe(true);
  });

  it('gives admins and all-documents users every contact of their branches, and no role nothing', () => {
    expect(contactScopePredicate({ ...base, role: 'admin', branchIds: [] }, cols, [])).toBe('(TRUE)');
    expect(contactScopePredicate({ ...base, role: 'none' }, cols, [])).toBe('(FALSE)');
    expect(canSeeContact({ ...base, role: 'user_all' }, { owner: 'u9', ownerTeamIds: [], branch: 'SAM01' })).toBe(true);
    expect(canSeeContact({ ...base, role: 'none' }, { owner: null, ownerTeamIds: [], branch: 'SAM01' })).toBe(false);
  });
});
