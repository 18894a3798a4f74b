import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import type { ConsumerSpec } from '@crm/service';
import type { EntityManager } from 'typeorm';
import type { UserDirectory } from '../services/user-directory';

type State = Record<string, unknown> & { id: string; version: number };

/** Users (names, time zones, branches) and branches (time zones) from the contacts subgraph. */
export function directoryProjection(users: UserDirectory): ConsumerSpec {
  const user = (event: CloudEvent, manager: EntityManager) => users.apply(manager, (event.data as StateEventData<State>).state);
  const branch = (event: CloudEvent, manager: EntityManager) => users.applyBranch(manager, (event.data as StateEventData<State>).state);
  return {
    name: 'activities.directory',
    topics: [TOPICS.contactsUser, TOPICS.contactsBranch],
    handlers: {
      'crm.contacts.user.created.v1': user,
      'crm.contacts.user.updated.v1': user,
      'crm.contacts.branch.created.v1': branch,
      'crm.contacts.branch.updated.v1': branch,
    },
  };
}
