import { requireUser } from '@crm/auth';
import { isUuid } from '@crm/runtime';
import type { SalesContext } from '../context';
import type { BookingFieldsInput, NewBookingInput } from '../domain/booking-input';
import type { BookingRow } from '../services/booking-rows';
import type { BookingFilter, BookingOrderField, BookingTransitionInput } from '../services/booking-service';
import type { SortDirection } from '../services/keyset';

export const bookingResolvers = {
  Query: {
    bookingService: (_: unknown, args: { id: string }, ctx: SalesContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.loaders.booking.load(args.id.toLowerCase()) : null;
    },
    bookingServices: (
      _: unknown,
      args: { first?: number; after?: string; filter?: BookingFilter; orderBy?: { field: BookingOrderField; direction?: SortDirection } },
      ctx: SalesContext,
    ) => ctx.bookings.list(args, requireUser(ctx)),
  },
  Mutation: {
    createBookingService: async (_: unknown, args: { input: NewBookingInput }, ctx: SalesContext) => ({
      bookingService: await ctx.bookings.create(args.input, ctx),
    }),
    updateBookingService: async (_: unknown, args: { input: BookingFieldsInput & { id: string; expectedVersion?: number } }, ctx: SalesContext) => ({
      bookingService: await ctx.bookings.update(args.input, ctx),
    }),
    postBookingService: async (_: unknown, args: { input: BookingTransitionInput }, ctx: SalesContext) => ({
      bookingService: await ctx.bookings.post(args.input, ctx),
    }),
    cancelBookingService: async (_: unknown, args: { input: BookingTransitionInput }, ctx: SalesContext) => ({
      bookingService: await ctx.bookings.cancel(args.input, ctx),
    }),
    createBookingWorkOrder: async (_: unknown, args: { input: BookingTransitionInput & { workOrderNumber: string } }, ctx: SalesContext) => ({
      bookingService: await ctx.bookings.createWorkOrder(args.input, ctx),
    }),
  },
  types: {
    BookingServiceState: { DRAFT: 'draft', POSTED: 'posted', CANCELLED: 'cancelled', WORK_ORDER_CREATED: 'work_order_created' },
    BookingService: {
      __resolveReference: (ref: { id: string }, ctx: SalesContext) => {
        requireUser(ctx);
        return isUuid(ref.id) ? ctx.loaders.booking.load(ref.id) : null;
      },
      opportunity: (b: BookingRow) => ({ __typename: 'Opportunity', id: b.opportunityId }),
      customer: (b: BookingRow) => ({ __typename: 'Contact', id: b.customerId }),
      salesperson: (b: BookingRow) => (b.salespersonId ? { __typename: 'User', id: b.salespersonId } : null),
    },
  },
};
