import { requireUser } from '@crm/auth';
import { parsePage, toConnection } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { SalesContext } from '../context';

interface OpportunityRef {
  id: string;
}

function afterId(after: string | null): string | null {
  return after === null ? null : String(after);
}

/**
 * Fields sales contributes to the pipeline's Opportunity: batched per request (one query for
 * N opportunities per kind of field), limited to the quotations and bookings the caller may see.
 */
export const opportunityResolvers = {
  __resolveReference: (ref: OpportunityRef, ctx: SalesContext) => {
    requireUser(ctx);
    return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
  },
  quotations: async (o: OpportunityRef, args: { first?: number; after?: string }, ctx: SalesContext) => {
    requireUser(ctx);
    const page = parsePage(args);
    const after = page.after ? afterId(page.after[0] as string) : null;
    const rows = await ctx.loaders.opportunityQuotations.load(`${page.limit}|${after ?? ''}|${o.id}`);
    return toConnection(rows, page, (r) => [r.id], async () => (await ctx.loaders.opportunitySales.load(o.id)).totalCount);
  },
  quotationCount: async (o: OpportunityRef, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunitySales.load(o.id)).quotationCount,
  quotationAmountTotal: async (o: OpportunityRef, _: unknown, ctx: SalesContext) =>
    (await ctx.loaders.opportunitySales.load(o.id)).quotationAmountTotal,
  saleOrderCount: async (o: OpportunityRef, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunitySales.load(o.id)).saleOrderCount,
  saleAmountTotal: async (o: OpportunityRef, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunitySales.load(o.id)).saleAmountTotal,
  salesCurrency: async (o: OpportunityRef, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunitySales.load(o.id)).currency,
  salesByCurrency: async (o: OpportunityRef, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunitySales.load(o.id)).byCurrency,
  bookingServices: async (o: OpportunityRef, args: { first?: number; after?: string }, ctx: SalesContext) => {
    requireUser(ctx);
    const page = parsePage(args);
    const after = page.after ? afterId(page.after[0] as string) : null;
    const result = await ctx.loaders.opportunityBookings.load(`${page.limit}|${after ?? ''}|${o.id}`);
    return toConnection(result.rows, page, (r) => [r.id], result.total);
  },
};
