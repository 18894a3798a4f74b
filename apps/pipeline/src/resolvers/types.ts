import { requireUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { PipelineContext } from '../context';
import { isOverdue, type Opportunity } from '../domain/opportunity';
import { PRIORITIES } from '../domain/opportunity-input';
import type { LeadGenerationRules } from '../domain/lead-generation';
import type { Pipeline, Stage, Team } from '../repositories/config-rows';
import type { HistoryImportResult } from '../services/history-import-service';
import type { BoardColumnData, StageVisit } from '../services/opportunity-queries';

const up = (s: string) => s.toUpperCase();
/** A rule's fixed values, by key (stored as jsonb, whose key order is its own). */
const fixed = (values: Record<string, string>) =>
  Object.entries(values)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));

async function reference<T>(ref: { id: string }, ctx: PipelineContext, load: (id: string) => Promise<T | null>): Promise<T | null> {
  requireUser(ctx);
  return isUuid(ref.id) ? load(ref.id.toLowerCase()) : null;
}


/** A user of the contacts subgraph (federated stub: the gateway asks contacts for all of them in one batch). */
const userRef = (id: string | null | undefined) => (id ? { __typename: 'User', id } : null);

export const typeResolvers = {
  Opportunity: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.opportunity.load(id)),
    type: (o: Opportunity) => up(o.type),
    status: (o: Opportunity) => up(o.status),
    /** A reference only: the gateway resolves it in the contacts subgraph. */
    customer: (o: Opportunity) => (o.customerId ? { __typename: 'Contact', id: o.customerId } : null),
    salesperson: (o: Opportunity) => userRef(o.salespersonId),
    team: (o: Opportunity, _: unknown, ctx: PipelineContext) => ctx.loaders.team.load(o.teamId),
    pipeline: (o: Opportunity, _: unknown, ctx: PipelineContext) => ctx.loaders.pipeline.load(o.pipelineId),
    stage: (o: Opportunity, _: unknown, ctx: PipelineContext) => (o.stageId ? ctx.loaders.stage.load(o.stageId) : null),
    priorityLabel: (o: Opportunity) => PRIORITIES[o.priority] ?? 'Normal',
    probabilityIsManual: (o: Opportunity) => o.probabilityManual,
    overdue: (o: Opportunity, _: unknown, ctx: PipelineContext) => isOverdue(o, ctx.queries.today(requireUser(ctx))),
    tags: async (o: Opportunity, _: unknown, ctx: PipelineContext) => {
      const tags = await ctx.loaders.tag.loadMany(o.tagIds);
      return tags.filter((t) => t && !(t instanceof Error));
    },
    lostReason: (o: Opportunity, _: unknown, ctx: PipelineContext) => (o.lostReasonId ? ctx.loaders.lostReason.load(o.lostReasonId) : null),
    stageHistory: (o: Opportunity, _: unknown, ctx: PipelineContext) => ctx.loaders.stageHistory.load(o.id),
    duplicates: (o: Opportunity, _: unknown, ctx: PipelineContext) => ctx.loaders.duplicates.load(o.id),
    timeInStages: async (o: Opportunity, _: unknown, ctx: PipelineContext) => {
      const visits = await ctx.loaders.stageHistory.load(o.id);
      const totals = new Map<string, { stageId: string | null; stageName: string | null; seconds: number }>();
      for (const v of visits) {
        const key = v.stageId ?? `name:${v.stageName}`;
        const t = totals.get(key) ?? { stageId: v.stageId, stageName: v.stageName, seconds: 0 };
        t.seconds += v.seconds;
        totals.set(key, t);
      }
      return [...totals.values()];
    },
    properties: async (o: Opportunity, _: unknown, ctx: PipelineContext) => {
      const pipeline = await ctx.loaders.pipeline.load(o.pipelineId);
      return (pipeline?.propertyDefinitions ?? []).map((d) => {
        const value = o.properties[d.key] ?? null;
        const option = d.options.find((op) => op.value === value);
        return { key: d.key, label: d.label, type: up(d.type), value, displayValue: option?.label ?? value };
      });
    },
  },
  StageVisit: {
    stage: (v: StageVisit, _: unknown, ctx: PipelineContext) => (v.stageId ? ctx.loaders.stage.load(v.stageId) : null),
  },
  StageTime: {
    stage: (v: { stageId: string | null }, _: unknown, ctx: PipelineContext) => (v.stageId ? ctx.loaders.stage.load(v.stageId) : null),
  },
  SalesTeam: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.team.load(id)),
    leader: (t: Team) => userRef(t.leaderId),
    members: (t: Team) => t.memberIds.map((id) => userRef(id)!),
    pipelines: (t: Team, args: { includeArchived?: boolean }, ctx: PipelineContext) =>
      (args.includeArchived ? ctx.loaders.archivedPipelinesOfTeam : ctx.loaders.pipelinesOfTeam).load(t.id),
  },
  Pipeline: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.pipeline.load(id)),
    team: (p: Pipeline, _: unknown, ctx: PipelineContext) => ctx.loaders.team.load(p.teamId),
    stages: (p: Pipeline, _: unknown, ctx: PipelineContext) => ctx.loaders.stagesOfPipeline.load(p.id),
    propertyDefinitions: (p: Pipeline) => p.propertyDefinitions.map((d) => ({ ...d, type: up(d.type) })),
  },
  LeadGenerationRules: {
    createAs: (r: LeadGenerationRules) => up(r.createAs),
  },
  SalesHistoryRule: { properties: (r: { properties: Record<string, string> }) => fixed(r.properties) },
  ServiceHistoryRule: { properties: (r: { properties: Record<string, string> }) => fixed(r.properties) },
  ImportServiceHistoryPayload: {
    leads: async (r: HistoryImportResult, _: unknown, ctx: PipelineContext) =>
      (await ctx.loaders.opportunity.loadMany(r.leadIds)).filter((o) => o && !(o instanceof Error)),
  },
  Stage: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.stage.load(id)),
    team: (s: Stage, _: unknown, ctx: PipelineContext) => (s.teamId ? ctx.loaders.team.load(s.teamId) : null),
    pipeline: (s: Stage, _: unknown, ctx: PipelineContext) => (s.pipelineId ? ctx.loaders.pipeline.load(s.pipelineId) : null),
  },
  LostReason: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.lostReason.load(id)),
  },
  OpportunityTag: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => reference(ref, ctx, (id) => ctx.loaders.tag.load(id)),
  },
  BoardColumn: {
    folded: (c: BoardColumnData) => c.stage.folded,
    /** The column's count is its cards' total (same filter, same record scope). */
    cards: async (c: BoardColumnData & { defaultFirst: number }, args: { first?: number | null; after?: string | null }, ctx: PipelineContext) => ({
      ...(await ctx.loaders.columnCards.load({ ...c.key, first: args.first ?? c.defaultFirst, after: args.after ?? null })),
      totalCount: c.count,
    }),
  },
};
