import { requireUser } from '@crm/auth';
import { scalarResolvers } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { SalesContext } from '../context';
import type { NewProductInput } from '../domain/product-input';

export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query: {
    product: (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.product.load(args.id) : null;
    },
    products: (_: unknown, args: { first?: number; after?: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return ctx.products.list(args);
    },
  },
  Mutation: {
    createProduct: async (_: unknown, args: { input: NewProductInput }, ctx: SalesContext) => ({
      product: await ctx.products.create(args.input, ctx),
    }),
  },
  Product: {
    __resolveReference: (ref: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.product.load(ref.id) : null;
    },
  },
};
