import { requireUser } from '@crm/auth';
import type { PageArgs } from '@crm/graphql';
import type { ContactsContext } from '../context';
import type { BranchInput } from '../domain/branch-input';

type ListArgs = PageArgs & { includeArchived?: boolean | null };

/** Branches, tags and occupations: everybody reads them, administrators change them. */
export const configurationResolvers = {
  Query: {
    branch: (_: unknown, args: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return ctx.loaders.branch.load(args.id);
    },
    branches: (_: unknown, args: ListArgs, ctx: ContactsContext) => ctx.services.branches.list(args, ctx),
    tags: (_: unknown, args: ListArgs, ctx: ContactsContext) => ctx.services.tags.list(args, ctx),
    occupations: (_: unknown, args: ListArgs, ctx: ContactsContext) => ctx.services.occupations.list(args, ctx),
  },
  Mutation: {
    createBranch: async (_: unknown, args: { input: BranchInput & { id: string } }, ctx: ContactsContext) => ({
      branch: await ctx.services.branches.create(args.input, ctx),
    }),
    updateBranch: async (_: unknown, args: { input: BranchInput & { id: string; expectedVersion?: number } }, ctx: ContactsContext) => ({
      branch: await ctx.services.branches.update(args.input, ctx),
    }),
    createTag: async (_: unknown, args: { input: { name: string; color?: string } }, ctx: ContactsContext) => ({
      tag: await ctx.services.tags.create(args.input, ctx),
    }),
    updateTag: async (_: unknown, args: { input: { id: string; expectedVersion?: number; name?: string; color?: string; active?: boolean } }, ctx: ContactsContext) => ({
      tag: await ctx.services.tags.update(args.input, ctx),
    }),
    createOccupation: async (_: unknown, args: { input: { name: string; sequence?: number } }, ctx: ContactsContext) => ({
      occupation: await ctx.services.occupations.create(args.input, ctx),
    }),
    updateOccupation: async (
      _: unknown,
      args: { input: { id: string; expectedVersion?: number; name?: string; sequence?: number; active?: boolean } },
      ctx: ContactsContext,
    ) => ({ occupation: await ctx.services.occupations.update(args.input, ctx) }),
  },
  Branch: {
    __resolveReference: (ref: { id: string }, ctx: ContactsContext) => {
      requireUser(ctx);
      return ctx.loaders.branch.load(ref.id);
    },
  },
};
