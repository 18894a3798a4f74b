/** Access groups: no access, own documents, team documents, all documents, administrator. */
export const ROLES = ['none', 'user_own', 'user_team', 'user_all', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: string;
  role: Role;
  /** Branches the user works in; empty = head office (all branches). */
  branchIds: string[];
  teamIds: string[];
  /** IANA time zone, e.g. Asia/Jakarta. */
  tz: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
