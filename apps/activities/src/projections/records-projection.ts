import type { EntityManager } from 'typeorm';
import { EVENT_CATALOG, TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import { appendToOutbox } from '@crm/messaging';
import type { Clock } from '@crm/runtime';
import type { ConsumerSpec } from '@crm/service';
import { eventHeadline, recordEventOf } from '../domain/record-events';
import { TRACKED_FIELDS, trackChanges } from '../domain/tracking';
import type { ResourceRecord } from '../entities/resource';
import type { ActivityStore } from '../services/activity-store';
import { activityEvent, messageEvent, SCHEMA } from '../services/events';
import type { MessageStore } from '../services/message-store';
import type { ResourceIndex } from '../services/resource-index';
import type { RuleEngine } from '../services/rule-engine';
import type { UserDirectory } from '../services/user-directory';

type State = Record<string, unknown> & { id: string; version: number };

export interface RecordsProjectionDeps {
  clock: Clock;
  resources: ResourceIndex;
  messages: MessageStore;
  store: ActivityStore;
  rules: RuleEngine;
  users: UserDirectory;
}

const TOPICS_FOLLOWED = [TOPICS.contactsContact, TOPICS.pipelineOpportunity, TOPICS.salesQuotation, TOPICS.salesBooking];

/** Ids of people and contacts the tracked changes mention, to show names instead. */
function referencedIds(resourceType: string, changes: Record<string, { from: unknown; to: unknown }> | undefined) {
  const users: string[] = [];
  const contacts: string[] = [];
  for (const [field, spec] of Object.entries(TRACKED_FIELDS[resourceType] ?? {})) {
    const change = changes?.[field];
    if (!change) continue;
    for (const v of [change.from, change.to]) {
      if (typeof v !== 'string') continue;
      if (spec.kind === 'user') users.push(v);
      if (spec.kind === 'contact') contacts.push(v);
    }
  }
  return { users, contacts };
}

/**
 * Follows the records activities hang on (contacts, opportunities, quotations, bookings):
 * keeps the local index, writes the record's history into its chatter ("Stage: New →
 * Qualified"), keeps the visibility facts of its activities current, cancels its open
 * activities when it is archived or deleted (as Odoo unlinks them), and runs the reminder rules.
 */
export function recordsProjection(deps: RecordsProjectionDeps): ConsumerSpec {
  async function handle(event: CloudEvent, manager: EntityManager): Promise<void> {
    const which = recordEventOf(event.type);
    if (!which) return;
    const data = event.data as StateEventData<State> & Record<string, unknown>;
    const { resourceType, event: name } = which;
    const { applied, previous, current } = await deps.resources.apply(manager, resourceType, data.state, {
      deleted: name === 'deleted',
      time: event.time,
    });
    if (!applied || !current) return; // an older version arriving late: the index already knows better
    const now = deps.clock.now();
    const out: CloudEvent[] = [];

    // The chatter: a headline for lifecycle events and the tracked changes, as one entry.
    const refs = referencedIds(resourceType, data.changes);
    const userNames = await deps.users.names(manager, refs.users);
    const contactNames = new Map<string, string>();
    if (refs.contacts.length) {
      const rows = await manager.query(
        `SELECT resource_id, name FROM activities.resource WHERE resource_type = 'Contact' AND resource_id = ANY($1::text[]) AND name IS NOT NULL`,
        [refs.contacts],
      );
      for (const r of rows) contactNames.set(r.resource_id, r.name);
    }
    const stageNames = name === 'stage_changed' ? { from: data['fromStageName'], to: data['toStageName'] } : undefined;
    const tracked = trackChanges(resourceType, data.changes, {
      previous: previous?.state ?? null,
      state: data.state,
      stageNames,
      names: { user: (id) => userNames.get(id), contact: (id) => contactNames.get(id) },
    });
    const headline = eventHeadline(resourceType, name, data);
    if (headline || tracked.length > 0) {
      const author = typeof data.state['updatedBy'] === 'string' ? (data.state['updatedBy'] as string) : null;
      const message = await deps.messages.insert(manager, {
        resourceType,
        resourceId: current.resourceId,
        kind: headline?.kind ?? 'tracking',
        authorId: author,
        body: headline?.body ?? null,
        trackedChanges: tracked,
        sourceEventId: event.id,
        sourceEventType: event.type,
        createdAt: new Date(event.time),
      });
      out.push(messageEvent(message, { time: now, traceparent: event.traceparent }));
    }

    // Activities follow their record's salesperson, team and branch (who may see them).
    if (!previous || previous.ownerId !== current.ownerId || previous.teamId !== current.teamId || previous.branchId !== current.branchId) {
      for (const table of ['activity', 'meeting']) {
        await manager.query(
          `UPDATE activities.${table} SET record_owner_id = $3, team_id = $4, branch_id = $5
           WHERE resource_type = $1 AND resource_id = $2
             AND (record_owner_id, team_id, branch_id) IS DISTINCT FROM ($3::uuid, $4::uuid, $5::text)`,
          [resourceType, current.resourceId, current.ownerId, current.teamId, current.branchId],
        );
      }
    }

    // Merged opportunities: their history, activities and meetings move to the one kept (as Odoo does).
    if (name === 'merged' && Array.isArray(data['mergedIds'])) {
      out.push(...(await moveMerged(manager, current, (data['mergedIds'] as string[]).map((id) => id.toLowerCase()), now, event.traceparent)));
    }

    // An archived, lost, cancelled or deleted record loses its open activities (the rules' too) —
    // unless a merge archived or deleted it (`mergedIntoId`): the `merged` event of the record kept
    // moves them there, open, whichever of the two events arrives first.
    const mergedAway = typeof data['mergedIntoId'] === 'string';
    if (!current.active && !mergedAway && (previous === null || previous.active || current.deleted)) {
      out.push(...(await cancelOpen(manager, current, now, name === 'deleted' ? 'the record was deleted' : 'the record was archived', event.traceparent)));
    }
    out.push(...(await deps.rules.run(manager, current, event.traceparent)));
    await appendToOutbox(manager, SCHEMA, out);
  }

  async function moveMerged(manager: EntityManager, into: ResourceRecord, mergedIds: string[], now: Date, traceparent?: string): Promise<CloudEvent[]> {
    const from = mergedIds.filter((id) => id !== into.resourceId);
    if (from.length === 0) return [];
    const params = [into.resourceType, from, into.resourceId];
    await manager.query(`UPDATE activities.message SET resource_id = $3 WHERE resource_type = $1 AND resource_id = ANY($2::text[])`, params);
    await manager.query(
      `UPDATE activities.meeting SET resource_id = $3, record_owner_id = $4, team_id = $5, branch_id = $6 WHERE resource_type = $1 AND resource_id = ANY($2::text[])`,
      [...params, into.ownerId, into.teamId, into.branchId],
    );
    const moved: { id: string; resource_id: string; status: string }[] = await manager.query(
      `UPDATE activities.activity a SET resource_id = $3, record_owner_id = $4, team_id = $5, branch_id = $6,
         version = CASE WHEN status = 'open' THEN version + 1 ELSE version END, updated_at = CASE WHEN status = 'open' THEN $7 ELSE updated_at END
       FROM (SELECT id, resource_id AS old_resource_id FROM activities.activity WHERE resource_type = $1 AND resource_id = ANY($2::text[]) FOR UPDATE) o
       WHERE a.id = o.id RETURNING a.id, o.old_resource_id AS resource_id, a.status`,
      [...params, into.ownerId, into.teamId, into.branchId, now],
    );
    const events: CloudEvent[] = [];
    for (const m of moved.filter((x) => x.status === 'open')) {
      const activity = (await deps.store.load(manager, m.id))!;
      // The activity now hangs on another record: published as `rescheduled` with what changed.
      events.push(activityEvent('rescheduled', activity, { time: now, traceparent, changes: { resourceId: { from: m.resource_id, to: into.resourceId } } }));
    }
    return events;
  }

  async function cancelOpen(manager: EntityManager, record: ResourceRecord, now: Date, reason: string, traceparent?: string): Promise<CloudEvent[]> {
    const events: CloudEvent[] = [];
    for (const open of await deps.store.openOf(manager, record.resourceType, record.resourceId, true)) {
      const cancelled = await deps.store.update(
        manager,
        open.id,
        { status: 'cancelled', cancelled_at: now, cancel_reason: reason, cancelled_by_rule: open.ruleId !== null },
        null,
        now,
      );
      events.push(activityEvent('cancelled', cancelled, { time: now, traceparent, changes: { status: { from: 'open', to: 'cancelled' } } }));
    }
    return events;
  }

  const handlers: ConsumerSpec['handlers'] = {};
  for (const def of EVENT_CATALOG) {
    if ((TOPICS_FOLLOWED as readonly string[]).includes(def.topic)) handlers[def.type] = handle;
  }
  return { name: 'activities.records', topics: [...TOPICS_FOLLOWED], handlers };
}
