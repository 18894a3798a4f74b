import { CreateOpportunities1732320000000 } from './1732320000000-create-opportunities';

/** In the order they apply. */
export const migrations = [CreateOpportunities1732320000000];
