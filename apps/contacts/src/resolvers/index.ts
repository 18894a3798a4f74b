import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { ContactsContext } from '../context';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    contact: (_: unknown, args: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.contact.load(args.id) : null;
    },
    contacts: (_: unknown, args: { first?: number; after?: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return ctx.contacts.list(args);
    },
  },
  Mutation: {
    createContact: async (_: unknown, args: { input: { name?: string; email?: string } }, ctx: ContactsContext) => ({
      contact: await ctx.contacts.create(args.input, ctx),
    }),
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.contact.load(ref.id) : null;
    },
  },
};
