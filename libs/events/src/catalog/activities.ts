import { activityState, meetingState, messageState } from '../schemas/activities';
import { defineStateEvents } from './define';

export const ACTIVITIES_EVENTS = [
  ...defineStateEvents('activities', 'activity', 'Activity', activityState, {
    scheduled: 'An activity was scheduled on a record.',
    done: 'An activity was marked done (with feedback); only done activities count in reports.',
    cancelled: 'An activity was cancelled.',
    rescheduled: 'An activity got another due date or assignee (snooze included).',
  }),
  ...defineStateEvents('activities', 'meeting', 'Meeting', meetingState, {
    created: 'A meeting was scheduled.',
    updated: 'A meeting changed.',
    cancelled: 'A meeting was cancelled.',
  }),
  ...defineStateEvents('activities', 'message', 'Message', messageState, {
    posted: 'A chatter message, note or tracked change was posted on a record.',
  }),
];
