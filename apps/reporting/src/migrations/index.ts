import { CreateReadModels1732320000000 } from './1732320000000-create-read-models';

/** In the order they apply. */
export const migrations = [CreateReadModels1732320000000];
