import { CreateActivityTypes1732320000000 } from './1732320000000-create-activity-types';
import { ActivitiesMeetingsChatterRules1764000000000 } from './1764000000000-activities-meetings-chatter-rules';
import { DealerRulesKpbExpiryField1764000000100 } from './1764000000100-dealer-rules-kpb-expiry-field';

/** In the order they apply. */
export const migrations = [CreateActivityTypes1732320000000, ActivitiesMeetingsChatterRules1764000000000, DealerRulesKpbExpiryField1764000000100];
