import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type ContactsContext } from './context';
import { BranchEntity } from './entities/branch.entity';
import { ContactEntity } from './entities/contact.entity';
import { OccupationEntity } from './entities/occupation.entity';
import { TagEntity } from './entities/tag.entity';
import { migrations } from './migrations';
import { leadEditsConsumer } from './projections/lead-edits';
import { resolvers } from './resolvers';
import { createServices } from './services';
import { contactsConfigFromEnv } from './services/config';
import { SCHEMA } from './services/contact-service';

export const contactsModule: SubgraphModule<ContactsContext> = {
  name: 'contacts',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ContactEntity, BranchEntity, TagEntity, OccupationEntity],
  migrations,
  publishes: [TOPICS.contactsContact, TOPICS.contactsBranch],
  create(deps) {
    const config = contactsConfigFromEnv();
    const services = createServices(deps.dataSource, deps.clock, config);
    return {
      resolvers: resolvers as never,
      consumers: [leadEditsConsumer(deps.logger, config.defaultCountry, deps.clock)],
      context: (base) => createContext(base, services),
    };
  },
};
