import type { EntityManager } from 'typeorm';
import { isValidTimeZone } from '../domain/calendar';

type Runner = Pick<EntityManager, 'query'>;

export interface UserProfile {
  id: string;
  name: string | null;
  timeZone: string | null;
  role: string | null;
  branchIds: string[];
  teamIds: string[];
  active: boolean;
}

/**
 * Users as crm.contacts.user events describe them: names for the chatter, time zones for due
 * states, branches for "a role in the record's branch". A zone this runtime does not know is
 * stored as null (the caller's token `tz` is used instead), so SQL never sees a bad zone name.
 */
export class UserDirectory {
  async apply(manager: EntityManager, s: Record<string, unknown> & { id: string; version: number }): Promise<void> {
    const tz = isValidTimeZone(s['timeZone']) ? (s['timeZone'] as string) : null;
    await manager.query(
      `INSERT INTO activities.user_profile (id, name, login, time_zone, role, branch_ids, team_ids, active, version)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7::uuid[], $8, $9)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, login = EXCLUDED.login, time_zone = EXCLUDED.time_zone,
         role = EXCLUDED.role, branch_ids = EXCLUDED.branch_ids, team_ids = EXCLUDED.team_ids, active = EXCLUDED.active,
         version = EXCLUDED.version
       WHERE activities.user_profile.version <= EXCLUDED.version`,
      [s.id, s['name'] ?? null, s['login'] ?? null, tz, s['role'] ?? null, s['branchIds'] ?? [], s['teamIds'] ?? [], s['active'] !== false, s.version],
    );
  }

  async get(runner: Runner, id: string): Promise<UserProfile | null> {
    const rows = await runner.query(
      `SELECT id, name, time_zone, role, branch_ids, team_ids, active FROM activities.user_profile WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r
      ? { id: r.id, name: r.name, timeZone: r.time_zone, role: r.role, branchIds: r.branch_ids, teamIds: r.team_ids, active: r.active }
      : null;
  }

  async names(runner: Runner, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await runner.query(`SELECT id, name FROM activities.user_profile WHERE id = ANY($1::uuid[]) AND name IS NOT NULL`, [ids]);
    return new Map(rows.map((r: { id: string; name: string }) => [r.id, r.name]));
  }

  async applyBranch(manager: EntityManager, s: Record<string, unknown> & { id: string; version: number }): Promise<void> {
    const tz = isValidTimeZone(s['timeZone']) ? (s['timeZone'] as string) : null;
    await manager.query(
      `INSERT INTO activities.branch (id, name, time_zone, active, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone, active = EXCLUDED.active,
         version = EXCLUDED.version
       WHERE activities.branch.version <= EXCLUDED.version`,
      [s.id, s['name'] ?? s.id, tz, s['active'] !== false, s.version],
    );
  }

  async branchTimeZone(runner: Runner, branchId: string | null): Promise<string | null> {
    if (!branchId) return null;
    const rows = await runner.query(`SELECT time_zone FROM activities.branch WHERE id = $1`, [branchId]);
    return rows[0]?.time_zone ?? null;
  }
}
