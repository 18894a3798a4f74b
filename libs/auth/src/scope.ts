import type { AuthUser } from './claims';

/** Which columns of a table carry a record's owner, team and branch. */
export interface ScopeColumns {
  /** The salesperson / assignee (uuid). */
  owner?: string;
  /** The sales team (uuid). */
  team?: string;
  /** The branch (text id, e.g. "SAM01"). */
  branch?: string;
}

/**
 * The SQL predicate that limits a query to the records a user may read, for use inside the
 * query itself (WHERE, COUNT, SUM …), never as a filter applied to results afterwards.
 * Parameters are appended to `params` and referenced as $n.
 *
 * - admin, user_all: every record (of their branches)
 * - user_team: records of their teams, plus their own
 * - user_own: their own records, plus unassigned records of their teams
 * - no role: nothing
 * Branch users (branchIds not empty) see only records of their branches; head office
 * (branchIds empty) sees all branches.
 */
export function scopePredicate(user: AuthUser | null, columns: ScopeColumns, params: unknown[]): string {
  if (!user) return 'FALSE';
  const clauses: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  switch (user.role) {
    case 'admin':
    case 'user_all':
      break;
    case 'user_team': {
      const parts: string[] = [];
      if (columns.team) parts.push(`${columns.team} = ANY(${param(user.teamIds)}::uuid[])`);
      if (columns.owner) parts.push(`${columns.owner} = ${param(user.id)}::uuid`);
      clauses.push(parts.length ? `(${parts.join(' OR ')})` : 'FALSE');
      break;
    }
    case 'user_own': {
      const parts: string[] = [];
      if (columns.owner) parts.push(`${columns.owner} = ${param(user.id)}::uuid`);
      if (columns.owner && columns.team) {
        parts.push(`(${columns.owner} IS NULL AND ${columns.team} = ANY(${param(user.teamIds)}::uuid[]))`);
      }
      clauses.push(parts.length ? `(${parts.join(' OR ')})` : 'FALSE');
      break;
    }
    default:
      return 'FALSE';
  }
  if (columns.branch && user.branchIds.length > 0) {
    clauses.push(`${columns.branch} = ANY(${param(user.branchIds)}::text[])`);
  }
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}

/** The same rule for one record in memory (e.g. before an update): true when the user may see it. */
export function canSee(user: AuthUser | null, record: { owner?: string | null; team?: string | null; branch?: string | null }): boolean {
  if (!user) return false;
  if (record.branch !== undefined && user.branchIds.length > 0 && (record.branch === null || !user.branchIds.includes(record.branch))) {
    return false;
  }
  switch (user.role) {
    case 'admin':
    case 'user_all':
      return true;
    case 'user_team':
      return (record.team != null && user.teamIds.includes(record.team)) || (record.owner != null && record.owner === user.id);
    case 'user_own':
      return (
        (record.owner != null && record.owner === user.id) ||
        (record.owner == null && record.team != null && user.teamIds.includes(record.team))
      );
    default:
      return false;
  }
}

/** A record's scope columns plus the column of the user it is assigned to (an activity's assignee). */
export interface AssignedScopeColumns extends ScopeColumns {
  assignee: string;
}

/**
 * Visible by the record's scope, or assigned to the user — inside the user's branches (an
 * activity is visible to its assignee even on a record they may not read; a branch user still
 * reads only in their branches). The rule of activities, and of every copy of them (reporting).
 */
export function scopeOrAssignedPredicate(user: AuthUser | null, columns: AssignedScopeColumns, params: unknown[]): string {
  if (!user || user.role === 'none') return 'FALSE';
  const scope = scopePredicate(user, columns, params);
  const inBranches = scopePredicate({ ...user, role: 'user_all' }, { branch: columns.branch }, params);
  params.push(user.id);
  return `((${columns.assignee} = $${params.length}::uuid AND ${inBranches}) OR (${scope}))`;
}

/** The same rule for one record in memory. */
export function canSeeOrAssigned(
  user: AuthUser | null,
  record: { owner?: string | null; team?: string | null; branch?: string | null; assignee: string | null },
): boolean {
  if (!user || user.role === 'none') return false;
  const assigned = record.assignee !== null && record.assignee === user.id && canSee({ ...user, role: 'user_all' }, { branch: record.branch });
  return assigned || canSee(user, { owner: record.owner, team: record.team, branch: record.branch });
}
