import type { ContactsContext } from '../context';
import type { RankedDuplicate } from '../domain/duplicate-score';
import type { ContactRecord } from '../services/contact-sql';
import type { MergeInput } from '../services/merge-service';

export const duplicateResolvers = {
  Query: {
    contactDuplicates: async (_: unknown, args: { id: string; first?: number }, ctx: ContactsContext) => {
      const ranked: RankedDuplicate<ContactRecord>[] = await ctx.services.duplicates.find(args.id, args.first ?? 20, ctx);
      return ranked.map((r) => ({ contact: r.candidate, score: r.score, reasons: r.signals.map((s) => ({ reason: s.reason, detail: s.detail })) }));
    },
  },
  Mutation: {
    mergeContacts: (_: unknown, args: { input: MergeInput }, ctx: ContactsContext) => ctx.services.merges.merge(args.input, ctx),
  },
};
