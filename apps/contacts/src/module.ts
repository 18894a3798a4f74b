import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { mergeResolvers } from '@crm/graphql';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type ContactsContext } from './context';
import { BranchEntity } from './entities/branch.entity';
import { importRoute } from './http/import-route';
import { ContactEntity } from './entities/contact.entity';
import { OccupationEntity } from './entities/occupation.entity';
import { TagEntity } from './entities/tag.entity';
import { UserEntity } from './entities/user.entity';
import { migrations } from './migrations';
import { leadEditsConsumer } from './projections/lead-edits';
import { teamMembershipConsumer } from './projections/team-membership';
import { deniedAttemptsProjection } from './projections/user-denied-attempts';
import { resolvers } from './resolvers';
import { userResolvers } from './resolvers/users';
import { createServices } from './services';
import { contactsConfigFromEnv } from './services/config';
import { SCHEMA } from './services/contact-service';
import { UserAuthService } from './services/user-auth-service';
import { UserDeniedAttemptService } from './services/user-denied-attempt-service';
import { UserService } from './services/user-service';
import { withUserContext } from './user-context';

export const contactsModule: SubgraphModule<ContactsContext> = {
  name: 'contacts',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ContactEntity, BranchEntity, TagEntity, OccupationEntity, UserEntity],
  migrations,
  publishes: [TOPICS.contactsContact, TOPICS.contactsBranch, TOPICS.contactsUser],
  publicOperations: ['Mutation.login', 'Mutation.refreshToken', 'Mutation.logout'],
  create(deps) {
    const config = contactsConfigFromEnv();
    const services = createServices(deps.dataSource, deps.clock, config);
    const userServices = {
      users: new UserService(deps.dataSource, deps.clock),
      userAuth: new UserAuthService(deps.dataSource, deps.clock),
      deniedAttempts: new UserDeniedAttemptService(deps.dataSource),
    };
    return {
      resolvers: mergeResolvers(resolvers, userResolvers),
      consumers: [leadEditsConsumer(deps.logger, config.defaultCountry, deps.clock), deniedAttemptsProjection, teamMembershipConsumer(deps.clock)],
      context: (base) => withUserContext(createContext(base, services), userServices),
      routes: [importRoute(services.imports, deps.logger, deps.deniedAttempts)],
    };
  },
};
