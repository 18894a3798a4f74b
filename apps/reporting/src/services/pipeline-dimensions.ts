import type { CubeColumn } from '../projections/cube';
import type { LabelKind } from '../projections/labels';
import type { Sql } from './sql';

/** What an opportunity report can group by. */
export const PIPELINE_DIMENSIONS = [
  'stage',
  'team',
  'salesperson',
  'branch',
  'pipeline',
  'type',
  'status',
  'tag',
  'lostReason',
  'month',
  'week',
  'closingMonth',
  'closedMonth',
  'source',
  'medium',
  'campaign',
] as const;

export type PipelineDimension = (typeof PIPELINE_DIMENSIONS)[number];

export interface DimensionSpec {
  /** SQL over opportunity_rm `o` (and `t.tag` for tags) to group by; `tz` is a placeholder of the time zone. */
  records: (tz: string) => string;
  /** The cube column, when the cube has the dimension. */
  cube?: CubeColumn;
  /** Turns the grouped value `x` into the key's text (e.g. a month into YYYY-MM). */
  format?: (x: string) => string;
  /** Where names come from: the label table, fixed names, or the value itself. */
  label?: LabelKind;
  fixed?: Record<string, string>;
  /** Chronological keys sort by value; stages by their sequence; the rest by name. */
  order: 'value' | 'sequence' | 'label';
  /** Needs the unnested tag join. */
  tags?: boolean;
}

const month = (x: string) => `to_char(${x}, 'YYYY-MM')`;

export const DIMENSIONS: Record<PipelineDimension, DimensionSpec> = {
  stage: { records: () => 'o.stage_id', cube: 'stage_id', label: 'stage', order: 'sequence' },
  team: { records: () => 'o.team_id', cube: 'team_id', label: 'team', order: 'label' },
  salesperson: { records: () => 'o.salesperson_id', cube: 'salesperson_id', label: 'user', order: 'label' },
  branch: { records: () => 'o.branch_id', cube: 'branch_id', label: 'branch', order: 'value' },
  pipeline: { records: () => 'o.pipeline_id', cube: 'pipeline_id', label: 'pipeline', order: 'label' },
  type: { records: () => 'o.type', cube: 'type', fixed: { lead: 'Lead', opportunity: 'Opportunity' }, order: 'sequence' },
  status: { records: () => 'o.status', cube: 'status', fixed: { open: 'Open', won: 'Won', lost: 'Lost' }, order: 'sequence' },
  tag: { records: () => 't.tag', label: 'tag', order: 'label', tags: true },
  lostReason: { records: () => 'o.lost_reason_id', label: 'lostReason', order: 'label' },
  month: { records: (tz) => `date_trunc('month', o.created_at AT TIME ZONE ${tz})`, cube: 'created_month', format: month, order: 'value' },
  week: { records: (tz) => `date_trunc('week', o.created_at AT TIME ZONE ${tz})`, format: (x) => `to_char(${x}, 'IYYY-"W"IW')`, order: 'value' },
  closingMonth: { records: () => `date_trunc('month', o.expected_closing)`, format: month, order: 'value' },
  closedMonth: { records: (tz) => `date_trunc('month', o.date_closed AT TIME ZONE ${tz})`, format: month, order: 'value' },
  source: { records: () => 'o.source', order: 'label' },
  medium: { records: () => 'o.medium', order: 'label' },
  campaign: { records: () => 'o.campaign', order: 'label' },
};

/** The raw SQL to group by (over the records, or over a cube `c`). */
export function dimensionSql(sql: Sql, dimension: PipelineDimension, tz: string, onCube: boolean): string {
  const spec = DIMENSIONS[dimension];
  if (onCube) return `c.${spec.cube!}`;
  // Only the time-bucketed dimensions take the time zone (an unused parameter has no type).
  return spec.records.length > 0 ? spec.records(sql.p(tz, 'text')) : spec.records('');
}

/** The text of a grouped value. */
export function formatDimension(dimension: PipelineDimension, x: string): string {
  const format = DIMENSIONS[dimension].format;
  return format ? format(x) : `${x}::text`;
}
