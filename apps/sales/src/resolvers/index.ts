import { scalarResolvers } from '@crm/graphql';
import { bookingResolvers } from './bookings';
import { catalogResolvers } from './catalog';
import { opportunityResolvers } from './opportunity';
import { quotationResolvers } from './quotations';

/** Every root field and entity needs an authenticated user; each module below checks it. */
export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Decimal: scalarResolvers.Decimal,
  Query: {
    ...catalogResolvers.Query,
    ...quotationResolvers.Query,
    ...bookingResolvers.Query,
  },
  Mutation: {
    ...catalogResolvers.Mutation,
    ...quotationResolvers.Mutation,
    ...bookingResolvers.Mutation,
  },
  ...catalogResolvers.types,
  ...quotationResolvers.types,
  ...bookingResolvers.types,
  Opportunity: opportunityResolvers,
};
