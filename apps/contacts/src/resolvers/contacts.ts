import { requireUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { ContactsContext } from '../context';
import type { ContactInput } from '../domain/contact-input';
import { nationalIdDetails } from '../domain/national-id';
import type { ContactFilter, ContactOrder } from '../services/contact-query';
import { listContacts } from '../services/contact-query';
import type { UpdateContactInput } from '../services/contact-service';
import type { ContactRecord } from '../services/contact-sql';
import type { UserContext } from '../user-context';
import { upper } from './util';

export const contactResolvers = {
  Query: {
    contact: (_: unknown, args: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.contact.load(args.id.toLowerCase()) : null;
    },
    contacts: (
      _: unknown,
      args: { filter?: ContactFilter | null; orderBy?: ContactOrder | null; first?: number; after?: string },
      ctx: ContactsContext,
    ) => listContacts(ctx.services.dataSource, requireUser(ctx), args, ctx.services.config.defaultCountry),
  },
  Mutation: {
    createContact: async (_: unknown, args: { input: ContactInput }, ctx: ContactsContext) => ({
      contact: await ctx.services.contacts.create(args.input, ctx),
    }),
    updateContact: async (_: unknown, args: { input: UpdateContactInput }, ctx: ContactsContext) => ({
      contact: await ctx.services.contacts.update(args.input, ctx),
    }),
    archiveContact: async (_: unknown, args: { input: { id: string; expectedVersion?: number } }, ctx: ContactsContext) => ({
      contact: await ctx.services.contacts.archive(args.input, ctx),
    }),
    restoreContact: async (_: unknown, args: { input: { id: string; expectedVersion?: number } }, ctx: ContactsContext) => ({
      contact: await ctx.services.contacts.restore(args.input, ctx),
    }),
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.contact.load(ref.id.toLowerCase()) : null;
    },
    kind: (c: ContactRecord) => upper(c.kind),
    /** The directory's user, batched with every other user of the request (one query). */
    salesperson: (c: ContactRecord, _: unknown, ctx: ContactsContext) => (c.salespersonId && isUuid(c.salespersonId) ? (ctx as UserContext).userLoader.load(c.salespersonId) : null),
    addressType: (c: ContactRecord) => upper(c.addressType),
    displayName: async (c: ContactRecord, _: unknown, ctx: ContactsContext) => {
      const parent = c.parentId ? await ctx.loaders.contact.load(c.parentId) : null;
      return parent ? `${parent.name}, ${c.name}` : c.name;
    },
    parent: (c: ContactRecord, _: unknown, ctx: ContactsContext) => (c.parentId ? ctx.loaders.contact.load(c.parentId) : null),
    children: (c: ContactRecord, _: unknown, ctx: ContactsContext) => ctx.loaders.children.load(c.id),
    mergedInto: (c: ContactRecord, _: unknown, ctx: ContactsContext) => (c.mergedIntoId ? ctx.loaders.contact.load(c.mergedIntoId) : null),
    nationalIdDetails: (c: ContactRecord) => nationalIdDetails(c.nationalId),
    tags: async (c: ContactRecord, _: unknown, ctx: ContactsContext) =>
      (await ctx.loaders.tag.loadMany(c.tagIds)).filter((t) => t && !(t instanceof Error)),
    occupation: (c: ContactRecord, _: unknown, ctx: ContactsContext) => (c.occupationId ? ctx.loaders.occupation.load(c.occupationId) : null),
    branch: (c: ContactRecord, _: unknown, ctx: ContactsContext) => (c.branchId ? ctx.loaders.branch.load(c.branchId) : null),
  },
};
