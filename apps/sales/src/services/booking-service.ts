import type { DataSource, EntityManager } from 'typeorm';
import { canSee, requireUser, resolveBranch, scopePredicate, type AuthUser } from '@crm/auth';
import { badInput, notFound, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import {
  scheduleBooking,
  validateBookingFields,
  validateNewBooking,
  type BookingFieldsInput,
  type NewBookingInput,
} from '../domain/booking-input';
import { nextBookingState, type BookingState } from '../domain/booking-state';
import { bookingNumber, bookingSequenceKey } from '../domain/numbering';
import { yymm } from '../domain/zoned-time';
import { checkVersion, diff } from './common';
import { findBranch, findContacts, findOpportunity, type OpportunityCopy } from './directory';
import { keysetPage, type SortDirection } from './keyset';
import { BOOKING_COLUMNS, bookingEvent, mapBooking, type BookingEventName, type BookingRow } from './booking-rows';
import { SCHEMA } from './quotation-service';

export interface UpdateBookingInput extends BookingFieldsInput {
  id: string;
  expectedVersion?: number | null;
}

export interface BookingTransitionInput {
  id: string;
  expectedVersion?: number | null;
}

export interface BookingFilter {
  state?: BookingState[] | null;
  branchId?: string | null;
  opportunityId?: string | null;
  bookingDateFrom?: string | null;
  bookingDateTo?: string | null;
  search?: string | null;
}

export type BookingOrderField = 'CREATED_AT' | 'SCHEDULED_AT' | 'NUMBER';

const SCOPE = { owner: 'b.salesperson_id', team: 'b.team_id', branch: 'b.branch_id' };
const EDITABLE: (keyof BookingRow)[] = [
  'bookingDate',
  'serviceHour',
  'serviceMinute',
  'scheduledAt',
  'timeZone',
  'branchId',
  'customerId',
  'mobile',
  'engineNumber',
  'serviceType',
  'visitReason',
  'complaint',
  'carrierRelation',
  'pit',
  'mechanic',
  'serviceAdvisor',
];

/** Where a dealer's opportunity keeps the engine number (configurable fields of seed 002). */
function engineNumberOf(opportunity: OpportunityCopy): string | null {
  const value = opportunity.properties?.['engineNumber'] ?? opportunity.properties?.['engine_no'];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/**
 * The dealer workshop's booking service (seed 002): created from a won opportunity, numbered
 * BOS-W/{branch}/{yymm}/{seq} (gap-free per branch and month), booked inside the branch's
 * workshop hours in its time zone, then posted, and finally cancelled or turned into a work order.
 */
export class BookingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: NewBookingInput, ctx: BaseContext): Promise<BookingRow> {
    const user = requireUser(ctx);
    const draft = validateNewBooking(input);
    const now = this.clock.now();
    const db = this.dataSource.manager;
    const opportunity = await findOpportunity(db, draft.opportunityId);
    if (
      !opportunity ||
      opportunity.deleted ||
      !canSee(user, { owner: opportunity.salespersonId, team: opportunity.teamId, branch: opportunity.branchId })
    ) {
      throw notFound('Opportunity', draft.opportunityId);
    }
    if (opportunity.status !== 'won') {
      throw badInput('opportunityId', `opportunity "${opportunity.name}" is ${opportunity.status}, not won: book a service for won opportunities only`);
    }
    // The opportunity's branch by default, else libs/auth's rule (the user's branch; foreign → FORBIDDEN).
    const branchId = resolveBranch(user, draft.branchId ?? opportunity.branchId, { required: true })!;
    const branch = await findBranch(db, branchId);
    if (!branch) throw badInput('branchId', `branch ${branchId} is not known`);
    const slot = { bookingDate: draft.bookingDate!, serviceHour: draft.serviceHour!, serviceMinute: draft.serviceMinute ?? 0 };
    const scheduledAt = scheduleBooking(slot, branch, now);
    const customerId = draft.customerId ?? opportunity.customerId;
    if (!customerId) throw badInput('customerId', `opportunity "${opportunity.name}" has no customer; name one`);
    const customer = (await findContacts(db, [customerId])).get(customerId);
    if (customer && !customer.active) throw badInput('customerId', `customer "${customer.name}" is archived`);
    const mobile = draft.mobile !== undefined ? draft.mobile : (opportunity.phone ?? customer?.mobile ?? customer?.phone ?? null);
    const engineNumber = draft.engineNumber !== undefined ? draft.engineNumber : engineNumberOf(opportunity);

    return this.dataSource.transaction(async (m) => {
      const period = yymm(now, branch.timeZone);
      const [{ last }] = await m.query(
        `INSERT INTO sales.document_sequence AS s (key, last_value) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET last_value = s.last_value + 1 RETURNING s.last_value AS last`,
        [bookingSequenceKey(branch.id, period)],
      );
      const id = uuidv7(now.getTime());
      await m.query(
        `INSERT INTO sales.booking (id, number, state, booking_date, service_hour, service_minute, scheduled_at, time_zone, branch_id,
           opportunity_id, lead_number, customer_id, mobile, engine_number, service_type, visit_reason, complaint, carrier_relation,
           pit, mechanic, service_advisor, salesperson_id, team_id, version, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
           1, $23, $23, $24, $24)`,
        [
          id,
          bookingNumber(branch.id, period, last),
          slot.bookingDate,
          slot.serviceHour,
          slot.serviceMinute,
          scheduledAt,
          branch.timeZone,
          branch.id,
          opportunity.id,
          opportunity.number,
          customerId,
          mobile,
          engineNumber,
          draft.serviceType,
          draft.visitReason ?? null,
          draft.complaint ?? null,
          draft.carrierRelation ?? null,
          draft.pit ?? null,
          draft.mechanic ?? null,
          draft.serviceAdvisor ?? null,
          opportunity.salespersonId,
          opportunity.teamId,
          now,
          user.id,
        ],
      );
      return this.emit(m, id, 'created', now, ctx);
    });
  }

  /** Changes a draft booking; a new date, time or branch is checked against the workshop hours again. */
  async update(input: UpdateBookingInput, ctx: BaseContext): Promise<BookingRow> {
    const user = requireUser(ctx);
    const draft = validateBookingFields(input);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const current = await this.lockVisible(m, input.id, user);
      checkVersion('BookingService', current, input.expectedVersion);
      nextBookingState(current.state, 'edit');
      const next: BookingRow = { ...current, ...(Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined)) as Partial<BookingRow>) };
      if (draft.branchId !== undefined || draft.bookingDate !== undefined || draft.serviceHour !== undefined || draft.serviceMinute !== undefined) {
        if (draft.branchId !== undefined) next.branchId = resolveBranch(user, draft.branchId, { edit: true, required: true })!;
        const branch = await findBranch(m, next.branchId);
        if (!branch) throw badInput('branchId', `branch ${next.branchId} is not known`);
        next.scheduledAt = scheduleBooking(next, branch, now);
        next.timeZone = branch.timeZone;
      }
      if (draft.customerId != null && draft.customerId !== current.customerId) {
        const customer = (await findContacts(m, [draft.customerId])).get(draft.customerId);
        if (customer && !customer.active) throw badInput('customerId', `customer "${customer.name}" is archived`);
      }
      const changes = diff(
        { ...current, scheduledAt: current.scheduledAt.toISOString() } as unknown as BookingRow,
        { ...next, scheduledAt: next.scheduledAt.toISOString() } as unknown as BookingRow,
        EDITABLE,
      );
      if (Object.keys(changes).length === 0) return current;
      await m.query(
        `UPDATE sales.booking SET booking_date = $2, service_hour = $3, service_minute = $4, scheduled_at = $5, time_zone = $6,
           branch_id = $7, customer_id = $8, mobile = $9, engine_number = $10, service_type = $11, visit_reason = $12,
           complaint = $13, carrier_relation = $14, pit = $15, mechanic = $16, service_advisor = $17,
           version = version + 1, updated_at = $18, updated_by = $19
         WHERE id = $1`,
        [
          current.id,
          next.bookingDate,
          next.serviceHour,
          next.serviceMinute,
          next.scheduledAt,
          next.timeZone,
          next.branchId,
          next.customerId,
          next.mobile,
          next.engineNumber,
          next.serviceType,
          next.visitReason,
          next.complaint,
          next.carrierRelation,
          next.pit,
          next.mechanic,
          next.serviceAdvisor,
          now,
          user.id,
        ],
      );
      return this.emit(m, current.id, 'updated', now, ctx, changes);
    });
  }

  post(input: BookingTransitionInput, ctx: BaseContext): Promise<BookingRow> {
    return this.transition(input, ctx, 'post', 'posted');
  }

  cancel(input: BookingTransitionInput, ctx: BaseContext): Promise<BookingRow> {
    return this.transition(input, ctx, 'cancel', 'cancelled');
  }

  /** The workshop opened a work order for the posted booking: its number is recorded. */
  async createWorkOrder(input: BookingTransitionInput & { workOrderNumber?: string | null }, ctx: BaseContext): Promise<BookingRow> {
    const number = (input.workOrderNumber ?? '').trim();
    if (!number) throw badInput('workOrderNumber', 'the work order number is required');
    if (number.length > 64) throw badInput('workOrderNumber', 'the work order number has at most 64 characters');
    return this.transition(input, ctx, 'createWorkOrder', 'work_order_created', async (m, current) => {
      const taken = await m.query('SELECT number FROM sales.booking WHERE work_order_number = $1 AND id <> $2', [number, current.id]);
      if (taken.length > 0) throw badInput('workOrderNumber', `work order ${number} belongs to booking ${taken[0].number}`);
      return { set: { work_order_number: number }, changes: { workOrderNumber: { from: null, to: number } } };
    });
  }

  private async transition(
    input: BookingTransitionInput,
    ctx: BaseContext,
    action: 'post' | 'cancel' | 'createWorkOrder',
    event: BookingEventName,
    /** Checks, plus columns to set in the same statement as the state (the table checks them together). */
    effect?: (
      m: EntityManager,
      current: BookingRow,
    ) => Promise<{ set: Record<string, unknown>; changes: Record<string, { from: unknown; to: unknown }> }>,
  ): Promise<BookingRow> {
    const user = requireUser(ctx);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const current = await this.lockVisible(m, input.id, user);
      checkVersion('BookingService', current, input.expectedVersion);
      const state = nextBookingState(current.state, action);
      const extra = effect ? await effect(m, current) : { set: {}, changes: {} };
      const columns = Object.keys(extra.set);
      await m.query(
        `UPDATE sales.booking SET state = $2, version = version + 1, updated_at = $3, updated_by = $4
           ${columns.map((column, i) => `, ${column} = $${i + 5}`).join('')}
         WHERE id = $1`,
        [current.id, state, now, user.id, ...Object.values(extra.set)],
      );
      return this.emit(m, current.id, event, now, ctx, { state: { from: current.state, to: state }, ...extra.changes });
    });
  }

  private async emit(
    m: EntityManager,
    id: string,
    event: BookingEventName | 'updated',
    now: Date,
    ctx: Pick<BaseContext, 'traceparent'>,
    changes?: Record<string, { from: unknown; to: unknown }>,
  ): Promise<BookingRow> {
    const [raw] = await m.query(`SELECT ${BOOKING_COLUMNS} FROM sales.booking b WHERE b.id = $1`, [id]);
    const row = mapBooking(raw);
    await appendToOutbox(m, SCHEMA, [bookingEvent(event, row, { time: now, traceparent: ctx.traceparent, changes })]);
    return row;
  }

  /** Opportunities were merged into `toId` (pipeline event): their bookings follow, each with an `updated` event. */
  async reassignOpportunity(m: EntityManager, fromIds: string[], toId: string, time: Date): Promise<void> {
    const moved: { id: string; opportunityId: string }[] = await m.query(
      `SELECT id, opportunity_id AS "opportunityId" FROM sales.booking WHERE opportunity_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [fromIds],
    );
    for (const b of moved) {
      await m.query('UPDATE sales.booking SET opportunity_id = $2, version = version + 1, updated_at = $3, updated_by = NULL WHERE id = $1', [
        b.id,
        toId,
        time,
      ]);
      await this.emit(m, b.id, 'updated', time, {}, { opportunityId: { from: b.opportunityId, to: toId } });
    }
  }

  /** Contacts were merged into `toId` (contacts event): the merged contacts' bookings follow, each with an `updated` event. */
  async reassignContact(m: EntityManager, fromIds: string[], toId: string, time: Date): Promise<void> {
    const moved: { id: string; customerId: string }[] = await m.query(
      `SELECT id, customer_id AS "customerId" FROM sales.booking WHERE customer_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [fromIds],
    );
    for (const b of moved) {
      await m.query('UPDATE sales.booking SET customer_id = $2, version = version + 1, updated_at = $3, updated_by = NULL WHERE id = $1', [b.id, toId, time]);
      await this.emit(m, b.id, 'updated', time, {}, { customerId: { from: b.customerId, to: toId } });
    }
  }

  private async lockVisible(m: EntityManager, id: string, user: AuthUser): Promise<BookingRow> {
    const [raw] = await m.query(`SELECT ${BOOKING_COLUMNS} FROM sales.booking b WHERE b.id = $1 FOR UPDATE`, [id]);
    if (!raw) throw notFound('BookingService', id);
    const row = mapBooking(raw);
    if (!canSee(user, { owner: row.salespersonId, team: row.teamId, branch: row.branchId })) throw notFound('BookingService', id);
    return row;
  }

  async findVisibleByIds(ids: readonly string[], user: AuthUser | null): Promise<(BookingRow | null)[]> {
    const params: unknown[] = [[...ids]];
    const scope = scopePredicate(user, SCOPE, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${BOOKING_COLUMNS} FROM sales.booking b WHERE b.id = ANY($1::uuid[]) AND ${scope}`,
      params,
    );
    const byId = new Map(rows.map((r) => [r['id'] as string, mapBooking(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  list(
    args: PageArgs & { filter?: BookingFilter | null; orderBy?: { field: BookingOrderField; direction?: SortDirection } | null },
    user: AuthUser | null,
  ): Promise<Connection<BookingRow>> {
    const params: unknown[] = [];
    const where = [scopePredicate(user, SCOPE, params)];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const f = args.filter ?? {};
    if (f.state?.length) where.push(`b.state = ANY(${param(f.state.map((s) => s.toLowerCase()))}::text[])`);
    if (f.branchId) where.push(`b.branch_id = ${param(f.branchId)}`);
    if (f.opportunityId) where.push(`b.opportunity_id = ${param(f.opportunityId)}::uuid`);
    if (f.bookingDateFrom) where.push(`b.booking_date >= ${param(f.bookingDateFrom)}::date`);
    if (f.bookingDateTo) where.push(`b.booking_date <= ${param(f.bookingDateTo)}::date`);
    if (f.search?.trim()) {
      const p = param(`%${f.search.trim()}%`);
      where.push(`(b.number ILIKE ${p} OR b.engine_number ILIKE ${p} OR b.mobile ILIKE ${p} OR b.lead_number ILIKE ${p})`);
    }
    const field = args.orderBy?.field ?? 'CREATED_AT';
    const sorts = {
      CREATED_AT: null,
      NUMBER: { sql: 'b.number', cast: 'text' as const, value: (r: BookingRow) => r.number },
      SCHEDULED_AT: { sql: 'b.scheduled_at', cast: 'timestamptz' as const, value: (r: BookingRow) => r.scheduledAt.toISOString() },
    };
    return keysetPage({
      run: (sql, p) => this.dataSource.query(sql, p),
      select: `SELECT ${BOOKING_COLUMNS} FROM sales.booking b`,
      from: 'FROM sales.booking b',
      where,
      params,
      idColumn: 'b.id',
      sort: sorts[field],
      direction: args.orderBy?.direction ?? (field === 'CREATED_AT' ? 'DESC' : 'ASC'),
      args,
      map: mapBooking,
    });
  }

  /** Bookings of many opportunities (newest first, first N) and their visible counts, in one query. */
  async bookingsOfOpportunities(
    ids: readonly string[],
    first: number,
    afterId: string | null,
    user: AuthUser | null,
  ): Promise<{ rows: BookingRow[]; total: number }[]> {
    const params: unknown[] = [[...ids], afterId, first + 1];
    const scope = scopePredicate(user, SCOPE, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH visible AS (SELECT ${BOOKING_COLUMNS} FROM sales.booking b WHERE b.opportunity_id = ANY($1::uuid[]) AND ${scope}),
       counts AS (SELECT "opportunityId", count(*)::int AS total FROM visible GROUP BY 1),
       page AS (SELECT v.*, row_number() OVER (PARTITION BY v."opportunityId" ORDER BY v.id DESC) AS rn
                FROM visible v WHERE $2::uuid IS NULL OR v.id < $2::uuid)
       SELECT c."opportunityId" AS "countOf", c.total, p.*
       FROM counts c LEFT JOIN page p ON p."opportunityId" = c."opportunityId" AND p.rn <= $3
       ORDER BY p.id DESC`,
      params,
    );
    const result = new Map<string, { rows: BookingRow[]; total: number }>();
    for (const raw of rows) {
      const { countOf, total, rn: _rn, ...rest } = raw;
      const entry = result.get(countOf as string) ?? { rows: [], total: total as number };
      if (rest['id']) entry.rows.push(mapBooking(rest));
      result.set(countOf as string, entry);
    }
    return ids.map((id) => result.get(id) ?? { rows: [], total: 0 });
  }
}
