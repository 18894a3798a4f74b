import { requireUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { SalesContext } from '../context';
import { computeTotals } from '../domain/line-amounts';
import { isQuotation } from '../domain/quotation-state';
import { localDate } from '../domain/zoned-time';
import type { SortDirection } from '../services/keyset';
import type { SendQuotationInput } from '../services/quotation-mailing';
import type { QuotationLineRow, QuotationRow } from '../services/quotation-rows';
import type {
  CreateQuotationInput,
  NewQuotationFromOpportunityInput,
  QuotationFilter,
  QuotationOrderField,
  TransitionInput,
  UpdateQuotationInput,
} from '../services/quotation-service';

const contact = (id: string | null) => (id ? { __typename: 'Contact', id } : null);

export const quotationResolvers = {
  Query: {
    quotation: (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.quotation.load(args.id.toLowerCase()) : null;
    },
    quotations: (
      _: unknown,
      args: { first?: number; after?: string; filter?: QuotationFilter; orderBy?: { field: QuotationOrderField; direction?: SortDirection } },
      ctx: SalesContext,
    ) => ctx.quotations.list(args, requireUser(ctx)),
    quotationPdf: async (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      if (!isUuid(args.id)) return null;
      const pdf = await ctx.mailing.pdf(args.id.toLowerCase(), ctx);
      return pdf && { filename: pdf.filename, contentType: 'application/pdf', base64: pdf.content.toString('base64') };
    },
  },
  Mutation: {
    createQuotation: async (_: unknown, args: { input: CreateQuotationInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.create(args.input, ctx),
    }),
    newQuotationFromOpportunity: async (_: unknown, args: { input: NewQuotationFromOpportunityInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.createFromOpportunity(args.input, ctx),
    }),
    updateQuotation: async (_: unknown, args: { input: UpdateQuotationInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.update(args.input, ctx),
    }),
    sendQuotation: async (_: unknown, args: { input: SendQuotationInput }, ctx: SalesContext) => ({
      quotation: await ctx.mailing.send(args.input, ctx),
    }),
    confirmQuotation: async (_: unknown, args: { input: TransitionInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.confirm(args.input, ctx),
    }),
    cancelQuotation: async (_: unknown, args: { input: TransitionInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.cancel(args.input, ctx),
    }),
    setQuotationToDraft: async (_: unknown, args: { input: TransitionInput }, ctx: SalesContext) => ({
      quotation: await ctx.quotations.setToDraft(args.input, ctx),
    }),
  },
  types: {
    QuotationState: { DRAFT: 'draft', SENT: 'sent', SALE: 'sale', CANCELLED: 'cancelled' },
    Quotation: {
      __resolveReference: (ref: { id: string }, ctx: SalesContext) => {
        requireUser(ctx);
        return isUuid(ref.id) ? ctx.loaders.quotation.load(ref.id) : null;
      },
      customer: (q: QuotationRow) => contact(q.customerId),
      salesperson: (q: QuotationRow) => (q.salespersonId ? { __typename: 'User', id: q.salespersonId } : null),
      invoiceAddress: (q: QuotationRow) => contact(q.invoiceAddressId),
      deliveryAddress: (q: QuotationRow) => contact(q.deliveryAddressId),
      opportunity: (q: QuotationRow) => (q.opportunityId ? { __typename: 'Opportunity', id: q.opportunityId } : null),
      isExpired: (q: QuotationRow, _: unknown, ctx: SalesContext) =>
        isQuotation(q.state) && q.validityDate !== null && q.validityDate < localDate(ctx.quotations.now(), ctx.user?.tz ?? 'UTC'),
      lines: (q: QuotationRow, _: unknown, ctx: SalesContext) => ctx.loaders.quotationLines.load(q.id),
      taxTotals: async (q: QuotationRow, _: unknown, ctx: SalesContext) => {
        const lines = await ctx.loaders.quotationLines.load(q.id);
        return computeTotals(lines, q.currency).taxTotals.map((t) => ({ ...t, taxId: t.taxId }));
      },
    },
    QuotationLine: {
      product: (l: QuotationLineRow, _: unknown, ctx: SalesContext) => (l.productId ? ctx.loaders.product.load(l.productId) : null),
    },
    LineTax: {
      tax: (t: { taxId: string }, _: unknown, ctx: SalesContext) => ctx.loaders.tax.load(t.taxId),
    },
    TaxTotal: {
      tax: (t: { taxId: string }, _: unknown, ctx: SalesContext) => ctx.loaders.tax.load(t.taxId),
    },
  },
};
