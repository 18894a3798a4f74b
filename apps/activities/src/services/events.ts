import { stateEvent, type CloudEvent } from '@crm/events';
import type { Activity } from '../entities/activity';
import type { Meeting } from '../entities/meeting';
import type { Message } from '../entities/message';

export const SCHEMA = 'activities';

type Changes = Record<string, { from: unknown; to: unknown }>;
interface EventOptions {
  time: Date;
  traceparent?: string;
  changes?: Changes;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** crm.activities.activity — the full state (libs/events/src/schemas/activities.ts). */
export function activityState(a: Activity): { id: string } & Record<string, unknown> {
  return {
    id: a.id,
    version: a.version,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    createdBy: a.createdBy,
    updatedBy: a.updatedBy,
    typeId: a.typeId,
    typeName: a.typeName,
    category: a.category,
    resourceType: a.resourceType,
    resourceId: a.resourceId,
    resourceName: a.resourceName,
    summary: a.summary,
    note: a.note,
    dueDate: a.dueDate,
    dueTime: a.dueTime,
    assigneeId: a.assigneeId,
    status: a.status,
    doneAt: iso(a.doneAt),
    doneById: a.doneById,
    feedback: a.feedback,
    cancelledAt: iso(a.cancelledAt),
    cancelReason: a.cancelReason,
    ruleId: a.ruleId,
    previousActivityId: a.previousActivityId,
    meetingId: a.meetingId,
    recordOwnerId: a.recordOwnerId,
    teamId: a.teamId,
    branchId: a.branchId,
  };
}

export function activityEvent(event: 'scheduled' | 'done' | 'cancelled' | 'rescheduled', a: Activity, options: EventOptions): CloudEvent {
  return stateEvent({ subgraph: 'activities', aggregate: 'activity', event, state: activityState(a), ...options });
}

export function meetingState(m: Meeting): { id: string } & Record<string, unknown> {
  return {
    id: m.id,
    version: m.version,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    createdBy: m.createdBy,
    updatedBy: m.updatedBy,
    title: m.title,
    start: m.start.toISOString(),
    stop: m.stop.toISOString(),
    allDay: m.allDay,
    location: m.location,
    description: m.description,
    organizerId: m.organizerId,
    attendees: m.attendees.map((a) => ({ kind: a.kind, id: a.id, response: a.response })),
    resourceType: m.resourceType,
    resourceId: m.resourceId,
    status: m.status,
    branchId: m.branchId,
  };
}

export function meetingEvent(event: 'created' | 'updated' | 'cancelled', m: Meeting, options: EventOptions): CloudEvent {
  return stateEvent({ subgraph: 'activities', aggregate: 'meeting', event, state: meetingState(m), ...options });
}

export function messageState(g: Message): { id: string } & Record<string, unknown> {
  return {
    id: g.id,
    resourceType: g.resourceType,
    resourceId: g.resourceId,
    kind: g.kind,
    authorId: g.authorId,
    subject: g.subject,
    body: g.body,
    trackedChanges: g.trackedChanges,
    attachments: g.attachments,
    activityId: g.activityId,
    activityTypeId: g.activityTypeId,
    sourceEventType: g.sourceEventType,
    createdAt: g.createdAt.toISOString(),
  };
}

export function messageEvent(g: Message, options: { time: Date; traceparent?: string }): CloudEvent {
  return stateEvent({ subgraph: 'activities', aggregate: 'message', event: 'posted', state: messageState(g), ...options });
}
