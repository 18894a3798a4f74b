import { requireRole, requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import type { ReportingContext } from '../context';
import type { FollowUpConfig } from '../domain/follow-up-config';
import type { ReportFilterInput } from '../domain/report-filter';
import type { ActivityFilterInput } from '../services/activity-analysis-service';
import type { ExportInput } from '../services/export-service';
import type { FollowUpFilterInput } from '../services/follow-up-service';
import type { Aggregate } from '../services/opportunity-aggregate';
import { chartOf } from '../services/pipeline-analysis-service';

type Ctx = ReportingContext;
type FilterArgs = { filter?: ReportFilterInput | null; currency?: string | null };

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Decimal: scalarResolvers.Decimal,
  Query: {
    contactReport: (_: unknown, __: unknown, ctx: Ctx) => ctx.services.contactReports.summary(requireUser(ctx)),
    pipelineAnalysis: (_: unknown, args: FilterArgs & { groupBy?: string[] | null }, ctx: Ctx) =>
      ctx.services.pipeline.pipelineAnalysis(requireUser(ctx), args),
    forecast: (_: unknown, args: FilterArgs, ctx: Ctx) => ctx.services.pipeline.forecast(requireUser(ctx), args),
    winLoss: (_: unknown, args: FilterArgs & { groupBy?: string[] | null }, ctx: Ctx) => ctx.services.winLoss.winLoss(requireUser(ctx), args),
    activityAnalysis: (_: unknown, args: { filter?: ActivityFilterInput | null; groupBy?: string[] | null }, ctx: Ctx) =>
      ctx.services.activities.activityAnalysis(requireUser(ctx), args),
    teamDashboard: (_: unknown, args: { teamIds?: string[] | null; filter?: ReportFilterInput | null }, ctx: Ctx) => ctx.services.teams.teamDashboard(requireUser(ctx), args),
    followUpMonitoring: (_: unknown, args: { filter?: FollowUpFilterInput | null }, ctx: Ctx) =>
      ctx.services.followUp.followUpMonitoring(requireUser(ctx), args),
    followUpConfig: (_: unknown, __: unknown, ctx: Ctx) => {
      requireUser(ctx);
      return ctx.services.followUpConfig.get();
    },
    pipelineAsOf: (
      _: unknown,
      args: { date?: string | null; at?: Date | null; filter?: ReportFilterInput | null; cardsPerStage?: number | null },
      ctx: Ctx,
    ) => ctx.services.asOf.pipelineAsOf(requireUser(ctx), args),
  },
  Mutation: {
    configureFollowUpMonitoring: async (_: unknown, args: { input: Partial<FollowUpConfig> & { expectedVersion?: number | null } }, ctx: Ctx) => {
      const user = requireRole(ctx, ['admin']);
      return { config: await ctx.services.followUpConfig.configure(user, args.input, ctx.services.clock.now()) };
    },
    requestCrmExport: async (_: unknown, args: { input: ExportInput }, ctx: Ctx) =>
      ctx.services.exports.request(requireUser(ctx), args.input, ctx.services.clock.now()),
  },
  ContactReport: {
    contacts: (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) => ctx.services.contactReports.contacts(requireUser(ctx), args),
  },
  PipelineAnalysis: {
    chart: (parent: Aggregate, args: { measure: string }) => chartOf(parent, args.measure),
  },
};
