import { CreateReadModels1732320000000 } from './1732320000000-create-read-models';
import { AnalyticsReadModels1733000000000 } from './1733000000000-analytics-read-models';
import { RatesFromPipeline1733000000100 } from './1733000000100-rates-from-pipeline';
import { ActivityRecordScope1733100000000 } from './1733100000000-activity-record-scope';
import { ContactRecordScope1733100000100 } from './1733100000100-contact-record-scope';
import { ContactActive1733200000000 } from './1733200000000-contact-active';

/** In the order they apply. */
export const migrations = [CreateReadModels1732320000000, AnalyticsReadModels1733000000000, RatesFromPipeline1733000000100, ActivityRecordScope1733100000000, ContactRecordScope1733100000100, ContactActive1733200000000];
