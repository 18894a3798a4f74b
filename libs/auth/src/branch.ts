import { GraphQLError } from 'graphql';
import type { AuthUser } from './claims';

/** A branch code as the dealer network writes it: SAM01, MAN01, A-BAN04 … */
export const BRANCH_CODE = /^[A-Z0-9-]{2,20}$/;

/** Trims and upper-cases a branch code; null for empty. */
export function normalizeBranchCode(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const code = raw.trim().toUpperCase();
  return code === '' ? null : code;
}

export function isHeadOffice(user: AuthUser): boolean {
  return user.branchIds.length === 0;
}

export interface ResolveBranchOptions {
  /** The input field named in errors (default `branchId`). */
  field?: string;
  /** A record that must carry a branch: head office has to name one. */
  required?: boolean;
  /**
   * An edit of an existing record's branch: an explicit null clears it instead of filling it
   * from the user — head office only (unless `required`); a branch user's records keep one of
   * their branches (BAD_USER_INPUT). Callers leave the branch alone when the input omits it.
   */
  edit?: boolean;
}

function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/**
 * The branch a record is written with (seed 002: "a branch login fills the branch field
 * itself"):
 * - omitted, branch user with one branch → that branch;
 * - omitted, branch user with several branches → BAD_USER_INPUT (they must choose);
 * - omitted, head office → null (or BAD_USER_INPUT when `required`);
 * - given but malformed → BAD_USER_INPUT;
 * - given and not one of a branch user's branches → FORBIDDEN (never written elsewhere);
 * - given, head office → accepted;
 * - with `edit`, null clears the branch (head office) or is refused (branch user: BAD_USER_INPUT).
 * Subgraphs that keep a branch list check the code exists themselves (NOT_FOUND / BAD_USER_INPUT).
 */
export function resolveBranch(user: AuthUser, requested: string | null | undefined, options: ResolveBranchOptions = {}): string | null {
  const field = options.field ?? 'branchId';
  const code = normalizeBranchCode(requested);
  if (code === null && options.edit) {
    if (!isHeadOffice(user)) throw badInput(field, `your records belong to one of your branches (${user.branchIds.join(', ')})`);
    if (options.required) throw badInput(field, 'a branch is required');
    return null;
  }
  if (code === null) {
    if (user.branchIds.length === 1) return user.branchIds[0]!;
    if (user.branchIds.length > 1) {
      throw badInput(field, `choose the branch: you work in ${user.branchIds.join(', ')}`);
    }
    if (options.required) throw badInput(field, 'a branch is required');
    return null;
  }
  if (!BRANCH_CODE.test(code)) throw badInput(field, `"${requested}" is not a branch code (e.g. SAM01)`);
  if (!isHeadOffice(user) && !user.branchIds.includes(code)) {
    throw new GraphQLError(`branch ${code} is not one of your branches (${user.branchIds.join(', ')})`, {
      extensions: { code: 'FORBIDDEN', field },
    });
  }
  return code;
}

/** What a user may read, described (for filters, UIs and documentation; SQL uses scopePredicate). */
export interface Scope {
  /** none: nothing; own: theirs + unassigned of their teams; team: their teams' + theirs; all: everything. */
  documents: 'none' | 'own' | 'team' | 'all';
  userId: string;
  teamIds: string[];
  /** null = every branch (head office). */
  branchIds: string[] | null;
  /** Configuration and reporting for everyone. */
  admin: boolean;
}

export function scopeFor(user: AuthUser | null): Scope {
  if (!user) return { documents: 'none', userId: '', teamIds: [], branchIds: [], admin: false };
  const documents = ({ none: 'none', user_own: 'own', user_team: 'team', user_all: 'all', admin: 'all' } as const)[user.role];
  return {
    documents,
    userId: user.id,
    teamIds: [...user.teamIds],
    branchIds: isHeadOffice(user) ? null : [...user.branchIds],
    admin: user.role === 'admin',
  };
}
