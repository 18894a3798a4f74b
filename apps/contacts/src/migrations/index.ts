import { CreateContacts1732320000000 } from './1732320000000-create-contacts';
import { CreateUsers1732500000000 } from './1732500000000-create-users';

/** In the order they apply. */
export const migrations = [CreateContacts1732320000000, CreateUsers1732500000000];
