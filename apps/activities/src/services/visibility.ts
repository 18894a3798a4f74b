import { canSee, canSeeOrAssigned, scopeOrAssignedPredicate, scopePredicate, type AuthUser } from '@crm/auth';

/**
 * Who sees an activity: whoever may see the record it is attached to — the record's
 * salesperson is the owner, with its team and branch (denormalised on the row from the
 * record's events), by the same rules as everywhere (libs/auth scopes) — and its assignee,
 * inside the assignee's branches (a branch user reads only in their branches, issue 8).
 * libs/auth's scopeOrAssignedPredicate: reporting's copies of activities follow the same rule.
 */
export function activityVisibility(user: AuthUser | null, params: unknown[], alias = 'a'): string {
  return scopeOrAssignedPredicate(
    user,
    { owner: `${alias}.record_owner_id`, team: `${alias}.team_id`, branch: `${alias}.branch_id`, assignee: `${alias}.assignee_id` },
    params,
  );
}

export function canSeeActivity(
  user: AuthUser | null,
  a: { assigneeId: string | null; recordOwnerId: string | null; teamId: string | null; branchId: string | null },
): boolean {
  return canSeeOrAssigned(user, { owner: a.recordOwnerId, team: a.teamId, branch: a.branchId, assignee: a.assigneeId });
}

/** Meetings: the organiser and the user attendees, plus whoever may see the linked record. */
export function meetingVisibility(user: AuthUser | null, params: unknown[], alias = 'm'): string {
  if (!user) return 'FALSE';
  const scope = scopePredicate(user, { owner: `${alias}.record_owner_id`, team: `${alias}.team_id`, branch: `${alias}.branch_id` }, params);
  params.push(user.id);
  const me = `$${params.length}::uuid`;
  return `(${alias}.organizer_id = ${me} OR EXISTS (SELECT 1 FROM activities.meeting_attendee mv WHERE mv.meeting_id = ${alias}.id
    AND mv.kind = 'user' AND mv.attendee_id = ${me}) OR (${scope}))`;
}

/** A record of another subgraph, as far as this one knows it. */
export function canSeeRecord(
  user: AuthUser | null,
  r: { ownerId: string | null; teamId: string | null; branchId: string | null; createdBy: string | null },
): boolean {
  if (!user) return false;
  return r.createdBy === user.id || canSee(user, { owner: r.ownerId, team: r.teamId, branch: r.branchId });
}
