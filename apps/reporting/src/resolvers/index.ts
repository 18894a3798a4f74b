import { requireRole, requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import type { ReportingContext } from '../context';
import type { ReportFilterInput } from '../domain/report-filter';
import type { Aggregate } from '../services/opportunity-aggregate';
import { chartOf } from '../services/pipeline-analysis-service';

type Ctx = ReportingContext;
type FilterArgs = { filter?: ReportFilterInput | null; currency?: string | null };

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Decimal: scalarResolvers.Decimal,
  Query: {
    contactReport: (_: unknown, __: unknown, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.services.contactReports.summary();
    },
    pipelineAnalysis: (_: unknown, args: FilterArgs & { groupBy?: string[] | null }, ctx: Ctx) =>
      ctx.services.pipeline.pipelineAnalysis(requireUser(ctx), args),
    forecast: (_: unknown, args: FilterArgs, ctx: Ctx) => ctx.services.pipeline.forecast(requireUser(ctx), args),
    winLoss: (_: unknown, args: FilterArgs, ctx: Ctx) => ctx.services.winLoss.winLoss(requireUser(ctx), args),
    currencyRates: (_: unknown, __: unknown, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.services.currencies.list();
    },
  },
  Mutation: {
    setCurrencyRate: async (_: unknown, args: { input: { currency: string; rate: string } }, ctx: Ctx) => {
      const user = requireRole(ctx, ['admin']);
      return { rate: await ctx.services.currencies.set(user, args.input.currency, args.input.rate, ctx.services.clock.now()) };
    },
  },
  ContactReport: {
    contacts: (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) => ctx.services.contactReports.contacts(args),
  },
  PipelineAnalysis: {
    chart: (parent: Aggregate, args: { measure: string }) => chartOf(parent, args.measure),
  },
};
