import type { ContactsContext } from '../context';

export const importResolvers = {
  Mutation: {
    importContacts: (_: unknown, args: { input: { csv?: string | null; path?: string | null; dryRun?: boolean | null } }, ctx: ContactsContext) =>
      ctx.services.imports.importFromApi(args.input, ctx),
  },
};
