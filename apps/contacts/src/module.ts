import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type ContactsContext } from './context';
import { ContactEntity } from './entities/contact.entity';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { ContactService, SCHEMA } from './services/contact-service';

export const contactsModule: SubgraphModule<ContactsContext> = {
  name: 'contacts',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ContactEntity],
  migrations,
  publishes: [TOPICS.contactsContact],
  create(deps) {
    const contacts = new ContactService(deps.dataSource, deps.clock);
    return { resolvers, context: (base) => createContext(base, contacts) };
  },
};
