import { join } from 'node:path';
import { TOPICS } from '@crm/events';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type SalesContext } from './context';
import { migrations } from './migrations';
import { contactsProjection } from './projections/contacts-projection';
import { pipelineProjection } from './projections/pipeline-projection';
import { resolvers } from './resolvers';
import { BookingService } from './services/booking-service';
import { mailerFromEnv } from './services/mailer';
import { ProductService } from './services/product-service';
import { QuotationMailing } from './services/quotation-mailing';
import { QuotationService, SCHEMA } from './services/quotation-service';
import { TaxService } from './services/tax-service';

export const salesModule: SubgraphModule<SalesContext> = {
  name: 'sales',
  schema: SCHEMA,
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [],
  migrations,
  publishes: [TOPICS.salesQuotation, TOPICS.salesBooking],
  create(deps) {
    const quotations = new QuotationService(deps.dataSource, deps.clock);
    const bookings = new BookingService(deps.dataSource, deps.clock);
    const services = {
      taxes: new TaxService(deps.dataSource, deps.clock),
      products: new ProductService(deps.dataSource, deps.clock),
      quotations,
      mailing: new QuotationMailing(deps.dataSource, quotations, mailerFromEnv(), deps.clock),
      bookings,
    };
    return {
      resolvers,
      consumers: [pipelineProjection(quotations, bookings), contactsProjection(quotations, bookings)],
      context: (base) => createContext(base, services),
    };
  },
};
