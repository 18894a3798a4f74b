import type { Row } from './row';
/** activities.resource: the local index of other subgraphs' records, fed by their events. */
export interface ResourceRecord {
  resourceType: string;
  resourceId: string;
  name: string | null;
  ownerId: string | null;
  teamId: string | null;
  branchId: string | null;
  active: boolean;
  deleted: boolean;
  createdBy: string | null;
  state: Record<string, unknown>;
  version: number;
}

export const RESOURCE_COLUMNS = `resource_type, resource_id, name, owner_id, team_id, branch_id, active, deleted, created_by, state, version`;

export function toResource(r: Row): ResourceRecord {
  return {
    resourceType: r['resource_type'],
    resourceId: r['resource_id'],
    name: r['name'],
    ownerId: r['owner_id'],
    teamId: r['team_id'],
    branchId: r['branch_id'],
    active: r['active'],
    deleted: r['deleted'],
    createdBy: r['created_by'],
    state: r['state'] ?? {},
    version: r['version'],
  };
}
