import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { PipelineContext } from '../context';
import type { OpportunityEntity } from '../entities/opportunity.entity';
import type { NewOpportunityInput } from '../domain/opportunity-input';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query: {
    opportunity: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.opportunity.load(args.id) : null;
    },
    opportunities: (_: unknown, args: { first?: number; after?: string }, ctx: PipelineContext) => {
      requireUser(ctx);
      return ctx.opportunities.list(args);
    },
  },
  Mutation: {
    createOpportunity: async (_: unknown, args: { input: NewOpportunityInput }, ctx: PipelineContext) => ({
      opportunity: await ctx.opportunities.create(args.input, ctx),
    }),
  },
  Opportunity: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.opportunity.load(ref.id) : null;
    },
    /** A reference only: the gateway resolves it in the contacts subgraph. */
    customer: (o: OpportunityEntity) => (o.customerId ? { __typename: 'Contact', id: o.customerId } : null),
  },
};
