import type { DataSource, EntityManager } from 'typeorm';
import { canSee, requireUser, resolveBranch, scopePredicate, type AuthUser } from '@crm/auth';
import { badInput, invalidTransition, notFound, type Connection, type PageArgs } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isCurrency, moneyString } from '@crm/money';
import { envInt, envString, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { computeLine, computeTotals, type LineAmounts } from '../domain/line-amounts';
import { quotationNumber } from '../domain/numbering';
import {
  addDays,
  checkDates,
  resolveLine,
  validateHeader,
  validateLineShapes,
  type HeaderDraft,
  type LineShape,
  type ProductFacts,
  type QuotationHeaderInput,
  type QuotationLineInput,
  type ResolvedLine,
  type TaxFacts,
} from '../domain/quotation-input';
import { assertEditable, nextQuotationState, type QuotationState } from '../domain/quotation-state';
import { currencyCode } from '../domain/fields';
import { localDate } from '../domain/zoned-time';
import { checkVersion, diff } from './common';
import { defaultAddresses, findContacts, findOpportunity, teamMarksWonOnConfirmation, type OpportunityCopy } from './directory';
import { keysetPage, type SortDirection } from './keyset';
import {
  LINE_COLUMNS,
  QUOTATION_COLUMNS,
  mapLine,
  mapQuotation,
  quotationEvent,
  type QuotationEventName,
  type QuotationLineRow,
  type QuotationRow,
} from './quotation-rows';

export const SCHEMA = 'sales';

export interface CreateQuotationInput extends QuotationHeaderInput {
  opportunityId?: string | null;
  lines?: QuotationLineInput[] | null;
}

export interface NewQuotationFromOpportunityInput {
  opportunityId: string;
  /** Needed when the opportunity has no customer yet. */
  customerId?: string | null;
  currency?: string | null;
  validityDate?: string | null;
  clientOrderRef?: string | null;
  note?: string | null;
  lines?: QuotationLineInput[] | null;
}

export interface UpdateQuotationInput extends QuotationHeaderInput {
  id: string;
  expectedVersion?: number | null;
  /** Replaces every line; a line that names the id of an existing line keeps it. */
  lines?: QuotationLineInput[] | null;
}

export interface TransitionInput {
  id: string;
  expectedVersion?: number | null;
}

export interface QuotationFilter {
  state?: QuotationState[] | null;
  customerId?: string | null;
  opportunityId?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  branchId?: string | null;
  search?: string | null;
}

export type QuotationOrderField = 'CREATED_AT' | 'NUMBER' | 'QUOTATION_DATE' | 'AMOUNT_TOTAL';

/** What the opportunity shows of its quotations and orders (Odoo's sale_crm smart buttons). */
export interface OpportunitySales {
  /** Currency of the amounts: the opportunity's (orders in another currency are in byCurrency only). */
  currency: string;
  quotationCount: number;
  quotationAmountTotal: string;
  saleOrderCount: number;
  saleAmountTotal: string;
  /** Every quotation visible to the caller, whatever its state. */
  totalCount: number;
  byCurrency: { currency: string; quotationCount: number; quotationAmountTotal: string; saleOrderCount: number; saleAmountTotal: string }[];
}

const SCOPE = { owner: 'q.salesperson_id', team: 'q.team_id', branch: 'q.branch_id' };
const HEADER_FIELDS: (keyof QuotationRow)[] = [
  'state',
  'customerId',
  'invoiceAddressId',
  'deliveryAddressId',
  'salespersonId',
  'teamId',
  'branchId',
  'currency',
  'quotationDate',
  'validityDate',
  'clientOrderRef',
  'note',
  'amountUntaxed',
  'amountTax',
  'amountTotal',
];

type PreparedLine = Omit<ResolvedLine, 'taxes'> & LineAmounts & { sequence: number };

interface Prepared {
  lines: PreparedLine[];
  totals: { amountUntaxed: string; amountTax: string; amountTotal: string };
}

export class QuotationService {
  readonly defaultCurrency = envString('DEFAULT_CURRENCY', 'IDR');
  /** Days a new quotation stays valid (Odoo's default: 30). */
  private readonly validityDays = envInt('QUOTATION_VALIDITY_DAYS', 30);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  // ---- writes ---------------------------------------------------------------------------

  async create(input: CreateQuotationInput, ctx: BaseContext): Promise<QuotationRow> {
    if (input.opportunityId) {
      const { opportunityId, lines, currency, validityDate, clientOrderRef, note, customerId } = input;
      return this.createFromOpportunity({ opportunityId, lines, currency, validityDate, clientOrderRef, note, customerId }, ctx);
    }
    const user = requireUser(ctx);
    const header = validateHeader(input);
    if (!header.customerId) throw badInput('customerId', 'a quotation needs a customer');
    const shapes = validateLineShapes(input.lines ?? []);
    // libs/auth's branch rule: omitted → the user's branch (several: choose), foreign → FORBIDDEN.
    const branchId = resolveBranch(user, header.branchId);
    return this.insert(
      {
        ...header,
        customerId: header.customerId,
        salespersonId: header.salespersonId === undefined ? user.id : header.salespersonId,
        teamId: header.teamId === undefined ? (user.teamIds[0] ?? null) : header.teamId,
        branchId,
      },
      { opportunityId: null, origin: null, campaign: null, medium: null, source: null, tagIds: [] },
      shapes,
      user,
      ctx,
    );
  }

  /**
   * Odoo's "New Quotation" on an opportunity: customer, salesperson, team, branch, currency,
   * campaign/medium/source and tags come from the opportunity, which the quotation links back to.
   */
  async createFromOpportunity(input: NewQuotationFromOpportunityInput, ctx: BaseContext): Promise<QuotationRow> {
    const user = requireUser(ctx);
    const header = validateHeader({
      customerId: input.customerId ?? undefined,
      currency: input.currency ?? undefined,
      validityDate: input.validityDate,
      clientOrderRef: input.clientOrderRef,
      note: input.note,
    });
    const shapes = validateLineShapes(input.lines ?? []);
    const opportunity = await this.visibleOpportunity(input.opportunityId, user);
    if (opportunity.type === 'lead') throw badInput('opportunityId', 'convert the lead into an opportunity before quoting');
    if (opportunity.status === 'lost' || !opportunity.active) {
      throw badInput('opportunityId', `opportunity "${opportunity.name}" is lost or archived; restore it before quoting`);
    }
    const customerId = header.customerId ?? opportunity.customerId;
    if (!customerId) throw badInput('customerId', `opportunity "${opportunity.name}" has no customer; name one`);
    return this.insert(
      {
        ...header,
        customerId,
        salespersonId: opportunity.salespersonId ?? user.id,
        teamId: opportunity.teamId,
        branchId: opportunity.branchId,
        // An opportunity in a currency sales does not know needs one named in the input.
        currency: header.currency ?? currencyCode(opportunity.currency, this.defaultCurrency),
      },
      {
        opportunityId: opportunity.id,
        origin: opportunity.name,
        campaign: opportunity.campaign,
        medium: opportunity.medium,
        source: opportunity.source,
        tagIds: opportunity.tagIds ?? [],
      },
      shapes,
      user,
      ctx,
    );
  }

  private async visibleOpportunity(id: string, user: AuthUser): Promise<OpportunityCopy> {
    const opportunity = await findOpportunity(this.dataSource.manager, id);
    if (
      !opportunity ||
      opportunity.deleted ||
      !canSee(user, { owner: opportunity.salespersonId, team: opportunity.teamId, branch: opportunity.branchId })
    ) {
      throw notFound('Opportunity', id);
    }
    return opportunity;
  }

  private async insert(
    header: HeaderDraft & { customerId: string },
    link: Pick<QuotationRow, 'opportunityId' | 'origin' | 'campaign' | 'medium' | 'source' | 'tagIds'>,
    shapes: LineShape[],
    user: AuthUser,
    ctx: BaseContext,
  ): Promise<QuotationRow> {
    const now = this.clock.now();
    const currency = header.currency ?? this.defaultCurrency;
    const quotationDate = header.quotationDate ?? localDate(now, user.tz);
    const validityDate = header.validityDate === undefined ? addDays(quotationDate, this.validityDays) : header.validityDate;
    checkDates(quotationDate, validityDate);
    return this.dataSource.transaction(async (m) => {
      const addresses = await this.resolveAddresses(m, header.customerId, header.invoiceAddressId, header.deliveryAddressId);
      const prepared = await this.prepareLines(m, shapes, currency, new Set());
      const [{ n }] = await m.query(`SELECT nextval('sales.quotation_number_seq') AS n`);
      const id = uuidv7(now.getTime());
      await m.query(
        `INSERT INTO sales.quotation (id, number, state, customer_id, invoice_address_id, delivery_address_id, opportunity_id,
           salesperson_id, team_id, branch_id, origin, client_order_ref, campaign, medium, source, tag_ids, note, quotation_date,
           validity_date, currency, amount_untaxed, amount_tax, amount_total, version, created_at, updated_at, created_by, updated_by)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text[], $16, $17, $18, $19, $20, $21, $22,
           1, $23, $23, $24, $24)`,
        [
          id,
          quotationNumber(n),
          header.customerId,
          addresses.invoice,
          addresses.delivery,
          link.opportunityId,
          header.salespersonId ?? null,
          header.teamId ?? null,
          header.branchId ?? null,
          link.origin,
          header.clientOrderRef ?? null,
          link.campaign,
          link.medium,
          link.source,
          link.tagIds,
          header.note ?? null,
          quotationDate,
          validityDate,
          currency,
          prepared.totals.amountUntaxed,
          prepared.totals.amountTax,
          prepared.totals.amountTotal,
          now,
          user.id,
        ],
      );
      await this.insertLines(m, id, prepared);
      return this.emit(m, id, 'created', now, ctx);
    });
  }

  /** Edits a quotation (draft or sent): header fields given and, when `lines` is given, every line. */
  async update(input: UpdateQuotationInput, ctx: BaseContext): Promise<QuotationRow> {
    const user = requireUser(ctx);
    const header = validateHeader(input);
    const shapes = input.lines == null ? null : validateLineShapes(input.lines);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const current = await this.lockVisible(m, input.id, user);
      checkVersion('Quotation', current, input.expectedVersion);
      assertEditable(current.state);
      if (header.branchId !== undefined) header.branchId = resolveBranch(user, header.branchId, { edit: true });
      const next: QuotationRow = { ...current, ...stripUndefined(header) } as QuotationRow;
      checkDates(next.quotationDate, next.validityDate);
      const customerChanged = next.customerId !== current.customerId;
      if (customerChanged || header.invoiceAddressId !== undefined || header.deliveryAddressId !== undefined) {
        const addresses = await this.resolveAddresses(
          m,
          next.customerId,
          header.invoiceAddressId ?? (customerChanged ? undefined : current.invoiceAddressId),
          header.deliveryAddressId ?? (customerChanged ? undefined : current.deliveryAddressId),
        );
        next.invoiceAddressId = addresses.invoice;
        next.deliveryAddressId = addresses.delivery;
      }
      const currentLines = await this.linesOf(m, current.id);
      let prepared: Prepared | null = null;
      if (shapes !== null || next.currency !== current.currency) {
        const existing = new Map(currentLines.map((l) => [l.id, l]));
        const lineShapes: LineShape[] =
          shapes ??
          currentLines.map((l) => ({
            id: l.id,
            productId: l.productId,
            description: l.description,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            discount: l.discount,
            taxIds: l.taxIds,
          }));
        lineShapes.forEach((shape, i) => {
          if (shape.id && !existing.has(shape.id)) throw badInput(`lines.${i}.id`, `line ${shape.id} is not a line of ${current.number}`);
        });
        // A line that keeps its product may keep a product or tax archived since it was added.
        const kept = new Set(lineShapes.filter((s) => s.id && existing.get(s.id)!.productId === s.productId).map((s) => s.id!));
        prepared = await this.prepareLines(m, lineShapes, next.currency, kept);
        Object.assign(next, prepared.totals);
      }
      const changes = diff(current, next, HEADER_FIELDS);
      let nextLines: QuotationLineRow[] | null = null;
      if (prepared) {
        nextLines = prepared.lines.map((l, i) => lineRow(l, current.id, l.id ?? `new-${i}`));
        const before = currentLines.map(lineSummary);
        const after = nextLines.map(lineSummary);
        if (JSON.stringify(before) !== JSON.stringify(after)) changes['lines'] = { from: before, to: after };
      }
      if (Object.keys(changes).length === 0) return current;
      await m.query(
        `UPDATE sales.quotation SET customer_id = $2, invoice_address_id = $3, delivery_address_id = $4, salesperson_id = $5,
           team_id = $6, branch_id = $7, currency = $8, quotation_date = $9, validity_date = $10, client_order_ref = $11, note = $12,
           amount_untaxed = $13, amount_tax = $14, amount_total = $15, version = version + 1, updated_at = $16, updated_by = $17
         WHERE id = $1`,
        [
          current.id,
          next.customerId,
          next.invoiceAddressId,
          next.deliveryAddressId,
          next.salespersonId,
          next.teamId,
          next.branchId,
          next.currency,
          next.quotationDate,
          next.validityDate,
          next.clientOrderRef,
          next.note,
          next.amountUntaxed,
          next.amountTax,
          next.amountTotal,
          now,
          user.id,
        ],
      );
      if (prepared && changes['lines']) {
        await m.query('DELETE FROM sales.quotation_line WHERE quotation_id = $1', [current.id]);
        await this.insertLines(m, current.id, prepared);
      }
      return this.emit(m, current.id, 'updated', now, ctx, { changes });
    });
  }

  /** Confirm: the quotation becomes a sales order (order date = now). */
  confirm(input: TransitionInput, ctx: BaseContext): Promise<QuotationRow> {
    return this.transition(input, ctx, 'confirm', async (m, current, now) => {
      const [{ n }] = await m.query('SELECT count(*)::int AS n FROM sales.quotation_line WHERE quotation_id = $1', [current.id]);
      if (n === 0) throw invalidTransition(`cannot confirm ${current.number}: it has no lines`, { from: current.state, action: 'confirm' });
      await m.query('UPDATE sales.quotation SET order_date = $2 WHERE id = $1', [current.id, now]);
      return {
        event: 'confirmed',
        extra: { marksOpportunityWon: current.opportunityId !== null && (await teamMarksWonOnConfirmation(m, current.teamId)) },
      };
    });
  }

  cancel(input: TransitionInput, ctx: BaseContext): Promise<QuotationRow> {
    return this.transition(input, ctx, 'cancel', async () => ({ event: 'cancelled' }));
  }

  /** "Set to Quotation": a cancelled (or sent) quotation becomes a draft again; a former order loses its order date. */
  setToDraft(input: TransitionInput, ctx: BaseContext): Promise<QuotationRow> {
    return this.transition(input, ctx, 'setToDraft', async (m, current) => {
      await m.query('UPDATE sales.quotation SET order_date = NULL WHERE id = $1', [current.id]);
      return { event: 'updated' };
    });
  }

  /**
   * Records a sending that already happened (the e-mail went out): draft → sent (a sales order
   * stays one), with the mail described in the `sent` event for the chatter.
   */
  async recordSent(id: string, mail: Record<string, unknown>, ctx: BaseContext): Promise<QuotationRow> {
    return this.transition({ id }, ctx, 'send', async (m, current, now) => {
      await m.query('UPDATE sales.quotation SET last_sent_at = $2 WHERE id = $1', [current.id, now]);
      return { event: 'sent', extra: { mail } };
    });
  }

  private async transition(
    input: TransitionInput,
    ctx: BaseContext,
    action: 'confirm' | 'cancel' | 'setToDraft' | 'send',
    effect: (m: EntityManager, current: QuotationRow, now: Date) => Promise<{ event: QuotationEventName; extra?: Record<string, unknown> }>,
  ): Promise<QuotationRow> {
    const user = requireUser(ctx);
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const current = await this.lockVisible(m, input.id, user);
      checkVersion('Quotation', current, input.expectedVersion);
      const state = nextQuotationState(current.state, action);
      const { event, extra } = await effect(m, current, now);
      await m.query('UPDATE sales.quotation SET state = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $1', [
        current.id,
        state,
        now,
        user.id,
      ]);
      const changes = state !== current.state ? { state: { from: current.state, to: state } } : undefined;
      return this.emit(m, current.id, event, now, ctx, { changes, extra });
    });
  }

  private async emit(
    m: EntityManager,
    id: string,
    event: QuotationEventName,
    now: Date,
    ctx: Pick<BaseContext, 'traceparent'>,
    options: { changes?: Record<string, { from: unknown; to: unknown }>; extra?: Record<string, unknown> } = {},
  ): Promise<QuotationRow> {
    const [raw] = await m.query(`SELECT ${QUOTATION_COLUMNS} FROM sales.quotation q WHERE q.id = $1`, [id]);
    const row = mapQuotation(raw);
    const lines = await this.linesOf(m, id);
    await appendToOutbox(m, SCHEMA, [quotationEvent(event, row, lines, { time: now, traceparent: ctx.traceparent, ...options })]);
    return row;
  }

  /**
   * Opportunities were merged into `toId` (pipeline event): their quotations follow the one
   * that remains, each with an `updated` event. Runs inside the consumer's transaction.
   */
  async reassignOpportunity(m: EntityManager, fromIds: string[], toId: string, time: Date): Promise<void> {
    const moved: { id: string; opportunityId: string }[] = await m.query(
      `SELECT id, opportunity_id AS "opportunityId" FROM sales.quotation WHERE opportunity_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [fromIds],
    );
    for (const q of moved) {
      await m.query('UPDATE sales.quotation SET opportunity_id = $2, version = version + 1, updated_at = $3, updated_by = NULL WHERE id = $1', [
        q.id,
        toId,
        time,
      ]);
      await this.emit(m, q.id, 'updated', time, {}, { changes: { opportunityId: { from: q.opportunityId, to: toId } } });
    }
  }

  /**
   * Contacts were merged into `toId` (contacts event): quotations and orders of the merged
   * contacts — as customer, invoice or delivery address — point to the one that remains, in
   * every state (Odoo's partner merge re-points all references), each with an `updated` event.
   */
  async reassignContact(m: EntityManager, fromIds: string[], toId: string, time: Date, cause: string): Promise<void> {
    const moved: { id: string; customerId: string; invoiceAddressId: string | null; deliveryAddressId: string | null }[] = await m.query(
      `SELECT id, customer_id AS "customerId", invoice_address_id AS "invoiceAddressId", delivery_address_id AS "deliveryAddressId"
       FROM sales.quotation
       WHERE customer_id = ANY($1::uuid[]) OR invoice_address_id = ANY($1::uuid[]) OR delivery_address_id = ANY($1::uuid[])
       ORDER BY id FOR UPDATE`,
      [fromIds],
    );
    const from = new Set(fromIds);
    for (const q of moved) {
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const next = (field: 'customerId' | 'invoiceAddressId' | 'deliveryAddressId') => {
        const value = q[field];
        if (value === null || !from.has(value)) return value;
        changes[field] = { from: value, to: toId };
        return toId;
      };
      const [customerId, invoiceAddressId, deliveryAddressId] = [next('customerId'), next('invoiceAddressId'), next('deliveryAddressId')];
      await m.query(
        `UPDATE sales.quotation SET customer_id = $2, invoice_address_id = $3, delivery_address_id = $4, version = version + 1,
           updated_at = $5, updated_by = NULL WHERE id = $1`,
        [q.id, customerId, invoiceAddressId, deliveryAddressId, time],
      );
      await this.emit(m, q.id, 'updated', time, {}, { changes, extra: { cause } });
    }
  }

  /** The row, locked for update, when it exists and the user may see it; NOT_FOUND otherwise. */
  private async lockVisible(m: EntityManager, id: string, user: AuthUser): Promise<QuotationRow> {
    const [raw] = await m.query(`SELECT ${QUOTATION_COLUMNS} FROM sales.quotation q WHERE q.id = $1 FOR UPDATE`, [id]);
    if (!raw) throw notFound('Quotation', id);
    const row = mapQuotation(raw);
    if (!canSee(user, { owner: row.salespersonId, team: row.teamId, branch: row.branchId })) throw notFound('Quotation', id);
    return row;
  }

  /**
   * Invoice and delivery addresses: the customer itself or one of the contacts of the same
   * company (its children). Omitted: the customer's invoice/delivery child contact, else the customer.
   */
  private async resolveAddresses(
    m: EntityManager,
    customerId: string,
    invoiceAddressId: string | null | undefined,
    deliveryAddressId: string | null | undefined,
  ): Promise<{ invoice: string; delivery: string }> {
    const wanted = [customerId, invoiceAddressId, deliveryAddressId].filter((id): id is string => !!id);
    const contacts = await findContacts(m, wanted);
    const customer = contacts.get(customerId);
    if (customer && !customer.active) throw badInput('customerId', `customer "${customer.name}" is archived`);
    const company = customer?.parentId ?? customerId;
    const check = (id: string | null | undefined, field: string): string | null => {
      if (!id || id === customerId) return id ?? null;
      const contact = contacts.get(id);
      if (!contact) throw badInput(field, `contact ${id} is not known (yet) as a contact of the customer`);
      if ((contact.parentId ?? contact.id) !== company) {
        throw badInput(field, `"${contact.name}" is not an address of the customer${customer ? ` "${customer.name}"` : ''}`);
      }
      if (!contact.active) throw badInput(field, `address "${contact.name}" is archived`);
      return id;
    };
    const invoice = check(invoiceAddressId, 'invoiceAddressId');
    const delivery = check(deliveryAddressId, 'deliveryAddressId');
    if (invoice && delivery) return { invoice, delivery };
    const defaults = await defaultAddresses(m, customerId);
    return { invoice: invoice ?? defaults.invoice, delivery: delivery ?? defaults.delivery };
  }

  private async prepareLines(m: EntityManager, shapes: LineShape[], currency: string, kept: Set<string>): Promise<Prepared> {
    const productIds = [...new Set(shapes.map((s) => s.productId).filter((id): id is string => !!id))];
    const productRows: ProductFacts[] = productIds.length
      ? await m.query(
          `SELECT id, name, internal_reference AS "internalReference", list_price::text AS "listPrice", currency, active,
             tax_ids AS "taxIds", sales_description AS "salesDescription"
           FROM sales.product WHERE id = ANY($1::uuid[])`,
          [productIds],
        )
      : [];
    const products = new Map(productRows.map((p) => [p.id, p]));
    const taxIds = [...new Set([...shapes.flatMap((s) => s.taxIds ?? []), ...productRows.flatMap((p) => p.taxIds)])];
    const taxRows: TaxFacts[] = taxIds.length
      ? await m.query(
          `SELECT id, name, percent::text AS percent, price_included AS "priceIncluded", active FROM sales.tax WHERE id = ANY($1::uuid[])`,
          [taxIds],
        )
      : [];
    const taxes = new Map(taxRows.map((t) => [t.id, t]));
    const lines = shapes.map((shape, i) => {
      const grandfathered = shape.id !== null && kept.has(shape.id);
      const resolved = resolveLine(
        shape,
        i,
        grandfathered ? activated(products) : products,
        grandfathered ? activated(taxes) : taxes,
        currency,
      );
      const { taxes: _rates, ...rest } = resolved;
      return { ...rest, ...computeLine(resolved, currency), sequence: (i + 1) * 10 };
    });
    const { amountUntaxed, amountTax, amountTotal } = computeTotals(lines, currency);
    return { lines, totals: { amountUntaxed, amountTax, amountTotal } };
  }

  private async insertLines(m: EntityManager, quotationId: string, prepared: Prepared): Promise<void> {
    if (prepared.lines.length === 0) return;
    const now = this.clock.now().getTime();
    const rows = prepared.lines.map((l) => lineRow(l, quotationId, l.id ?? uuidv7(now)));
    // One INSERT per quotation: arrays of the columns, unnested together.
    await m.query(
      `INSERT INTO sales.quotation_line (id, quotation_id, sequence, product_id, description, quantity, unit_price, discount,
         tax_ids, taxes, subtotal, tax, total)
       SELECT l.id, l.quotation_id, l.sequence, l.product_id, l.description, l.quantity, l.unit_price, l.discount,
         ARRAY(SELECT jsonb_array_elements_text(l.tax_ids))::uuid[], l.taxes, l.subtotal, l.tax, l.total
       FROM jsonb_to_recordset($1::jsonb) AS l(id uuid, quotation_id uuid, sequence int, product_id uuid, description text,
         quantity numeric, unit_price numeric, discount numeric, tax_ids jsonb, taxes jsonb, subtotal numeric, tax numeric, total numeric)`,
      [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            quotation_id: r.quotationId,
            sequence: r.sequence,
            product_id: r.productId,
            description: r.description,
            quantity: r.quantity,
            unit_price: r.unitPrice,
            discount: r.discount,
            tax_ids: r.taxIds,
            taxes: r.taxes,
            subtotal: r.subtotal,
            tax: r.tax,
            total: r.total,
          })),
        ),
      ],
    );
  }

  private async linesOf(m: EntityManager, quotationId: string): Promise<QuotationLineRow[]> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT ${LINE_COLUMNS} FROM sales.quotation_line l JOIN sales.quotation q ON q.id = l.quotation_id
       WHERE l.quotation_id = $1 ORDER BY l.sequence, l.id`,
      [quotationId],
    );
    return rows.map(mapLine);
  }

  // ---- reads ----------------------------------------------------------------------------

  /** Quotations by id as the user may see them (null otherwise): one query per batch. */
  async findVisibleByIds(ids: readonly string[], user: AuthUser | null): Promise<(QuotationRow | null)[]> {
    const params: unknown[] = [[...ids]];
    const scope = scopePredicate(user, SCOPE, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${QUOTATION_COLUMNS} FROM sales.quotation q WHERE q.id = ANY($1::uuid[]) AND ${scope}`,
      params,
    );
    const byId = new Map(rows.map((r) => [r['id'] as string, mapQuotation(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Lines of many quotations in one query, in their order. */
  async linesByQuotationIds(ids: readonly string[]): Promise<QuotationLineRow[][]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${LINE_COLUMNS} FROM sales.quotation_line l JOIN sales.quotation q ON q.id = l.quotation_id
       WHERE l.quotation_id = ANY($1::uuid[]) ORDER BY l.sequence, l.id`,
      [[...ids]],
    );
    const byQuotation = new Map<string, QuotationLineRow[]>();
    for (const raw of rows) {
      const line = mapLine(raw);
      const list = byQuotation.get(line.quotationId) ?? [];
      list.push(line);
      byQuotation.set(line.quotationId, list);
    }
    return ids.map((id) => byQuotation.get(id) ?? []);
  }

  list(
    args: PageArgs & { filter?: QuotationFilter | null; orderBy?: { field: QuotationOrderField; direction?: SortDirection } | null },
    user: AuthUser | null,
  ): Promise<Connection<QuotationRow>> {
    const params: unknown[] = [];
    const where = [scopePredicate(user, SCOPE, params)];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const f = args.filter ?? {};
    if (f.state?.length) where.push(`q.state = ANY(${param(f.state.map(stateFromGraphQL))}::text[])`);
    if (f.customerId) where.push(`q.customer_id = ${param(f.customerId)}::uuid`);
    if (f.opportunityId) where.push(`q.opportunity_id = ${param(f.opportunityId)}::uuid`);
    if (f.salespersonId) where.push(`q.salesperson_id = ${param(f.salespersonId)}::uuid`);
    if (f.teamId) where.push(`q.team_id = ${param(f.teamId)}::uuid`);
    if (f.branchId) where.push(`q.branch_id = ${param(f.branchId)}`);
    if (f.search?.trim()) {
      const p = param(`%${f.search.trim()}%`);
      where.push(`(q.number ILIKE ${p} OR q.origin ILIKE ${p} OR q.client_order_ref ILIKE ${p})`);
    }
    const field = args.orderBy?.field ?? 'CREATED_AT';
    const sorts = {
      CREATED_AT: null,
      NUMBER: { sql: 'q.number', cast: 'text' as const, value: (r: QuotationRow) => r.number },
      QUOTATION_DATE: { sql: 'q.quotation_date', cast: 'date' as const, value: (r: QuotationRow) => r.quotationDate },
      AMOUNT_TOTAL: { sql: 'q.amount_total', cast: 'numeric' as const, value: (r: QuotationRow) => r.amountTotal },
    };
    return keysetPage({
      run: (sql, p) => this.dataSource.query(sql, p),
      select: `SELECT ${QUOTATION_COLUMNS} FROM sales.quotation q`,
      from: 'FROM sales.quotation q',
      where,
      params,
      idColumn: 'q.id',
      sort: sorts[field],
      direction: args.orderBy?.direction ?? (field === 'NUMBER' ? 'ASC' : 'DESC'),
      args,
      map: mapQuotation,
    });
  }

  /** Counts and untaxed sums per opportunity, limited to what the user may see: one query for N opportunities. */
  async salesOfOpportunities(ids: readonly string[], user: AuthUser | null): Promise<OpportunitySales[]> {
    const params: unknown[] = [[...ids]];
    const scope = scopePredicate(user, SCOPE, params);
    const rows: {
      id: string;
      opportunityCurrency: string | null;
      currency: string | null;
      quotations: number;
      orders: number;
      total: number;
      quotationAmount: string;
      saleAmount: string;
    }[] = await this.dataSource.query(
      `WITH stats AS (
         SELECT q.opportunity_id, q.currency,
           count(*) FILTER (WHERE q.state IN ('draft', 'sent'))::int AS quotations,
           count(*) FILTER (WHERE q.state = 'sale')::int AS orders,
           count(*)::int AS total,
           coalesce(sum(q.amount_untaxed) FILTER (WHERE q.state IN ('draft', 'sent')), 0)::text AS quotation_amount,
           coalesce(sum(q.amount_untaxed) FILTER (WHERE q.state = 'sale'), 0)::text AS sale_amount
         FROM sales.quotation q
         WHERE q.opportunity_id = ANY($1::uuid[]) AND ${scope}
         GROUP BY q.opportunity_id, q.currency)
       SELECT k.id, o.currency AS "opportunityCurrency", s.currency, s.quotations, s.orders, s.total,
         s.quotation_amount AS "quotationAmount", s.sale_amount AS "saleAmount"
       FROM unnest($1::uuid[]) AS k(id)
       LEFT JOIN sales.opportunity_copy o ON o.id = k.id
       LEFT JOIN stats s ON s.opportunity_id = k.id
       ORDER BY s.currency`,
      params,
    );
    return ids.map((id) => {
      const mine = rows.filter((r) => r.id === id);
      const wanted = mine[0]?.opportunityCurrency ?? this.defaultCurrency;
      const currency = isCurrency(wanted) ? wanted : this.defaultCurrency;
      const byCurrency = mine
        .filter((r) => r.currency !== null)
        .map((r) => ({
          currency: r.currency!,
          quotationCount: r.quotations,
          quotationAmountTotal: moneyOf(r.quotationAmount, r.currency!),
          saleOrderCount: r.orders,
          saleAmountTotal: moneyOf(r.saleAmount, r.currency!),
        }));
      const own = byCurrency.find((c) => c.currency === currency);
      return {
        currency,
        quotationCount: byCurrency.reduce((n, c) => n + c.quotationCount, 0),
        saleOrderCount: byCurrency.reduce((n, c) => n + c.saleOrderCount, 0),
        quotationAmountTotal: own?.quotationAmountTotal ?? moneyOf('0', currency),
        saleAmountTotal: own?.saleAmountTotal ?? moneyOf('0', currency),
        totalCount: mine.reduce((n, r) => n + (r.total ?? 0), 0),
        byCurrency,
      };
    });
  }

  /** The newest quotations of each opportunity (first N after a cursor), for many opportunities in one query. */
  async quotationsOfOpportunities(ids: readonly string[], first: number, afterId: string | null, user: AuthUser | null): Promise<QuotationRow[][]> {
    const params: unknown[] = [[...ids], afterId, first + 1];
    const scope = scopePredicate(user, SCOPE, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT ${QUOTATION_COLUMNS}, row_number() OVER (PARTITION BY q.opportunity_id ORDER BY q.id DESC) AS rn
         FROM sales.quotation q
         WHERE q.opportunity_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR q.id < $2::uuid) AND ${scope}) ranked
       WHERE rn <= $3 ORDER BY id DESC`,
      params,
    );
    const byOpportunity = new Map<string, QuotationRow[]>();
    for (const raw of rows) {
      const { rn: _rn, ...rest } = raw;
      const row = mapQuotation(rest);
      const list = byOpportunity.get(row.opportunityId!) ?? [];
      list.push(row);
      byOpportunity.set(row.opportunityId!, list);
    }
    return ids.map((id) => byOpportunity.get(id) ?? []);
  }
}

function moneyOf(amount: string, currency: string): string {
  return moneyString(amount, currency);
}

/** GraphQL enum (DRAFT, SENT, SALE, CANCELLED) → stored state. */
export function stateFromGraphQL(value: string): QuotationState {
  return value.toLowerCase() as QuotationState;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every product and tax treated as active: for lines that keep what they had. */
function activated<T extends { active: boolean }>(map: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...map].map(([id, v]) => [id, { ...v, active: true }]));
}

function lineRow(l: PreparedLine, quotationId: string, id: string): QuotationLineRow {
  return {
    id,
    quotationId,
    sequence: l.sequence,
    productId: l.productId,
    description: l.description,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxIds: l.taxes.map((t) => t.taxId),
    taxes: l.taxes,
    subtotal: l.subtotal,
    tax: l.tax,
    total: l.total,
  };
}

function lineSummary(l: QuotationLineRow): Record<string, unknown> {
  return {
    productId: l.productId,
    description: l.description,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxIds: l.taxIds,
    subtotal: l.subtotal,
  };
}
