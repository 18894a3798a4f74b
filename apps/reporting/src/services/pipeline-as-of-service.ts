import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { badInput, parsePage } from '@crm/graphql';
import { parseReportFilter, type ReportFilterInput } from '../domain/report-filter';
import { newestEventAt } from './freshness';
import { loadLabels } from './labels';
import type { Money } from './opportunity-aggregate';
import { OPPORTUNITY_SCOPE } from './opportunity-sql';
import { OPPORTUNITY_REPORT_TOPICS } from './pipeline-analysis-service';
import { Sql, num } from './sql';
import { compareStages } from '../domain/stage-order';

export interface BoardCard {
  id: string;
  name: string;
  expectedRevenue: Money;
  salespersonId: string | null;
  teamId: string | null;
  version: number;
}

/**
 * The kanban board as it stood at a past moment, from the version history the read model
 * keeps (every state an event carried, with the time it took effect): for each opportunity
 * the newest version at that moment; active, not deleted, not yet merged away. Visibility is
 * today's (the record's current owner, team and branch), so the past never shows a record the
 * caller cannot read now.
 */
export class PipelineAsOfService {
  constructor(private readonly dataSource: DataSource) {}

  async pipelineAsOf(user: AuthUser, args: { date?: string | null; at?: Date | null; filter?: ReportFilterInput | null; cardsPerStage?: number | null }) {
    if ((args.date == null) === (args.at == null)) throw badInput('date', 'give either date (end of that day, your time zone) or at');
    const filter = parseReportFilter(args.filter);
    if (filter.from || filter.to) throw badInput('filter.from', 'the board as of a moment takes no date range');
    const cards = parsePage({ first: args.cardsPerStage ?? 20 }).limit;
    const sql = new Sql();
    const cutoff = args.date
      ? `h.valid_from < ((${sql.p(args.date, 'date')} + 1)::timestamp AT TIME ZONE ${sql.p(user.tz, 'text')})`
      : `h.valid_from <= ${sql.p(args.at!.toISOString(), 'timestamptz')}`;
    const mergedBy = args.date
      ? `m.merged_at < ((${sql.p(args.date, 'date')} + 1)::timestamp AT TIME ZONE ${sql.p(user.tz, 'text')})`
      : `m.merged_at <= ${sql.p(args.at!.toISOString(), 'timestamptz')}`;
    const where = ['NOT h.deleted', 'h.active', `h.type = ${sql.p(filter.type ?? 'opportunity')}`];
    if (filter.teamIds) where.push(`h.team_id = ANY(${sql.p(filter.teamIds, 'uuid[]')})`);
    if (filter.pipelineIds) where.push(`h.pipeline_id = ANY(${sql.p(filter.pipelineIds, 'uuid[]')})`);
    if (filter.salespersonIds) where.push(`h.salesperson_id = ANY(${sql.p(filter.salespersonIds, 'uuid[]')})`);
    if (filter.branchIds) where.push(`h.branch_id = ANY(${sql.p(filter.branchIds, 'text[]')})`);
    if (filter.stageIds) where.push(`h.stage_id = ANY(${sql.p(filter.stageIds, 'uuid[]')})`);
    if (filter.statuses) where.push(`h.status = ANY(${sql.p(filter.statuses, 'text[]')})`);
    // The history keeps no tags: a record's tags as they are now (like its visibility).
    if (filter.tagIds) where.push(`o.tag_ids && ${sql.p(filter.tagIds, 'text[]')}`);
    where.push(`NOT EXISTS (SELECT 1 FROM reporting.opportunity_merge m WHERE m.merged_id = h.opportunity_id AND ${mergedBy})`);
    where.push(sql.scope(user, OPPORTUNITY_SCOPE));
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH asof AS (
         SELECT DISTINCT ON (h.opportunity_id) h.* FROM reporting.opportunity_history h
         WHERE ${cutoff}
         ORDER BY h.opportunity_id, h.version DESC, h.deleted DESC
       ), board AS (
         SELECT h.*, row_number() OVER (PARTITION BY h.stage_id ORDER BY h.expected_revenue DESC, h.opportunity_id) AS rank
         FROM asof h JOIN reporting.opportunity_rm o ON o.id = h.opportunity_id
         WHERE ${where.join(' AND ')}
       )
       SELECT stage_id::text AS stage_id, max(stage_name) AS stage_name, count(*)::int AS n,
         (SELECT jsonb_agg(jsonb_build_object('currency', c.currency, 'er', c.er::text, 'pr', c.pr::text) ORDER BY c.currency)
            FROM (SELECT b2.currency, sum(b2.expected_revenue) AS er, sum(COALESCE(b2.prorated_revenue, 0)) AS pr FROM board b2
                  WHERE b2.stage_id IS NOT DISTINCT FROM b.stage_id GROUP BY b2.currency) c) AS money,
         jsonb_agg(jsonb_build_object('id', opportunity_id, 'name', name, 'amount', expected_revenue::text, 'currency', currency,
           'salespersonId', salesperson_id, 'teamId', team_id, 'version', version) ORDER BY rank) FILTER (WHERE rank <= ${sql.p(cards, 'int')}) AS cards
       FROM board b GROUP BY stage_id`,
      sql.params,
    );
    const stageIds = rows.map((r) => r['stage_id']).filter((v): v is string => typeof v === 'string');
    const labels = await loadLabels(this.dataSource, stageIds.map((id) => ({ kind: 'stage', id })));
    const columns = rows.map((r) => {
      const id = (r['stage_id'] as string | null) ?? null;
      const label = id ? labels.get(`stage:${id}`) : undefined;
      const money = (r['money'] as { currency: string; er: string; pr: string }[] | null) ?? [];
      return {
        stage: { dimension: 'stage', value: id, label: label?.name ?? (r['stage_name'] as string | null) ?? id ?? 'None' },
        sequence: label?.sequence ?? null,
        count: num(r['n']),
        expectedRevenue: money.map((m) => ({ amount: m.er, currency: m.currency })),
        proratedRevenue: money.map((m) => ({ amount: m.pr, currency: m.currency })),
        cards: ((r['cards'] as { id: string; name: string; amount: string; currency: string; salespersonId: string | null; teamId: string | null; version: number }[] | null) ?? []).map(
          (c): BoardCard => ({ id: c.id, name: c.name, expectedRevenue: { amount: c.amount, currency: c.currency }, salespersonId: c.salespersonId, teamId: c.teamId, version: c.version }),
        ),
      };
    });
    columns.sort((a, b) => compareStages({ ...a.stage, sequence: a.sequence }, { ...b.stage, sequence: b.sequence }));
    return {
      asOf: args.at ?? null,
      date: args.date ?? null,
      columns,
      total: columns.reduce((n, c) => n + c.count, 0),
      newestEventAt: await newestEventAt(this.dataSource, OPPORTUNITY_REPORT_TOPICS),
    };
  }
}
