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
import { UserDeniedAttemptService } from './services/user-denied-attempt-service';
import { UserService } from './services/user-service';
import { deniedAttemptsProjection } from './projections/user-denied-attempts';
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
    const userServices = {
      users: new UserService(deps.dataSource, deps.clock),
      userAuth: new UserAuthService(deps.dataSource, deps.clock),
      deniedAttempts: new UserDeniedAttemptService(deps.dataSource),
    };
    return {
      resolvers: mergeResolvers(resolvers, userResolvers),
      consumers: [deniedAttemptsProjection],
      context: (base) => withUserContext(createContext(base, contacts), userServices),
    };
  },
};
