import { requireRole } from '@crm/auth';
import type { PipelineContext } from '../context';
import type { OpportunityFieldsInput } from '../domain/opportunity-input';
import type { TeamInput, StageInput } from '../domain/config-input';
import type { GatesInput } from '../domain/gates';
import type { PipelineInput } from '../services/config-service';
import type { AssignInput, ConvertInput, MarkLostInput, MoveOpportunityInput, RefInput, UpdateOpportunityInput } from '../services/opportunity-service';

type Args<T> = { input: T };
type PropertyDefinitionsInput = { propertyDefinitions?: { key: string; label: string; type: string; options?: { value: string; label?: string }[] }[] | null };

const opportunity = (o: unknown) => ({ opportunity: o });
const opportunities = (list: unknown[]) => ({ opportunities: list });

export const mutationResolvers = {
  createOpportunity: async (_: unknown, { input }: Args<OpportunityFieldsInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.create(input, ctx)),
  createLead: async (_: unknown, { input }: Args<OpportunityFieldsInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.create({ ...input, type: 'lead' }, ctx, 'lead')),
  importServiceHistory: (_: unknown, { input }: Args<{ pipelineId: string; csv?: string | null; path?: string | null; dryRun?: boolean | null }>, ctx: PipelineContext) =>
    ctx.historyImport.importFromApi(input, ctx),
  updateOpportunity: async (_: unknown, { input }: Args<UpdateOpportunityInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.update(input, ctx)),
  moveOpportunity: async (_: unknown, { input }: Args<MoveOpportunityInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.move(input, ctx)),
  markWon: async (_: unknown, { input }: Args<RefInput>, ctx: PipelineContext) => opportunity(await ctx.opportunities.markWon(input, ctx)),
  markLost: async (_: unknown, { input }: Args<MarkLostInput>, ctx: PipelineContext) => opportunity(await ctx.opportunities.markLost(input, ctx)),
  restoreOpportunity: async (_: unknown, { input }: Args<RefInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.restore(input, ctx)),
  archiveOpportunity: async (_: unknown, { input }: Args<RefInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.archive(input, ctx)),
  unarchiveOpportunity: async (_: unknown, { input }: Args<RefInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.unarchive(input, ctx)),
  duplicateOpportunity: async (_: unknown, { input }: Args<{ id: string; name?: string | null }>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.duplicate(input, ctx)),
  deleteOpportunity: async (_: unknown, { input }: Args<RefInput>, ctx: PipelineContext) => ({
    deletedId: (await ctx.opportunities.delete(input, ctx)).id,
  }),
  convertToOpportunity: async (_: unknown, { input }: Args<ConvertInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.convert(input, ctx)),
  mergeOpportunities: async (_: unknown, { input }: Args<{ ids: string[]; targetId?: string | null }>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.merge(input, ctx)),
  assignOpportunity: async (_: unknown, { input }: Args<AssignInput>, ctx: PipelineContext) =>
    opportunity(await ctx.opportunities.assign(input, ctx)),
  moveOpportunities: async (_: unknown, { input }: Args<{ ids: string[]; stageId: string }>, ctx: PipelineContext) =>
    opportunities(await ctx.opportunities.bulkMove(input, ctx)),
  assignOpportunities: async (_: unknown, { input }: Args<{ ids: string[]; salespersonId?: string | null; teamId?: string | null }>, ctx: PipelineContext) =>
    opportunities(await ctx.opportunities.bulkAssign(input, ctx)),
  markOpportunitiesLost: async (
    _: unknown,
    { input }: Args<{ ids: string[]; lostReasonId?: string | null; lostFeedback?: string | null }>,
    ctx: PipelineContext,
  ) => opportunities(await ctx.opportunities.bulkMarkLost(input, ctx)),

  createSalesTeam: async (_: unknown, { input }: Args<TeamInput>, ctx: PipelineContext) => ({ salesTeam: await ctx.config.createTeam(input, ctx) }),
  updateSalesTeam: async (_: unknown, { input }: Args<TeamInput & { id: string; expectedVersion?: number | null }>, ctx: PipelineContext) => ({
    salesTeam: await ctx.config.updateTeam(input, ctx),
  }),
  createPipeline: async (_: unknown, { input }: Args<PipelineInput & PropertyDefinitionsInput>, ctx: PipelineContext) => ({
    pipeline: await ctx.config.createPipeline(input, ctx),
  }),
  updatePipeline: async (_: unknown, { input }: Args<PipelineInput & { id: string; expectedVersion?: number | null }>, ctx: PipelineContext) => ({
    pipeline: await ctx.config.updatePipeline(input, ctx),
  }),
  createStage: async (_: unknown, { input }: Args<StageInput & { gates?: GatesInput | null }>, ctx: PipelineContext) => ({
    stage: await ctx.config.createStage(input, ctx),
  }),
  updateStage: async (_: unknown, { input }: Args<StageInput & { id: string; expectedVersion?: number | null; gates?: GatesInput | null }>, ctx: PipelineContext) => ({
    stage: await ctx.config.updateStage(input, ctx),
  }),
  deleteStage: async (_: unknown, { input }: Args<{ id: string }>, ctx: PipelineContext) => ({ stage: await ctx.config.deleteStage(input, ctx) }),
  createLostReason: async (_: unknown, { input }: Args<{ name: string }>, ctx: PipelineContext) => ({
    lostReason: await ctx.config.createLostReason(input, ctx),
  }),
  updateLostReason: async (_: unknown, { input }: Args<{ id: string; name?: string; active?: boolean; expectedVersion?: number }>, ctx: PipelineContext) => ({
    lostReason: await ctx.config.updateLostReason(input, ctx),
  }),
  createOpportunityTag: async (_: unknown, { input }: Args<{ name: string; color?: number }>, ctx: PipelineContext) => ({
    tag: await ctx.config.createTag(input, ctx),
  }),
  updateOpportunityTag: async (_: unknown, { input }: Args<{ id: string; name?: string; color?: number; expectedVersion?: number }>, ctx: PipelineContext) => ({
    tag: await ctx.config.updateTag(input, ctx),
  }),
  setCurrencyRate: async (_: unknown, { input }: Args<{ currency: string; rate: string; validFrom?: string | null }>, ctx: PipelineContext) => {
    requireRole(ctx, ['admin']);
    return { currencyRate: await ctx.config.setCurrencyRate(input, ctx) };
  },
  rebuildLeadScoring: async (_: unknown, { input }: Args<{ teamId: string }>, ctx: PipelineContext) => {
    const result = await ctx.opportunities.rebuildScoring(input.teamId, ctx);
    return { team: await ctx.loaders.team.load(input.teamId.toLowerCase()), closedCount: result.closed, updatedCount: result.updated };
  },
};
