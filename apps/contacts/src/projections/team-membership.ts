import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, type Clock } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';
import { nextTeamIds, teamMemberIds, type TeamMembershipState } from '../domain/team-membership';
import { SCHEMA } from '../services/contact-service';
import { userChanges, userEvent } from '../services/user-events';
import { selectUser } from '../services/user-record';

/**
 * Team membership has one master: the sales team in pipeline (members and leader, as on Odoo's
 * team form). A user's `teamIds` here — what access tokens carry for user_team / user_own
 * scoping — follows crm.pipeline.team events: a user is in team T while T's latest event lists
 * them as member or leader and T is active. Each user whose teams change gets a new version and
 * an `updated` event with `changes.teamIds` (the event names the team event as `cause`), so every
 * subgraph's access-change check refuses their older tokens and the client refreshes.
 * Events of one team arrive in order (keyed by team id); the inbox makes redelivery harmless.
 */
export function teamMembershipConsumer(clock: Clock): ConsumerSpec {
  const apply = (deleted: boolean) => async (event: CloudEvent, manager: EntityManager): Promise<void> => {
    const data = event.data as StateEventData<TeamMembershipState & { updatedBy?: string | null }>;
    const teamId = data.state?.id ?? event.subject;
    if (!teamId || !isUuid(teamId)) return;
    const members = teamMemberIds(data.state, deleted);
    // The users listed now, and those who were in the team: only they can change. Locked in id order.
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM contacts.user_account WHERE id = ANY($1::uuid[]) OR team_ids @> ARRAY[$2::uuid] ORDER BY id FOR UPDATE`,
      [[...members], teamId],
    );
    const now = clock.now();
    const by = data.state.updatedBy && isUuid(data.state.updatedBy) ? data.state.updatedBy : null;
    const events: CloudEvent[] = [];
    for (const { id } of rows) {
      const before = (await selectUser(manager, 'u.id = $1', [id]))!;
      const teamIds = nextTeamIds(before.teamIds, teamId, members.has(id));
      if (teamIds === null) continue;
      await manager.query(
        `UPDATE contacts.user_account SET team_ids = $2::uuid[], version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $1`,
        [id, teamIds, now, by],
      );
      const after = (await selectUser(manager, 'u.id = $1', [id]))!;
      events.push(userEvent('updated', after, {
        time: now,
        traceparent: event.traceparent,
        changes: userChanges(before, after),
        extra: { cause: { type: event.type, id: event.id, subject: event.subject } },
      }));
    }
    if (events.length > 0) await appendToOutbox(manager, SCHEMA, events);
  };
  return {
    name: 'contacts.team-membership',
    topics: [TOPICS.pipelineTeam],
    handlers: {
      'crm.pipeline.team.created.v1': apply(false),
      'crm.pipeline.team.updated.v1': apply(false),
      'crm.pipeline.team.deleted.v1': apply(true),
    },
  };
}
