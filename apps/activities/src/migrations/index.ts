import { CreateActivityTypes1732320000000 } from './1732320000000-create-activity-types';
import { ActivitiesMeetingsChatterRules1764000000000 } from './1764000000000-activities-meetings-chatter-rules';

/** In the order they apply. */
export const migrations = [CreateActivityTypes1732320000000, ActivitiesMeetingsChatterRules1764000000000];
