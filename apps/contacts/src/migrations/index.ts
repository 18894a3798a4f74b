import { CreateContacts1732320000000 } from './1732320000000-create-contacts';
import { ContactMaster1732330000000 } from './1732330000000-contact-master';

/** In the order they apply. */
export const migrations = [CreateContacts1732320000000, ContactMaster1732330000000];
