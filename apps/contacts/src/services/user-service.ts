import type { DataSource, EntityManager } from 'typeorm';
import { requireAdmin, requireSession, type AuthUser } from '@crm/auth';
import { badInput, forbidden, notFound, parsePage, staleVersion, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import {
  validateAccessPatch,
  validateBranchIds,
  validateNewUser,
  validatePassword,
  validateProfilePatch,
  validateRole,
  validateTeamIds,
  type NewUserInput,
  type UserProfileInput,
} from '../domain/user-input';
import { hashPassword, verifyPassword } from '../domain/user-password';
import { userChanges, userEvent } from './user-events';
import { USER_COLUMNS, selectUser, type UserRecord } from './user-record';
import { revokeUserSessions } from './user-sessions';

const SCHEMA = 'contacts';

export interface UserFilter {
  /** Name or login contains (case-insensitive). */
  search?: string | null;
  role?: string | null;
  branchId?: string | null;
  teamId?: string | null;
  active?: boolean | null;
}

export interface UserOrder {
  field?: 'NAME' | 'LOGIN' | 'CREATED_AT' | null;
  descending?: boolean | null;
}

/** Sort keys: the SQL expression, its type for the cursor comparison, and its text form in cursors. */
const ORDER_KEYS: Record<string, { sql: string; type: string; cursor: string }> = {
  NAME: { sql: 'lower(u.name)', type: 'text', cursor: 'lower(u.name)' },
  LOGIN: { sql: 'u.login', type: 'text', cursor: 'u.login' },
  CREATED_AT: { sql: 'u.created_at', type: 'timestamptz', cursor: `to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` },
};

export interface VersionedInput {
  id: string;
  expectedVersion?: number | null;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string; driverError?: { code?: string } }).code === '23505' ||
    (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}

/**
 * Users: created and managed by administrators; every CRM user can read the directory (names of
 * salespeople appear on every record); a user can read themself and change their own name,
 * time zone and password. One transaction = the row change + its crm.contacts.user event.
 */
export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async findByIds(ids: readonly string[]): Promise<(UserRecord | null)[]> {
    const wanted = ids.filter((id) => isUuid(id));
    const rows: UserRecord[] = wanted.length
      ? await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM contacts.user_account u WHERE u.id = ANY($1::uuid[])`, [wanted])
      : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Users by name (or login, or creation), then id — keyset pagination; the filter applies to rows and count alike. */
  async list(filter: UserFilter, order: UserOrder | null | undefined, args: PageArgs): Promise<Connection<UserRecord>> {
    const page = parsePage(args);
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.search?.trim()) {
      const like = param(`%${filter.search.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(lower(u.name) LIKE ${like} OR u.login LIKE ${like})`);
    }
    if (filter.role) where.push(`u.role = ${param(validateRole(filter.role))}`);
    if (filter.branchId) where.push(`u.branch_ids @> ARRAY[${param(validateBranchIds([filter.branchId])[0])}]::text[]`);
    if (filter.teamId) where.push(`u.team_ids @> ARRAY[${param(validateTeamIds([filter.teamId])[0])}]::uuid[]`);
    if (filter.active !== undefined && filter.active !== null) where.push(`u.active = ${param(filter.active)}`);
    const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const countParams = [...params];
    const sort = ORDER_KEYS[order?.field ?? 'NAME'] ?? ORDER_KEYS['NAME']!;
    const descending = order?.descending === true;
    if (page.after) {
      const [key, id] = page.after;
      if (typeof key !== 'string' || !isUuid(id)) throw badInput('after', 'invalid cursor');
      where.push(`(${sort.sql}, u.id) ${descending ? '<' : '>'} (${param(key)}::${sort.type}, ${param(id)}::uuid)`);
    }
    const direction = descending ? 'DESC' : 'ASC';
    const rows: (UserRecord & { sortKey: string })[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS}, ${sort.cursor} AS "sortKey" FROM contacts.user_account u
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${sort.sql} ${direction}, u.id ${direction} LIMIT ${param(page.limit + 1)}`,
      params,
    );
    return toConnection(rows, page, (row) => [row.sortKey, row.id], async () => {
      const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM contacts.user_account u ${countWhere}`, countParams);
      return count as number;
    });
  }

  /** Administrators create users; without a password the user cannot log in until one is set. */
  async create(input: NewUserInput, ctx: BaseContext): Promise<UserRecord> {
    const actor = requireAdmin(ctx);
    return this.createAs(input, actor.id, ctx.traceparent);
  }

  /** The same, for the first-administrator CLI (no signed-in actor). */
  async createAs(input: NewUserInput, actorId: string | null, traceparent?: string): Promise<UserRecord> {
    const draft = validateNewUser(input);
    const passwordHash = draft.password === null ? null : await hashPassword(draft.password);
    const now = this.clock.now();
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.assertLoginFree(manager, draft.login, null);
        if (draft.contactId) await this.assertContactExists(manager, draft.contactId);
        const id = uuidv7(now.getTime());
        await manager.query(
          `INSERT INTO contacts.user_account (id, login, name, contact_id, role, branch_ids, team_ids, time_zone, active,
             password_hash, password_changed_at, version, created_at, updated_at, created_by, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6::text[], $7::uuid[], $8, true, $9, $10, 1, $11, $11, $12, $12)`,
          [id, draft.login, draft.name, draft.contactId, draft.role, draft.branchIds, draft.teamIds, draft.timeZone,
            passwordHash, passwordHash ? now : null, now, actorId],
        );
        const user = (await selectUser(manager, 'u.id = $1', [id]))!;
        await appendToOutbox(manager, SCHEMA, [userEvent('created', user, { time: now, traceparent })]);
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput('login', `${draft.login} is already the login of another user`);
      throw error;
    }
  }

  /** Administrators change anyone's profile; a user may change their own name and time zone. */
  async updateProfile(input: VersionedInput & UserProfileInput, ctx: BaseContext): Promise<UserRecord> {
    const actor = requireSession(ctx);
    const self = actor.id === input.id;
    if (actor.role !== 'admin') {
      if (!self) throw forbidden('only an administrator can change other users');
      if (input.login !== undefined || input.contactId !== undefined) {
        throw badInput(input.login !== undefined ? 'login' : 'contactId', 'only an administrator can change the login or the linked contact');
      }
    }
    const patch = validateProfilePatch(input);
    try {
      return await this.change(input, actor, ctx, async (manager, user) => {
        if (patch.login !== undefined && patch.login !== user.login) await this.assertLoginFree(manager, patch.login, user.id);
        if (patch.contactId) await this.assertContactExists(manager, patch.contactId);
        const sets: string[] = [];
        const params: unknown[] = [];
        const columns = { login: 'login', name: 'name', contactId: 'contact_id', timeZone: 'time_zone' } as const;
        for (const [key, column] of Object.entries(columns)) {
          const value = patch[key as keyof typeof patch];
          if (value !== undefined) {
            params.push(value);
            sets.push(`${column} = $${params.length + 2}`);
          }
        }
        return { sets, params };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput('login', `${patch.login} is already the login of another user`);
      throw error;
    }
  }

  /** Access group, branches and teams: administrators only. The last active administrator stays one. */
  async setAccess(
    input: VersionedInput & { role?: string | null; branchIds?: string[] | null; teamIds?: string[] | null },
    ctx: BaseContext,
  ): Promise<UserRecord> {
    const actor = requireAdmin(ctx);
    const patch = validateAccessPatch(input);
    return this.change(input, actor, ctx, async (manager, user) => {
      if (patch.role !== undefined && patch.role !== 'admin' && user.role === 'admin' && user.active) {
        await this.assertAnotherAdmin(manager, user.id, 'role');
      }
      const sets: string[] = [];
      const params: unknown[] = [];
      if (patch.role !== undefined) {
        params.push(patch.role);
        sets.push(`role = $${params.length + 2}`);
      }
      if (patch.branchIds !== undefined) {
        params.push(patch.branchIds);
        sets.push(`branch_ids = $${params.length + 2}::text[]`);
      }
      if (patch.teamIds !== undefined) {
        params.push(patch.teamIds);
        sets.push(`team_ids = $${params.length + 2}::uuid[]`);
      }
      return { sets, params };
    });
  }

  /** Deactivating ends every session of the user (their refresh tokens are revoked). */
  async setActive(input: VersionedInput, active: boolean, ctx: BaseContext): Promise<UserRecord> {
    const actor = requireAdmin(ctx);
    if (!active && actor.id === input.id) throw badInput('id', 'you cannot deactivate yourself');
    return this.change(input, actor, ctx, async (manager, user, now) => {
      if (!active && user.role === 'admin' && user.active) await this.assertAnotherAdmin(manager, user.id, 'id');
      if (!active) await revokeUserSessions(manager, user.id, 'deactivated', now);
      return { sets: [`active = $3`], params: [active] };
    });
  }

  /** An administrator sets (or resets) a user's password; their sessions end. */
  async setPassword(input: { id: string; password: string }, ctx: BaseContext): Promise<UserRecord> {
    const actor = requireAdmin(ctx);
    const password = validatePassword(input.password);
    return this.replacePassword(input.id, password, actor, ctx);
  }

  /** A user changes their own password, proving the current one; their sessions end. */
  async changeOwnPassword(input: { currentPassword: string; newPassword: string }, ctx: BaseContext): Promise<UserRecord> {
    const actor = requireSession(ctx);
    const password = validatePassword(input.newPassword, 'newPassword');
    const rows: { hash: string | null }[] = await this.dataSource.query(
      'SELECT password_hash AS hash FROM contacts.user_account WHERE id = $1 AND active',
      [actor.id],
    );
    const hash = rows[0]?.hash;
    if (!hash || !(await verifyPassword(input.currentPassword ?? '', hash))) {
      throw badInput('currentPassword', 'the current password is not correct');
    }
    return this.replacePassword(actor.id, password, actor, ctx);
  }

  private async replacePassword(id: string, password: string, actor: AuthUser, ctx: BaseContext): Promise<UserRecord> {
    const hash = await hashPassword(password);
    return this.change({ id }, actor, ctx, async (manager, user, now) => {
      await revokeUserSessions(manager, user.id, 'password_changed', now);
      return { sets: ['password_hash = $3', 'password_changed_at = $4'], params: [hash, now] };
    });
  }

  /**
   * Locks the row, checks the expected version, applies `build`'s SET clauses ($1 = id,
   * $2 = the actor, then build's own parameters), bumps the version and emits `updated` with
   * what changed. Nothing is written when nothing changes.
   */
  private async change(
    input: VersionedInput,
    actor: AuthUser,
    ctx: BaseContext,
    build: (manager: EntityManager, user: UserRecord, now: Date) => Promise<{ sets: string[]; params: unknown[] }>,
  ): Promise<UserRecord> {
    if (!isUuid(input.id)) throw notFound('User', input.id);
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const before = await selectUser(manager, 'u.id = $1', [input.id], true);
      if (!before) throw notFound('User', input.id);
      if (input.expectedVersion != null && input.expectedVersion !== before.version) {
        throw staleVersion('User', before.id, input.expectedVersion, before.version);
      }
      const { sets, params } = await build(manager, before, now);
      if (sets.length === 0) return before;
      const all = [before.id, actor.id, ...params];
      all.push(now);
      await manager.query(
        `UPDATE contacts.user_account SET ${sets.join(', ')}, version = version + 1, updated_at = $${all.length}, updated_by = $2
         WHERE id = $1`,
        all,
      );
      const after = (await selectUser(manager, 'u.id = $1', [before.id]))!;
      const changes = userChanges(before, after);
      if (Object.keys(changes).length === 0) {
        // Nothing really changed (e.g. the same name again): roll back, no new version, no event.
        throw new NoChange(before);
      }
      await appendToOutbox(manager, SCHEMA, [userEvent('updated', after, { time: now, traceparent: ctx.traceparent, changes })]);
      return after;
    }).catch((error) => {
      if (error instanceof NoChange) return error.user;
      throw error;
    });
  }

  private async assertLoginFree(manager: EntityManager, login: string, exceptId: string | null): Promise<void> {
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM contacts.user_account WHERE login = $1 AND ($2::uuid IS NULL OR id <> $2::uuid)',
      [login, exceptId],
    );
    if (rows.length > 0) throw badInput('login', `${login} is already the login of another user`);
  }

  private async assertContactExists(manager: EntityManager, contactId: string): Promise<void> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM contacts.contact WHERE id = $1', [contactId]);
    if (rows.length === 0) throw badInput('contactId', `contact ${contactId} does not exist`);
  }

  private async assertAnotherAdmin(manager: EntityManager, exceptId: string, field: string): Promise<void> {
    // Serialise concurrent demotions: lock the administrators' rows.
    const rows: unknown[] = await manager.query(
      `SELECT id FROM contacts.user_account WHERE role = 'admin' AND active AND id <> $1 FOR UPDATE`,
      [exceptId],
    );
    if (rows.length === 0) throw badInput(field, 'the last active administrator must stay an active administrator');
  }
}

class NoChange extends Error {
  constructor(readonly user: UserRecord) {
    super('no change');
  }
}

