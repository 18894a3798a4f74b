import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { mergeResolvers } from '@crm/graphql';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type ContactsContext } from './context';
import { ContactEntity } from './entities/contact.entity';
import { UserEntity } from './entities/user.entity';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { userResolvers } from './resolvers/users';
import { ContactService, SCHEMA } from './services/contact-service';
import { UserAuthService } from './services/user-auth-service';
import { UserService } from './services/user-service';
import { withUserContext } from './user-context';

export const contactsModule: SubgraphModule<ContactsContext> = {
  name: 'contacts',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ContactEntity, UserEntity],
  migrations,
  publishes: [TOPICS.contactsContact, TOPICS.contactsUser],
  publicOperations: ['Mutation.login', 'Mutation.refreshToken', 'Mutation.logout'],
  create(deps) {
    const contacts = new ContactService(deps.dataSource, deps.clock);
    const users = new UserService(deps.dataSource, deps.clock);
    const userAuth = new UserAuthService(deps.dataSource, deps.clock);
    return {
      resolvers: mergeResolvers(resolvers, userResolvers),
      context: (base) => withUserContext(createContext(base, contacts), users, userAuth),
    };
  },
};
