import type { AuthUser } from './claims';
import { canSee, scopePredicate } from './scope';

/** Columns of a contact (or a copy of one): its salesperson, its branch, and "the salesperson is in one of these teams". */
export interface ContactScopeColumns {
  owner: string;
  branch: string;
  /** SQL that holds when the owner is in one of the teams of the uuid[] placeholder given (e.g. a subquery on a users table). */
  ownerInTeams: (teamIdsPlaceholder: string) => string;
}

/**
 * Which contacts a user may read (issue 8's access groups, with the contact's salesperson as its
 * owner; a contact has no team of its own, so "of their teams" means "whose salesperson is in
 * one of their teams"):
 * - admin, user_all: every contact of their branches;
 * - user_team: the contacts they are salesperson of, those of their teams' salespeople, and
 *   the unassigned ones (no salesperson) of their branches;
 * - user_own: the contacts they are salesperson of, and the unassigned ones of their branches;
 * - branch users see only contacts of their branches (a contact without a branch is head
 *   office's); head office (no branches) sees all branches.
 * The contacts subgraph and every copy of its contacts (reporting) use it.
 */
export function contactScopePredicate(user: AuthUser | null, columns: ContactScopeColumns, params: unknown[]): string {
  const owned = scopePredicate(user, { owner: columns.owner, branch: columns.branch }, params);
  if (!user || user.role === 'none' || user.role === 'admin' || user.role === 'user_all') return `(${owned})`;
  const inBranches = scopePredicate({ ...user, role: 'user_all' }, { branch: columns.branch }, params);
  const shared = [`${columns.owner} IS NULL`];
  if (user.role === 'user_team' && user.teamIds.length > 0) {
    params.push(user.teamIds);
    shared.push(columns.ownerInTeams(`$${params.length}::uuid[]`));
  }
  return `((${owned}) OR ((${shared.join(' OR ')}) AND ${inBranches}))`;
}

/** The same rule for one contact in memory (`ownerTeamIds`: the salesperson's teams). */
export function canSeeContact(user: AuthUser | null, contact: { owner: string | null; ownerTeamIds: string[]; branch: string | null }): boolean {
  if (!user || user.role === 'none') return false;
  if (!canSee({ ...user, role: 'user_all' }, { branch: contact.branch })) return false;
  if (user.role === 'admin' || user.role === 'user_all') return true;
  if (contact.owner === null || contact.owner === user.id) return true;
  return user.role === 'user_team' && contact.ownerTeamIds.some((t) => user.teamIds.includes(t));
}
