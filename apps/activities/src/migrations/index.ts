import { CreateActivityTypes1732320000000 } from './1732320000000-create-activity-types';

/** In the order they apply. */
export const migrations = [CreateActivityTypes1732320000000];
