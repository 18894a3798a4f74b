import { badInput, isValidDate } from '@crm/graphql';
import { isUuid } from '@crm/runtime';

export type DateField = 'CREATED' | 'EXPECTED_CLOSING' | 'CLOSED';
export type RecordType = 'LEAD' | 'OPPORTUNITY';
export type RecordStatus = 'OPEN' | 'WON' | 'LOST';

/** The filter every opportunity report takes (GraphQL `ReportFilter`). */
export interface ReportFilterInput {
  from?: string | null;
  to?: string | null;
  dateField?: DateField | null;
  teamIds?: string[] | null;
  pipelineIds?: string[] | null;
  salespersonIds?: string[] | null;
  branchIds?: string[] | null;
  stageIds?: string[] | null;
  tagIds?: string[] | null;
  type?: RecordType | null;
  statuses?: RecordStatus[] | null;
  includeArchived?: boolean | null;
}

export interface ReportFilter {
  from: string | null;
  to: string | null;
  dateField: DateField;
  teamIds: string[] | null;
  pipelineIds: string[] | null;
  salespersonIds: string[] | null;
  branchIds: string[] | null;
  stageIds: string[] | null;
  tagIds: string[] | null;
  type: 'lead' | 'opportunity' | null;
  statuses: ('open' | 'won' | 'lost')[] | null;
  includeArchived: boolean;
}

function uuidList(value: string[] | null | undefined, field: string): string[] | null {
  if (value === null || value === undefined) return null;
  const bad = value.find((v) => !isUuid(v));
  if (bad !== undefined) throw badInput(field, `"${bad}" is not an id`);
  return [...new Set(value)];
}

function textList(value: string[] | null | undefined): string[] | null {
  if (value === null || value === undefined) return null;
  return [...new Set(value.map((v) => v.trim()).filter((v) => v.length > 0))];
}

/** Checks a date range: both calendar days, `from` not after `to`. Field names are `<prefix>.from/to`. */
export function checkRange(from: string | null | undefined, to: string | null | undefined, prefix: string): { from: string | null; to: string | null } {
  if (from != null && !isValidDate(from)) throw badInput(`${prefix}.from`, `"${from}" is not a calendar date YYYY-MM-DD`);
  if (to != null && !isValidDate(to)) throw badInput(`${prefix}.to`, `"${to}" is not a calendar date YYYY-MM-DD`);
  if (from != null && to != null && from > to) throw badInput(`${prefix}.from`, `from (${from}) is after to (${to})`);
  return { from: from ?? null, to: to ?? null };
}

/** Validates and normalises a filter; throws BAD_USER_INPUT naming the field at fault. */
export function parseReportFilter(input: ReportFilterInput | null | undefined, defaults: Partial<ReportFilter> = {}, prefix = 'filter'): ReportFilter {
  const f = input ?? {};
  const range = checkRange(f.from, f.to, prefix);
  return {
    ...range,
    dateField: f.dateField ?? defaults.dateField ?? 'CREATED',
    teamIds: uuidList(f.teamIds, `${prefix}.teamIds`),
    pipelineIds: uuidList(f.pipelineIds, `${prefix}.pipelineIds`),
    salespersonIds: uuidList(f.salespersonIds, `${prefix}.salespersonIds`),
    branchIds: textList(f.branchIds),
    stageIds: uuidList(f.stageIds, `${prefix}.stageIds`),
    tagIds: textList(f.tagIds),
    type: f.type ? (f.type === 'LEAD' ? 'lead' : 'opportunity') : (defaults.type ?? null),
    statuses: f.statuses ? [...new Set(f.statuses.map((s) => s.toLowerCase() as 'open' | 'won' | 'lost'))] : (defaults.statuses ?? null),
    includeArchived: f.includeArchived ?? defaults.includeArchived ?? false,
  };
}

/** True when the filter narrows anything down (an export without one is capped harder). */
export function isNarrowed(filter: ReportFilter): boolean {
  return Boolean(
    filter.from ||
      filter.to ||
      filter.teamIds?.length ||
      filter.pipelineIds?.length ||
      filter.salespersonIds?.length ||
      filter.branchIds?.length ||
      filter.stageIds?.length ||
      filter.tagIds?.length ||
      filter.type ||
      filter.statuses?.length,
  );
}

/** First and last day of a calendar month aligned range? (Month buckets of the cube can answer it.) */
export function isMonthAligned(from: string | null, to: string | null): boolean {
  if (from !== null && !from.endsWith('-01')) return false;
  if (to !== null) {
    const [y, m, d] = to.split('-').map(Number) as [number, number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    if (d !== last) return false;
  }
  return true;
}
