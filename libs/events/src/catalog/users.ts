import { branchState, userState } from '../schemas/users';
import { defineStateEvents } from './define';

export const USER_EVENTS = [
  ...defineStateEvents('contacts', 'user', 'User', userState, {
    created: 'A user was created.',
    updated: 'A user changed (role, branches, teams, time zone, active …).',
  }),
  ...defineStateEvents('contacts', 'branch', 'Branch', branchState, {
    created: 'A branch was created.',
    updated: 'A branch changed.',
  }),
];
