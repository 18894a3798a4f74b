import type { DataSource, EntityManager } from 'typeorm';
import { badInput } from '@crm/graphql';
import { RESOURCE_TYPES } from '../domain/resource-types';
import { RESOURCE_COLUMNS, toResource, type ResourceRecord } from '../entities/resource';

type Runner = Pick<EntityManager, 'query'>;

/**
 * The local index of other subgraphs' records (opportunities, contacts, quotations, bookings),
 * kept from their Kafka events. It is how this subgraph knows a record exists, who its
 * salesperson is, its team and branch, and the dates reminder rules are relative to.
 *
 * The index is eventually consistent: a record created a moment ago may not have arrived yet.
 * `require` therefore waits a short grace period (ACTIVITIES_RESOURCE_WAIT_MS, default 3 s)
 * for an unknown id before it answers BAD_USER_INPUT.
 */
export class ResourceIndex {
  constructor(
    private readonly dataSource: DataSource,
    private readonly waitMs: number,
  ) {}

  async find(runner: Runner, type: string, id: string): Promise<ResourceRecord | null> {
    const rows = await runner.query(`SELECT ${RESOURCE_COLUMNS} FROM activities.resource WHERE resource_type = $1 AND resource_id = $2`, [type, id]);
    return rows[0] ? toResource(rows[0]) : null;
  }

  /** The record, waiting up to the grace period for its event; BAD_USER_INPUT when unknown, deleted or archived. */
  /**
   * `visible`: whether the caller may see the record — one they may not is answered exactly as
   * an unknown one (issue 8: a refusal must not reveal that a record exists).
   */
  async require(type: string, id: string, field = 'resourceId', visible: (r: ResourceRecord) => boolean = () => true): Promise<ResourceRecord> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const found = await this.find(this.dataSource, type, id);
      if (found && visible(found)) {
        if (found.deleted) throw badInput(field, `${type} ${id} was deleted`);
        if (!found.active) throw badInput(field, `${type} ${id} is archived`);
        return found;
      }
      if (Date.now() >= deadline) throw badInput(field, `unknown ${type} ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Applies one event's state (inside the consumer's transaction). An older version arriving
   * late changes nothing. Answers the previous and the current entry.
   */
  async apply(
    manager: EntityManager,
    type: string,
    state: Record<string, unknown> & { id: string; version: number },
    options: { deleted?: boolean; time: string },
  ): Promise<{ applied: boolean; previous: ResourceRecord | null; current: ResourceRecord | null }> {
    const def = RESOURCE_TYPES[type]!;
    const id = state.id.toLowerCase();
    const rows = await manager.query(
      `SELECT ${RESOURCE_COLUMNS} FROM activities.resource WHERE resource_type = $1 AND resource_id = $2 FOR UPDATE`,
      [type, id],
    );
    const previous = rows[0] ? toResource(rows[0]) : null;
    if (previous && previous.version > state.version) return { applied: false, previous, current: previous };
    const facts = def.facts(state);
    const deleted = options.deleted === true;
    const createdBy = typeof state['createdBy'] === 'string' ? state['createdBy'] : null;
    const saved = await manager.query(
      `INSERT INTO activities.resource (resource_type, resource_id, name, owner_id, team_id, branch_id, active, deleted, created_by, state, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)
       ON CONFLICT (resource_type, resource_id) DO UPDATE SET name = EXCLUDED.name, owner_id = EXCLUDED.owner_id,
         team_id = EXCLUDED.team_id, branch_id = EXCLUDED.branch_id, active = EXCLUDED.active, deleted = EXCLUDED.deleted,
         created_by = COALESCE(activities.resource.created_by, EXCLUDED.created_by), state = EXCLUDED.state,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       RETURNING ${RESOURCE_COLUMNS}`,
      [type, id, facts.name, facts.ownerId, facts.teamId, facts.branchId, facts.active && !deleted, deleted, createdBy, JSON.stringify(state), state.version, options.time],
    );
    return { applied: true, previous, current: toResource(saved[0]) };
  }
}
