import { requireUser } from '@crm/auth';
import { badInput } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { PipelineContext } from '../context';
import { PIPELINE_TEMPLATES } from '../config/templates';
import type { OpportunityFilterInput } from '../services/opportunity-filter';
import type { ListArgs } from '../services/opportunity-queries';

const lower = (v: string | null | undefined) => (v ? v.toLowerCase() : v);

export const queryResolvers = {
  opportunity: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    requireUser(ctx);
    return isUuid(args.id) ? ctx.loaders.opportunity.load(args.id.toLowerCase()) : null;
  },
  opportunities: (_: unknown, args: ListArgs, ctx: PipelineContext) => ctx.queries.list('opportunity', args, requireUser(ctx)),
  leads: (_: unknown, args: ListArgs, ctx: PipelineContext) => ctx.queries.list('lead', args, requireUser(ctx)),
  pipelineBoard: async (
    _: unknown,
    args: { teamId?: string | null; pipelineId?: string | null; filter?: OpportunityFilterInput | null; cardsPerColumn?: number | null },
    ctx: PipelineContext,
  ) => {
    const user = requireUser(ctx);
    const first = args.cardsPerColumn ?? 20;
    if (!Number.isInteger(first) || first < 0 || first > 100) throw badInput('cardsPerColumn', 'cardsPerColumn is 0 to 100');
    for (const [field, value] of [['teamId', args.teamId], ['pipelineId', args.pipelineId]] as const) {
      if (value && !isUuid(value)) throw badInput(field, `${value} is not an id`);
    }
    let pipeline = args.pipelineId ? await ctx.loaders.pipeline.load(lower(args.pipelineId)!) : null;
    if (args.pipelineId && !pipeline) throw badInput('pipelineId', `pipeline ${args.pipelineId} not found`);
    const teamId = lower(args.teamId) ?? pipeline?.teamId ?? (await ctx.config.defaultTeam()).id;
    const team = await ctx.loaders.team.load(teamId);
    if (!team) throw badInput('teamId', `sales team ${args.teamId} not found`);
    if (pipeline && pipeline.teamId !== team.id) throw badInput('pipelineId', 'the pipeline belongs to another team');
    pipeline ??= (await ctx.loaders.pipelinesOfTeam.load(team.id))[0] ?? null;
    if (!pipeline) throw badInput('teamId', `sales team ${team.name} has no pipeline`);
    const stages = await ctx.loaders.stagesOfPipeline.load(pipeline.id);
    const board = await ctx.queries.board(team, pipeline, stages, args.filter ?? null, user);
    return { ...board, columns: board.columns.map((c) => ({ ...c, defaultFirst: first })) };
  },
  salesTeams: (_: unknown, args: { includeArchived?: boolean }, ctx: PipelineContext) => {
    requireUser(ctx);
    return ctx.config.listTeams(Boolean(args.includeArchived));
  },
  salesTeam: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    requireUser(ctx);
    return isUuid(args.id) ? ctx.loaders.team.load(args.id.toLowerCase()) : null;
  },
  pipeline: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    requireUser(ctx);
    return isUuid(args.id) ? ctx.loaders.pipeline.load(args.id.toLowerCase()) : null;
  },
  stages: (_: unknown, args: { teamId?: string | null; pipelineId?: string | null }, ctx: PipelineContext) => {
    requireUser(ctx);
    for (const [field, value] of [['teamId', args.teamId], ['pipelineId', args.pipelineId]] as const) {
      if (value && !isUuid(value)) throw badInput(field, `${value} is not an id`);
    }
    return ctx.config.listStages({ teamId: lower(args.teamId), pipelineId: lower(args.pipelineId) });
  },
  lostReasons: (_: unknown, args: { includeArchived?: boolean }, ctx: PipelineContext) => {
    requireUser(ctx);
    return ctx.config.listLostReasons(Boolean(args.includeArchived));
  },
  opportunityTags: (_: unknown, __: unknown, ctx: PipelineContext) => {
    requireUser(ctx);
    return ctx.config.listTags();
  },
  currencyRates: (_: unknown, __: unknown, ctx: PipelineContext) => {
    requireUser(ctx);
    return ctx.config.listRates();
  },
  pipelineTemplates: (_: unknown, __: unknown, ctx: PipelineContext) => {
    requireUser(ctx);
    return PIPELINE_TEMPLATES.map((t) => ({
      key: t.key,
      name: t.name,
      description: t.description,
      stageNames: t.stages.map((s) => s.name),
      propertyDefinitions: t.propertyDefinitions.map((d) => ({ ...d, type: d.type.toUpperCase() })),
    }));
  },
};
