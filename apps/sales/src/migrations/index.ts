import { CreateProducts1732320000000 } from './1732320000000-create-products';

/** In the order they apply. */
export const migrations = [CreateProducts1732320000000];
