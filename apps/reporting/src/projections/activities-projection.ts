import { TOPICS, type StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { seeLabels } from './labels';
import { s, upsertVersioned } from './upsert';
import type { Projector } from './target';

/** Resource types that point at a lead/opportunity of the pipeline. */
const OPPORTUNITY_RESOURCES = new Set(['opportunity', 'lead', 'crm.lead']);

const applyActivity: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<Record<string, unknown>>).state;
  const resourceType = String(st['resourceType']);
  const resourceId = String(st['resourceId']);
  const opportunityId = OPPORTUNITY_RESOURCES.has(resourceType.toLowerCase()) && isUuid(resourceId) ? resourceId : null;
  const wrote = await upsertVersioned(manager, `"${target.schema}".activity_rm`, {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    type_id: [st['typeId'], 'uuid'],
    type_name: [s(st['typeName'])],
    category: [s(st['category'])],
    resource_type: [resourceType],
    resource_id: [resourceId],
    opportunity_id: [opportunityId, 'uuid'],
    summary: [s(st['summary'])],
    due_date: [st['dueDate'], 'date'],
    assignee_id: [isUuid(st['assigneeId']) ? st['assigneeId'] : null, 'uuid'],
    status: [st['status']],
    done_at: [s(st['doneAt']), 'timestamptz'],
    done_by_id: [isUuid(st['doneById']) ? st['doneById'] : null, 'uuid'],
    feedback: [s(st['feedback'])],
    branch_id: [s(st['branchId'])],
    // The record's salesperson and team, as the activities subgraph scopes the activity.
    record_owner_id: [isUuid(st['recordOwnerId']) ? st['recordOwnerId'] : null, 'uuid'],
    team_id: [isUuid(st['teamId']) ? st['teamId'] : null, 'uuid'],
    created_at: [s(st['createdAt']), 'timestamptz'],
    updated_at: [s(st['updatedAt']), 'timestamptz'],
  });
  if (wrote && typeof st['typeName'] === 'string') {
    await seeLabels(manager, target.schema, [{ kind: 'activityType', id: String(st['typeId']), name: st['typeName'], at: s(st['updatedAt']) ?? event.time }]);
  }
};

export const activitiesHandlers: Record<string, Projector> = Object.fromEntries(
  ['scheduled', 'done', 'cancelled', 'rescheduled'].map((e) => [`crm.activities.activity.${e}.v1`, applyActivity]),
);

export const ACTIVITIES_TOPICS = [TOPICS.activitiesActivity];
