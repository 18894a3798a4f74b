import { CreateContacts1732320000000 } from './1732320000000-create-contacts';
import { ContactMaster1732330000000 } from './1732330000000-contact-master';
import { CreateUsers1732500000000 } from './1732500000000-create-users';
import { CreateDeniedAttempts1732500000100 } from './1732500000100-create-denied-attempts';

/** In the order they apply. */
export const migrations = [
  CreateContacts1732320000000,
  ContactMaster1732330000000,
  CreateUsers1732500000000,
  CreateDeniedAttempts1732500000100,
];
