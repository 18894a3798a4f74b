/**
 * Access changes take effect at once, not when the access token runs out: a user's role,
 * branches, teams, active flag or password changing makes every access token issued before the
 * change invalid (UNAUTHENTICATED, `reason: access_changed`). The client refreshes (the refresh
 * token still works unless the user was deactivated or their password reset) and gets a token
 * with the new claims. Subgraphs learn of changes from `crm.contacts.user` events (libs/service).
 */

/** The fields of the user event state whose change invalidates earlier access tokens. */
export const ACCESS_FIELDS = ['role', 'branchIds', 'teamIds', 'active', 'passwordChangedAt'] as const;

/** True when a user event's `changes` touch the user's access. */
export function changesAccess(changes: Record<string, unknown> | null | undefined): boolean {
  if (!changes) return false;
  return ACCESS_FIELDS.some((field) => field in changes);
}

/**
 * True when a token issued at `issuedAt` (JWT `iat`, whole seconds) predates an access change at
 * `changedAt`. `iat` has whole seconds only, so a token from the same second as the change is
 * accepted: refusing it would also refuse the token the user gets by refreshing right after
 * the change.
 */
export function issuedBeforeChange(issuedAt: number, changedAt: Date): boolean {
  return issuedAt < Math.floor(changedAt.getTime() / 1000);
}
