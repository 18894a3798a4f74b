import type { EntityManager } from 'typeorm';

/** Why a refresh token stopped working. `rotated` = exchanged for a newer one (a replay of it is reuse). */
export type RevokeReason = 'rotated' | 'logout' | 'reuse_detected' | 'deactivated' | 'password_changed' | 'user_inactive';

/** Revokes every live refresh token of a user (all their sessions), inside the caller's transaction. */
export async function revokeUserSessions(manager: EntityManager, userId: string, reason: RevokeReason, now: Date): Promise<number> {
  const rows: unknown[] = await manager.query(
    `UPDATE contacts.refresh_token SET revoked_at = $2, revoked_reason = $3
     WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
    [userId, now, reason],
  );
  return rows.length;
}

/** Revokes every live token of one session (one login and its rotations). */
export async function revokeSession(manager: EntityManager, sessionId: string, reason: RevokeReason, now: Date): Promise<number> {
  const rows: unknown[] = await manager.query(
    `UPDATE contacts.refresh_token SET revoked_at = $2, revoked_reason = $3
     WHERE session_id = $1 AND revoked_at IS NULL RETURNING id`,
    [sessionId, now, reason],
  );
  return rows.length;
}
