import { isUuid } from '@crm/runtime';

/** What contacts reads of a crm.pipeline.team event's state. */
export interface TeamMembershipState {
  id: string;
  leaderId?: string | null;
  memberIds?: readonly string[] | null;
  active?: boolean | null;
}

/**
 * The users a sales team makes members (issue 8): its members and its leader, while the team is
 * active; nobody once it is archived or deleted. The sales team in pipeline is the master of
 * team membership; a user's `teamIds` in contacts is this projection.
 */
export function teamMemberIds(state: TeamMembershipState, deleted = false): Set<string> {
  if (deleted || state.active === false) return new Set();
  const ids = [...(state.memberIds ?? []), ...(state.leaderId ? [state.leaderId] : [])];
  return new Set(ids.filter((id) => isUuid(id)).map((id) => id.toLowerCase()));
}

/**
 * A user's team ids after a team's event: the team added when they are a member, removed when
 * not; null when nothing changes. Sorted, as setUserAccess stored them.
 */
export function nextTeamIds(current: readonly string[], teamId: string, member: boolean): string[] | null {
  const team = teamId.toLowerCase();
  const has = current.includes(team);
  if (has === member) return null;
  const next = member ? [...current, team] : current.filter((id) => id !== team);
  return next.sort();
}
