import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { BaseContext } from '@crm/service';
import type { Activity } from './entities/activity';
import { toActivityType, type ActivityType } from './entities/activity-type';
import type { Meeting } from './entities/meeting';
import type { ReminderRule } from './entities/reminder-rule';
import type { ActivityService } from './services/activity-service';
import type { ActivityTypeService } from './services/activity-type-service';
import type { MeetingService } from './services/meeting-service';
import type { MessageService } from './services/message-service';
import type { ReminderRuleService } from './services/reminder-rule-service';

export interface ActivitiesServices {
  dataSource: DataSource;
  activityTypes: ActivityTypeService;
  activities: ActivityService;
  meetings: MeetingService;
  messages: MessageService;
  rules: ReminderRuleService;
}

export interface ActivitiesLoaders {
  activityType: DataLoader<string, ActivityType | null>;
  activity: DataLoader<string, Activity | null>;
  /** Open activities of records, key "<resourceType>:<id>": one SQL query per request for any number of records. */
  openActivities: DataLoader<string, Activity[]>;
  meeting: DataLoader<string, Meeting | null>;
  /** The (open, else latest) Meeting activity of meetings. */
  meetingActivity: DataLoader<string, Activity | null>;
  rule: DataLoader<string, ReminderRule | null>;
}

export interface ActivitiesContext extends BaseContext, ActivitiesServices {
  /** One instant per request: every due state of a response is computed against the same "now". */
  now: Date;
  loaders: ActivitiesLoaders;
}

export function createContext(base: BaseContext, services: ActivitiesServices): ActivitiesContext {
  const user = base.user;
  const activityType = new DataLoader((ids: readonly string[]) => services.activityTypes.findByIds(ids));
  /** Activities come with their type's row: the type loader learns it, so `type { … }` needs no second query. */
  const withTypes = <T extends Activity | null>(list: T[]): T[] => {
    for (const a of list) if (a?.typeRow) activityType.prime(a.typeId, toActivityType(a.typeRow));
    return list;
  };
  return {
    ...base,
    ...services,
    now: services.activities.now(),
    loaders: {
      activityType,
      activity: new DataLoader(async (ids) => withTypes(await services.activities.findByIds(ids, user))),
      openActivities: new DataLoader(async (keys) => (await services.activities.openByResources(keys, user)).map((list) => withTypes(list))),
      meeting: new DataLoader((ids) => services.meetings.findByIds(ids, user)),
      meetingActivity: new DataLoader(async (ids) => withTypes(await services.activities.byMeetings(ids, user))),
      rule: new DataLoader(async (ids) => {
        const all = await services.rules.list(true);
        return ids.map((id) => all.find((r) => r.id === id) ?? null);
      }),
    },
  };
}
