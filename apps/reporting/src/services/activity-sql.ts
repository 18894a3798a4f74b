import type { AssignedScopeColumns } from '@crm/auth';

/**
 * Who may count an activity `a` (activity_rm) joined to its opportunity `o` (opportunity_rm,
 * LEFT JOIN on a.opportunity_id): the activities subgraph's rule — whoever may read the record
 * it is on (its salesperson, team and branch), and its assignee inside their branches. The
 * record's scope is the opportunity's current one when reporting has it (the activities
 * subgraph follows its record's events too, without publishing the activity again), else the
 * copy the activity's last event carried (records of other subgraphs).
 */
export const ACTIVITY_SCOPE = {
  owner: 'CASE WHEN o.id IS NULL THEN a.record_owner_id ELSE o.salesperson_id END',
  team: 'CASE WHEN o.id IS NULL THEN a.team_id ELSE o.team_id END',
  branch: 'CASE WHEN o.id IS NULL THEN a.branch_id ELSE o.branch_id END',
  assignee: 'a.assignee_id',
} satisfies Required<AssignedScopeColumns>;
