import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { TOPICS } from '@crm/events';
import { badInput } from '@crm/graphql';
import type { Clock } from '@crm/runtime';
import { parseGroupBy } from '../domain/group-by';
import { parseReportFilter, type ReportFilterInput } from '../domain/report-filter';
import { parseTargetCurrency } from './currency';
import { newestEventAt } from './freshness';
import { OpportunityAggregator, sortGroupKeys, type Aggregate, type AggregateOptions, type AggregateRow, type GroupKey, type Measures } from './opportunity-aggregate';
import { PIPELINE_DIMENSIONS, type PipelineDimension } from './pipeline-dimensions';

/** The topics an opportunity report reflects: the opportunities and the names of their stages, teams, users, branches. */
export const OPPORTUNITY_REPORT_TOPICS = [TOPICS.pipelineOpportunity, TOPICS.pipelineStage, TOPICS.pipelineTeam, TOPICS.contactsUser, TOPICS.contactsBranch];

/** The topics an opportunity report reflects: with a conversion, also the exchange rates it used. */
export const opportunityReportTopics = (currency: string | null): readonly string[] =>
  currency ? [...OPPORTUNITY_REPORT_TOPICS, TOPICS.pipelineCurrencyRate] : OPPORTUNITY_REPORT_TOPICS;

export interface PipelineAnalysisArgs {
  filter?: ReportFilterInput | null;
  groupBy?: string[] | null;
  currency?: string | null;
}

export interface Report<T> {
  newestEventAt: Date | null;
  result: T;
}

export const MEASURES = ['count', 'wonCount', 'lostCount', 'expectedRevenue', 'proratedRevenue', 'wonRevenue', 'avgDaysToClose', 'avgDaysInStage'] as const;
export type MeasureName = (typeof MEASURES)[number];

export interface Chart {
  measure: string;
  currency: string | null;
  labels: string[];
  series: { name: string; values: (string | null)[] }[];
}

export class PipelineAnalysisService {
  readonly aggregator: OpportunityAggregator;

  constructor(
    private readonly dataSource: DataSource,
    clock: Clock,
  ) {
    this.aggregator = new OpportunityAggregator(dataSource, clock);
  }

  async pipelineAnalysis(user: AuthUser, args: PipelineAnalysisArgs, options: AggregateOptions = {}): Promise<Aggregate & { newestEventAt: Date | null }> {
    const filter = parseReportFilter(args.filter);
    const groupBy = parseGroupBy(args.groupBy, PIPELINE_DIMENSIONS, ['stage']);
    const currency = parseTargetCurrency(args.currency);
    const [result, newest] = await Promise.all([
      this.aggregator.aggregate(user, filter, groupBy, currency, options),
      newestEventAt(this.dataSource, opportunityReportTopics(currency)),
    ]);
    return { ...result, newestEventAt: newest };
  }

  /**
   * Open opportunities by expected closing month × stage, with the prorated revenue
   * (expected × probability) a forecast weighs them by.
   */
  async forecast(user: AuthUser, args: { filter?: ReportFilterInput | null; currency?: string | null }) {
    const filter = parseReportFilter(args.filter, { dateField: 'EXPECTED_CLOSING' });
    if (filter.statuses && filter.statuses.some((s) => s !== 'open')) {
      throw badInput('filter.statuses', 'a forecast covers open opportunities only');
    }
    const currency = parseTargetCurrency(args.currency);
    const scoped = { ...filter, statuses: ['open' as const], type: filter.type ?? ('opportunity' as const), includeArchived: false };
    const [cells, months, newest] = await Promise.all([
      this.aggregator.aggregate(user, scoped, ['closingMonth', 'stage'], currency),
      this.aggregator.aggregate(user, scoped, ['closingMonth'], currency),
      newestEventAt(this.dataSource, opportunityReportTopics(currency)),
    ]);
    return {
      rows: cells.rows.map((r) => ({ month: r.keys[0]!.value, stage: r.keys[1]!, ...r.measures })),
      months: months.rows.map((r) => ({ month: r.keys[0]!.value, ...r.measures })),
      total: months.total,
      currency,
      newestEventAt: newest,
    };
  }
}

/**
 * The series a chart draws: one group-by → one series over its keys; two → one series per key
 * of the second, over the keys of the first. Money needs one currency (convert, or filter).
 */
export function chartOf(aggregate: Aggregate, measureName: string): Chart {
  const measure = MEASURES.find((m) => m.toLowerCase() === measureName.trim().toLowerCase());
  if (!measure) throw badInput('measure', `unknown measure "${measureName}"; one of ${MEASURES.join(', ')}`);
  const value = (m: Measures, currencyOut: { code: string | null }): string | null => {
    const v = m[measure];
    if (Array.isArray(v)) {
      if (v.length === 0) return '0';
      if (v.length > 1) throw badInput('measure', `${measure} is in several currencies (${v.map((x) => x.currency).join(', ')}); pass currency to convert`);
      if (currencyOut.code && currencyOut.code !== v[0]!.currency) {
        throw badInput('measure', `${measure} is in several currencies (${currencyOut.code}, ${v[0]!.currency}); pass currency to convert`);
      }
      currencyOut.code = v[0]!.currency;
      return v[0]!.amount;
    }
    return v === null ? null : String(v);
  };
  const currencyOut = { code: aggregate.currency };
  const dims = aggregate.groupBy;
  if (dims.length === 0) {
    return { measure, currency: currencyOut.code, labels: ['Total'], series: [{ name: measure, values: [value(aggregate.total, currencyOut)] }] };
  }
  const firstKeys = uniqueKeys(aggregate.rows, 0);
  if (dims.length === 1) {
    return {
      measure,
      labels: firstKeys.map((k) => k.label),
      series: [{ name: measure, values: aggregate.rows.map((r) => value(r.measures, currencyOut)) }],
      currency: currencyOut.code,
    };
  }
  const secondKeys = sortGroupKeys(dims[1] as PipelineDimension, uniqueKeys(aggregate.rows, 1));
  const cell = new Map(aggregate.rows.map((r) => [`${r.keys[0]!.value}\u0000${r.keys[1]!.value}`, r.measures]));
  const series = secondKeys.map((k2) => ({
    name: k2.label,
    values: firstKeys.map((k1) => {
      const m = cell.get(`${k1.value}\u0000${k2.value}`);
      return m ? value(m, currencyOut) : measure.startsWith('avg') ? null : '0';
    }),
  }));
  return { measure, currency: currencyOut.code, labels: firstKeys.map((k) => k.label), series };
}

function uniqueKeys(rows: AggregateRow[], index: number): GroupKey[] {
  const seen = new Map<string, GroupKey>();
  for (const r of rows) {
    const k = r.keys[index]!;
    const id = String(k.value);
    if (!seen.has(id)) seen.set(id, k);
  }
  return [...seen.values()];
}
