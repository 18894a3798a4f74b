import { scalarResolvers } from '@crm/graphql';
import { mutationResolvers } from './mutations';
import { queryResolvers } from './queries';
import { typeResolvers } from './types';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Decimal: scalarResolvers.Decimal,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  ...typeResolvers,
};
