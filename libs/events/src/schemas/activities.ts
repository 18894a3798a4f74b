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
      items: { type: 'object', properties: { field: { type: 'string' }, from: {}, to: {} }, required: ['field'] },
    },
    createdAt: dateTime,
  },
  ['id', 'resourceType', 'resourceId', 'kind', 'createdAt'],
);
