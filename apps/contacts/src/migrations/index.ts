import { CreateContacts1732320000000 } from './1732320000000-create-contacts';

/** In the order they apply. */
export const migrations = [CreateContacts1732320000000];
