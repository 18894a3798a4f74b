import { auditFields, dateTime, nullableDateTime, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

const date: JsonSchema = { type: 'string', format: 'date' };

/** crm.activities.activity — a scheduled activity on any record (resourceType + resourceId). */
export const activityState: JsonSchema = objectSchema(
  {
    ...auditFields,
    typeId: { type: 'string', format: 'uuid' },
    typeName: { type: 'string' },
    category: { enum: ['DEFAULT', 'MEETING', 'UPLOAD_DOCUMENT', 'PHONE_CALL'] },
    /** e.g. "Opportunity", "Contact", "Quotation", "BookingService". */
    resourceType: { type: 'string', minLength: 1 },
    resourceId: { type: 'string', minLength: 1 },
    summary: nullableString,
    note: nullableString,
    dueDate: date,
    assigneeId: nullableUuid,
    status: { enum: ['open', 'done', 'cancelled'] },
    doneAt: nullableDateTime,
    doneById: nullableUuid,
    feedback: nullableString,
    /** The reminder rule that created it, if any. */
    ruleId: nullableUuid,
    branchId: nullableString,
    /** Optional local time of day (HH:MM) on the due date, e.g. 08:00 for a booking-day call. */
    dueTime: nullableString,
    /** The record's name as the activities subgraph knows it (from the owner's events). */
    resourceName: nullableString,
    cancelledAt: nullableDateTime,
    cancelReason: nullableString,
    /** The activity whose completion created this one (chaining). */
    previousActivityId: nullableUuid,
    /** The meeting this (Meeting) activity stands for. */
    meetingId: nullableUuid,
    /** The record's salesperson and team, for visibility (an activity's owner is its assignee). */
    recordOwnerId: nullableUuid,
    teamId: nullableUuid,
  },
  ['id', 'typeId', 'resourceType', 'resourceId', 'dueDate', 'status', 'version'],
);

/** crm.activities.meeting — a calendar event. */
export const meetingState: JsonSchema = objectSchema(
  {
    ...auditFields,
    title: { type: 'string', minLength: 1 },
    start: dateTime,
    stop: dateTime,
    allDay: { type: 'boolean' },
    location: nullableString,
    organizerId: nullableUuid,
    attendees: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { enum: ['user', 'contact'] },
          id: { type: 'string', format: 'uuid' },
          response: { enum: ['needs_action', 'accepted', 'declined', 'tentative'] },
        },
        required: ['kind', 'id', 'response'],
      },
    },
    resourceType: nullableString,
    resourceId: nullableString,
    status: { enum: ['scheduled', 'cancelled'] },
    description: nullableString,
    branchId: nullableString,
  },
  ['id', 'title', 'start', 'stop', 'version'],
);

/** crm.activities.message — a chatter entry on any record. */
export const messageState: JsonSchema = objectSchema(
  {
    id: { type: 'string', format: 'uuid' },
    resourceType: { type: 'string', minLength: 1 },
    resourceId: { type: 'string', minLength: 1 },
    kind: { enum: ['note', 'message', 'tracking'] },
    authorId: nullableUuid,
    body: nullableString,
    trackedChanges: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          from: {},
          to: {},
          /** Additive: the field's label and the values formatted for display ("100,000,000"). */
          label: { type: 'string' },
          fromDisplay: nullableString,
          toDisplay: nullableString,
        },
        required: ['field'],
      },
    },
    createdAt: dateTime,
    subject: nullableString,
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, mimeType: nullableString, sizeBytes: { type: ['integer', 'null'] }, url: nullableString },
        required: ['name'],
      },
    },
    activityId: nullableUuid,
    activityTypeId: nullableUuid,
    /** The other subgraph's event a tracking message was written from. */
    sourceEventType: nullableString,
  },
  ['id', 'resourceType', 'resourceId', 'kind', 'createdAt'],
);
