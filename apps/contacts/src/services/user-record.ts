import type { EntityManager } from 'typeorm';
import type { Role } from '@crm/auth';

/** A user as the services and resolvers see it (never with the password hash). */
export interface UserRecord {
  id: string;
  login: string;
  name: string;
  contactId: string | null;
  role: Role;
  branchIds: string[];
  teamIds: string[];
  timeZone: string;
  active: boolean;
  passwordChangedAt: Date | null;
  lastLoginAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

/** The SELECT list that maps contacts.user_account (alias u) to a UserRecord. */
export const USER_COLUMNS = `u.id, u.login, u.name, u.contact_id AS "contactId", u.role, u.branch_ids AS "branchIds",
  u.team_ids::text[] AS "teamIds", u.time_zone AS "timeZone", u.active, u.password_changed_at AS "passwordChangedAt",
  u.last_login_at AS "lastLoginAt", u.version, u.created_at AS "createdAt", u.updated_at AS "updatedAt",
  u.created_by AS "createdBy", u.updated_by AS "updatedBy"`;

export async function selectUser(
  manager: Pick<EntityManager, 'query'>,
  where: string,
  params: unknown[],
  lock = false,
): Promise<UserRecord | null> {
  const rows: UserRecord[] = await manager.query(
    `SELECT ${USER_COLUMNS} FROM contacts.user_account u WHERE ${where}${lock ? ' FOR UPDATE' : ''}`,
    params,
  );
  return rows[0] ?? null;
}
