import type { Row } from './row';
import type { AttendeeKind, AttendeeResponse } from '../domain/meeting-input';

export interface MeetingAttendee {
  kind: AttendeeKind;
  id: string;
  response: AttendeeResponse;
  /** Joined from the local user / contact index. */
  name: string | null;
}

/** activities.meeting (+ meeting_attendee): a calendar event. */
export interface Meeting {
  id: string;
  title: string;
  start: Date;
  stop: Date;
  allDay: boolean;
  location: string | null;
  description: string | null;
  organizerId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  status: 'scheduled' | 'cancelled';
  recordOwnerId: string | null;
  teamId: string | null;
  branchId: string | null;
  attendees: MeetingAttendee[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

/** `FROM activities.meeting m`, attendees aggregated in order (one query per batch of meetings). */
export const MEETING_COLUMNS = `m.id, m.title, m.start_at, m.stop_at, m.all_day, m.location, m.description, m.organizer_id,
  m.resource_type, m.resource_id, m.status, m.record_owner_id, m.team_id, m.branch_id, m.version, m.created_at, m.updated_at,
  m.created_by, m.updated_by,
  COALESCE((SELECT json_agg(json_build_object('kind', ma.kind, 'id', ma.attendee_id, 'response', ma.response,
      'name', CASE WHEN ma.kind = 'user' THEN up.name ELSE rc.name END) ORDER BY ma.position)
    FROM activities.meeting_attendee ma
    LEFT JOIN activities.user_profile up ON ma.kind = 'user' AND up.id = ma.attendee_id
    LEFT JOIN activities.resource rc ON ma.kind = 'contact' AND rc.resource_type = 'Contact' AND rc.resource_id = ma.attendee_id::text
    WHERE ma.meeting_id = m.id), '[]'::json) AS attendees`;

export function toMeeting(r: Row): Meeting {
  return {
    id: r['id'],
    title: r['title'],
    start: r['start_at'],
    stop: r['stop_at'],
    allDay: r['all_day'],
    location: r['location'],
    description: r['description'],
    organizerId: r['organizer_id'],
    resourceType: r['resource_type'],
    resourceId: r['resource_id'],
    status: r['status'],
    recordOwnerId: r['record_owner_id'],
    teamId: r['team_id'],
    branchId: r['branch_id'],
    attendees: r['attendees'] ?? [],
    version: r['version'],
    createdAt: r['created_at'],
    updatedAt: r['updated_at'],
    createdBy: r['created_by'],
    updatedBy: r['updated_by'],
  };
}
