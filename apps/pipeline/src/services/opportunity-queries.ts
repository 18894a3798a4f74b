import type { Row } from '../repositories/config-rows';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { badInput, decodeCursor, encodeCursor, parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { Decimal } from '@crm/money';
import type { Clock } from '@crm/runtime';
import { todayIn, type Opportunity } from '../domain/opportunity';
import { OPPORTUNITY_COLUMNS, toOpportunity } from '../repositories/opportunity-rows';
import { rateDate, type Pipeline, type Stage, type Team } from '../repositories/config-rows';
import { filterClauses, ordering, type OpportunityFilterInput, type OrderInput } from './opportunity-filter';

export interface ListArgs extends PageArgs {
  filter?: OpportunityFilterInput | null;
  orderBy?: OrderInput | null;
}

export interface StageVisit {
  stageId: string | null;
  stageName: string | null;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number;
  mergedFromId: string | null;
}

/** What a board column needs to page its cards: the board it belongs to and its stage. */
export interface ColumnKey {
  pipelineId: string;
  stageId: string;
  filter: OpportunityFilterInput | null;
  user: AuthUser;
  first: number;
  after: string | null;
}

export interface BoardColumnData {
  stage: Stage;
  count: number;
  expectedRevenue: string;
  proratedRevenue: string;
  key: Omit<ColumnKey, 'first' | 'after'>;
}

export interface BoardData {
  team: Team;
  pipeline: Pipeline;
  currency: string;
  columns: BoardColumnData[];
  count: number;
  expectedRevenue: string;
  proratedRevenue: string;
}

/** The rates in force, as a CTE: value of one unit of each currency in the reference. */
const RATES_CTE = `rates AS (
  SELECT DISTINCT ON (currency) currency, rate FROM pipeline.currency_rate WHERE valid_from <= $4::date ORDER BY currency, valid_from DESC)`;

/**
 * Reads of leads and opportunities. Every query carries the caller's record scope in its
 * WHERE clause (lists, counts, board sums, entity references alike).
 */
export class OpportunityQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  today(user: AuthUser): string {
    return todayIn(user.tz, this.clock.now());
  }

  /** By id, only those the user may see (null otherwise); one query for any number. */
  async findByIds(ids: readonly string[], user: AuthUser): Promise<(Opportunity | null)[]> {
    const params: unknown[] = [[...ids]];
    const scope = filterClauses({ mine: false, archived: 'ALL' }, user, this.today(user), params);
    const rows = await this.dataSource.query(
      `SELECT ${OPPORTUNITY_COLUMNS} FROM pipeline.opportunity o WHERE o.id = ANY($1::uuid[]) AND ${scope.join(' AND ')}`,
      params,
    );
    const byId = new Map<string, Opportunity>(rows.map((r: Row) => [r.id as string, toOpportunity(r)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  async list(type: 'lead' | 'opportunity', args: ListArgs, user: AuthUser): Promise<Connection<Opportunity>> {
    const page = parsePage(args);
    const params: unknown[] = [type];
    const where = ['o.type = $1', ...filterClauses(args.filter, user, this.today(user), params)];
    const countParams = [...params];
    const { orderBy, sortKey, keyset } = ordering(args.orderBy, page.after, params);
    if (keyset) where.push(keyset);
    params.push(page.limit + 1);
    const rows = await this.dataSource.query(
      `SELECT ${OPPORTUNITY_COLUMNS}, ${sortKey} FROM pipeline.opportunity o WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT $${params.length}`,
      params,
    );
    const countWhere = where.filter((w) => w !== keyset).join(' AND ');
    const items = rows.map((r: Row) => Object.assign(toOpportunity(r), { __sortKey: r.sort_key as string }));
    return toConnection(
      items,
      page,
      (o: Opportunity & { __sortKey: string }) => [o.__sortKey, o.id],
      async () => (await this.dataSource.query(`SELECT count(*)::int AS n FROM pipeline.opportunity o WHERE ${countWhere}`, countParams))[0].n,
    );
  }

  /**
   * Columns in stage order with counts and sums converted to the team's currency (decimal, in SQL).
   * Active cards unless the filter asks for lost or archived ones (Odoo's Lost / Archived filters
   * on the kanban): the filter's own `archived` default applies, as in the lists.
   */
  async board(team: Team, pipeline: Pipeline, stages: Stage[], filter: OpportunityFilterInput | null, user: AuthUser): Promise<BoardData> {
    const params: unknown[] = [pipeline.id, stages.map((s) => s.id), team.currency, rateDate(this.clock.now())];
    const where = filterClauses(filter, user, this.today(user), params);
    const rows = await this.dataSource.query(
      // Sum per stage and currency first, then convert each currency's sum once: Σ(a·r) = r·Σa, exactly.
      `WITH ${RATES_CTE},
       sums AS (
         SELECT o.stage_id, o.currency, count(*) AS n, sum(o.expected_revenue) AS expected, sum(o.prorated_revenue) AS prorated
           FROM pipeline.opportunity o
          WHERE o.pipeline_id = $1 AND o.type = 'opportunity' AND o.stage_id = ANY($2::uuid[]) AND ${where.join(' AND ')}
          GROUP BY o.stage_id, o.currency)
       SELECT s.stage_id, sum(s.n)::int AS count,
              round(coalesce(sum(s.expected * r.rate), 0) / tr.rate, 2)::text AS expected,
              round(coalesce(sum(s.prorated * r.rate), 0) / tr.rate, 2)::text AS prorated
         FROM sums s
         LEFT JOIN rates r ON r.currency = s.currency
         CROSS JOIN (SELECT rate FROM rates WHERE currency = $3) tr
        GROUP BY s.stage_id, tr.rate`,
      params,
    );
    const byStage = new Map<string, Row>(rows.map((r: Row) => [r.stage_id, r]));
    const key = { pipelineId: pipeline.id, filter: filter ?? null, user };
    const columns = stages.map((stage) => {
      const r = byStage.get(stage.id);
      return {
        stage,
        count: r?.count ?? 0,
        expectedRevenue: r?.expected ?? '0.00',
        proratedRevenue: r?.prorated ?? '0.00',
        key: { ...key, stageId: stage.id },
      };
    });
    return {
      team,
      pipeline,
      currency: team.currency,
      columns,
      count: columns.reduce((n, c) => n + c.count, 0),
      expectedRevenue: Decimal.sum(columns.map((c) => c.expectedRevenue)).toFixed(2),
      proratedRevenue: Decimal.sum(columns.map((c) => c.proratedRevenue)).toFixed(2),
    };
  }

  /**
   * Cards of several columns of one board in one query (a LATERAL per column on the board
   * index), each column from its own cursor.
   */
  async columnCards(keys: readonly ColumnKey[]): Promise<Connection<Opportunity>[]> {
    const groups = new Map<string, number[]>();
    keys.forEach((k, i) => {
      const g = JSON.stringify([k.pipelineId, k.filter, k.user.id, k.user.role, k.first, k.after === null]);
      groups.set(g, [...(groups.get(g) ?? []), i]);
    });
    const out: Connection<Opportunity>[] = new Array(keys.length);
    for (const indexes of groups.values()) {
      const withCursor = keys[indexes[0]!]!.after !== null;
      const batches = withCursor ? indexes.map((i) => [i]) : [indexes];
      for (const batch of batches) {
        const first = keys[batch[0]!]!;
        const page = parsePage({ first: first.first, after: first.after });
        const params: unknown[] = [first.pipelineId, batch.map((i) => keys[i]!.stageId), page.limit + 1];
        const where = filterClauses(first.filter, first.user, this.today(first.user), params);
        if (page.after) {
          const [rank, id] = page.after;
          if (typeof rank !== 'string' || typeof id !== 'string') throw badInput('after', 'invalid cursor');
          params.push(rank, id);
          where.push(`(o.rank, o.id) > ($${params.length - 1}::bigint, $${params.length}::uuid)`);
        }
        const rows = await this.dataSource.query(
          `SELECT c.* FROM unnest($2::uuid[]) AS col(stage_id)
           CROSS JOIN LATERAL (
             SELECT ${OPPORTUNITY_COLUMNS} FROM pipeline.opportunity o
              WHERE o.pipeline_id = $1 AND o.stage_id = col.stage_id AND o.type = 'opportunity' AND ${where.join(' AND ')}
              ORDER BY o.rank, o.id LIMIT $3) c`,
          params,
        );
        const byStage = new Map<string, Opportunity[]>();
        for (const r of rows) {
          const o = toOpportunity(r);
          byStage.set(o.stageId!, [...(byStage.get(o.stageId!) ?? []), o]);
        }
        for (const i of batch) out[i] = toConnection(byStage.get(keys[i]!.stageId) ?? [], page, (o) => [o.rank, o.id], 0);
      }
    }
    return out;
  }

  /**
   * Likely duplicates of several leads/opportunities, as Odoo's convert and merge wizards
   * propose them: the same customer, the same e-mail (case aside) or the same phone number —
   * compared in E.164 (`phone_e164`, src/domain/phone-match.ts), or by its digits when one of
   * the two is not a valid number;
   * active ones only (lost included), those the user may see, most advanced stage first.
   */
  async duplicates(ids: readonly string[], user: AuthUser): Promise<Opportunity[][]> {
    const params: unknown[] = [[...ids]];
    const scope = filterClauses({ mine: false, archived: 'ALL' }, user, this.today(user), params);
    const digits = (col: string) => `NULLIF(regexp_replace(${col}, '[^0-9]', '', 'g'), '')`;
    const rows = await this.dataSource.query(
      `SELECT src.id AS duplicate_of, ${OPPORTUNITY_COLUMNS}
         FROM pipeline.opportunity src
         JOIN pipeline.opportunity o ON o.id <> src.id
          AND ((src.customer_id IS NOT NULL AND o.customer_id = src.customer_id)
            OR (NULLIF(src.email, '') IS NOT NULL AND lower(o.email) = lower(src.email))
            OR (src.phone_e164 IS NOT NULL AND o.phone_e164 = src.phone_e164)
            OR ((src.phone_e164 IS NULL OR o.phone_e164 IS NULL) AND ${digits('src.phone')} IS NOT NULL AND ${digits('o.phone')} = ${digits('src.phone')}))
         LEFT JOIN pipeline.stage s ON s.id = o.stage_id
        WHERE src.id = ANY($1::uuid[]) AND (o.active OR o.status = 'lost') AND ${scope.join(' AND ')}
        ORDER BY (o.type = 'opportunity') DESC, s.sequence DESC NULLS LAST, o.created_at, o.id`,
      params,
    );
    const byId = new Map<string, Opportunity[]>();
    for (const r of rows) byId.set(r.duplicate_of, [...(byId.get(r.duplicate_of) ?? []), toOpportunity(r)]);
    return ids.map((id) => byId.get(id) ?? []);
  }

  /** Stage visits of several opportunities, oldest first (the open one counted up to now). */
  async stageHistory(ids: readonly string[]): Promise<StageVisit[][]> {
    const rows = await this.dataSource.query(
      `SELECT opportunity_id, stage_id, stage_name, entered_at, left_at, seconds::int AS seconds, merged_from_id
         FROM pipeline.stage_history WHERE opportunity_id = ANY($1::uuid[]) ORDER BY entered_at, id`,
      [[...ids]],
    );
    const now = this.clock.now().getTime();
    const byId = new Map<string, StageVisit[]>();
    for (const r of rows) {
      const visit: StageVisit = {
        stageId: r.stage_id,
        stageName: r.stage_name,
        enteredAt: r.entered_at,
        leftAt: r.left_at,
        seconds: r.left_at ? r.seconds : Math.max(0, Math.floor((now - r.entered_at.getTime()) / 1000)),
        mergedFromId: r.merged_from_id,
      };
      byId.set(r.opportunity_id, [...(byId.get(r.opportunity_id) ?? []), visit]);
    }
    return ids.map((id) => byId.get(id) ?? []);
  }
}

export { decodeCursor, encodeCursor };
