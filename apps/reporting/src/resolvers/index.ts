import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import type { ReportingContext } from '../context';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    contactReport: (_: unknown, __: unknown, ctx: ReportingContext) => {
      requireUser(ctx);
      return ctx.contactReports.summary();
    },
  },
  ContactReport: {
    contacts: (_: unknown, args: { first?: number; after?: string }, ctx: ReportingContext) =>
      ctx.contactReports.contacts(args),
  },
};
