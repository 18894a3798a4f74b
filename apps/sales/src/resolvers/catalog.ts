import { requireUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { SalesContext } from '../context';
import type { NewProductInput, ProductPatchInput } from '../domain/product-input';
import type { NewTaxInput, TaxPatchInput } from '../domain/tax-input';
import type { SortDirection } from '../services/keyset';
import type { ProductFilter, ProductOrderField, ProductRow } from '../services/product-service';
import type { TaxFilter } from '../services/tax-service';

interface Page {
  first?: number;
  after?: string;
}

export const catalogResolvers = {
  Query: {
    tax: (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.tax.load(args.id.toLowerCase()) : null;
    },
    taxes: (
      _: unknown,
      args: Page & { filter?: TaxFilter; orderBy?: { field: 'NAME' | 'CREATED_AT'; direction?: SortDirection } },
      ctx: SalesContext,
    ) => ctx.taxes.list(args, ctx),
    product: (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.product.load(args.id.toLowerCase()) : null;
    },
    products: (
      _: unknown,
      args: Page & { filter?: ProductFilter; orderBy?: { field: ProductOrderField; direction?: SortDirection } },
      ctx: SalesContext,
    ) => ctx.products.list(args, ctx),
  },
  Mutation: {
    createTax: async (_: unknown, args: { input: NewTaxInput }, ctx: SalesContext) => ({ tax: await ctx.taxes.create(args.input, ctx) }),
    updateTax: async (_: unknown, args: { input: TaxPatchInput & { id: string; expectedVersion?: number } }, ctx: SalesContext) => ({
      tax: await ctx.taxes.update(args.input, ctx),
    }),
    createProduct: async (_: unknown, args: { input: NewProductInput }, ctx: SalesContext) => ({
      product: await ctx.products.create(args.input, ctx),
    }),
    updateProduct: async (_: unknown, args: { input: ProductPatchInput & { id: string; expectedVersion?: number } }, ctx: SalesContext) => ({
      product: await ctx.products.update(args.input, ctx),
    }),
  },
  types: {
    Tax: {
      __resolveReference: (ref: { id: string }, ctx: SalesContext) => {
        requireUser(ctx);
        return isUuid(ref.id) ? ctx.loaders.tax.load(ref.id) : null;
      },
    },
    Product: {
      __resolveReference: (ref: { id: string }, ctx: SalesContext) => {
        requireUser(ctx);
        return isUuid(ref.id) ? ctx.loaders.product.load(ref.id) : null;
      },
      taxes: async (product: ProductRow, _: unknown, ctx: SalesContext) =>
        (await ctx.loaders.tax.loadMany(product.taxIds)).filter((t) => t && !(t instanceof Error)),
    },
  },
};
