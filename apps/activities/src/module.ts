import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { envInt } from '@crm/runtime';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type ActivitiesContext } from './context';
import { migrations } from './migrations';
import { directoryProjection } from './projections/directory-projection';
import { recordsProjection } from './projections/records-projection';
import { resolvers } from './resolvers';
import { ActivityService } from './services/activity-service';
import { ActivityStore } from './services/activity-store';
import { ActivityTypeService } from './services/activity-type-service';
import { SCHEMA } from './services/events';
import { MeetingService } from './services/meeting-service';
import { MessageService } from './services/message-service';
import { MessageStore } from './services/message-store';
import { ReminderRuleService } from './services/reminder-rule-service';
import { ResourceIndex } from './services/resource-index';
import { RuleEngine } from './services/rule-engine';
import { UserDirectory } from './services/user-directory';

export const activitiesModule: SubgraphModule<ActivitiesContext> = {
  name: 'activities',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [TOPICS.activitiesActivity, TOPICS.activitiesMeeting, TOPICS.activitiesMessage],
  create(deps) {
    const { dataSource, clock } = deps;
    const users = new UserDirectory();
    const resources = new ResourceIndex(dataSource, envInt('ACTIVITIES_RESOURCE_WAIT_MS', 3000));
    const store = new ActivityStore();
    const messageStore = new MessageStore();
    const activityTypes = new ActivityTypeService(dataSource, clock, users);
    const activities = new ActivityService(dataSource, clock, store, activityTypes, resources, users, messageStore);
    const meetings = new MeetingService(dataSource, clock, activities, store, resources, users);
    const messages = new MessageService(dataSource, clock, messageStore, resources);
    const engine = new RuleEngine(clock, store, activities, resources, users);
    const rules = new ReminderRuleService(dataSource, clock, users, engine);
    const services = { dataSource, activityTypes, activities, meetings, messages, rules };
    return {
      resolvers,
      consumers: [
        directoryProjection(users),
        recordsProjection({ clock, resources, messages: messageStore, store, rules: engine, users }),
      ],
      context: (base) => createContext(base, services),
    };
  },
};
