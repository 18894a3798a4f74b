import { join } from 'node:path';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import type { ReportingContext } from './context';
import { migrations } from './migrations';
import { contactsProjection } from './projections/contacts-projection';
import { resolvers } from './resolvers';
import { ContactReportService } from './services/contact-report-service';

export const reportingModule: SubgraphModule<ReportingContext> = {
  name: 'reporting',
  schema: 'reporting',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [],
  create(deps) {
    const contactReports = new ContactReportService(deps.dataSource);
    return {
      resolvers,
      consumers: [contactsProjection],
      context: (base) => ({ ...base, contactReports }),
    };
  },
};
