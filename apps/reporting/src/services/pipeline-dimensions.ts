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
  /** SQL over opportunity_rm `o` (and `t.tag` for tags); `tz` is a placeholder of the time zone. */
  records: (tz: string) => string;
  /** SQL over opportunity_cube `c`, when the cube has the dimension. */
  cube?: string;
  /** Where names come from: the label table, fixed names, or the value itself. */
  label?: LabelKind;
  fixed?: Record<string, string>;
  /** Chronological keys sort by value; stages by their sequence; the rest by name. */
  order: 'value' | 'sequence' | 'label';
  /** Needs the unnested tag join. */
  tags?: boolean;
}

export const DIMENSIONS: Record<PipelineDimension, DimensionSpec> = {
  stage: { records: () => 'o.stage_id::text', cube: 'c.stage_id::text', label: 'stage', order: 'sequence' },
  team: { records: () => 'o.team_id::text', cube: 'c.team_id::text', label: 'team', order: 'label' },
  salesperson: { records: () => 'o.salesperson_id::text', cube: 'c.salesperson_id::text', label: 'user', order: 'label' },
  branch: { records: () => 'o.branch_id', cube: 'c.branch_id', label: 'branch', order: 'value' },
  pipeline: { records: () => 'o.pipeline_id::text', cube: 'c.pipeline_id::text', label: 'pipeline', order: 'label' },
  type: { records: () => 'o.type', cube: 'c.type', fixed: { lead: 'Lead', opportunity: 'Opportunity' }, order: 'sequence' },
  status: { records: () => 'o.status', cube: 'c.status', fixed: { open: 'Open', won: 'Won', lost: 'Lost' }, order: 'sequence' },
  tag: { records: () => 't.tag', label: 'tag', order: 'label', tags: true },
  lostReason: { records: () => 'o.lost_reason_id::text', label: 'lostReason', order: 'label' },
  month: { records: (tz) => `to_char(o.created_at AT TIME ZONE ${tz}, 'YYYY-MM')`, cube: `to_char(c.created_month, 'YYYY-MM')`, order: 'value' },
  week: { records: (tz) => `to_char(o.created_at AT TIME ZONE ${tz}, 'IYYY-"W"IW')`, order: 'value' },
  closingMonth: { records: () => `to_char(o.expected_closing, 'YYYY-MM')`, order: 'value' },
  closedMonth: { records: (tz) => `to_char(o.date_closed AT TIME ZONE ${tz}, 'YYYY-MM')`, order: 'value' },
  source: { records: () => 'o.source', order: 'label' },
  medium: { records: () => 'o.medium', order: 'label' },
  campaign: { records: () => 'o.campaign', order: 'label' },
};

export function dimensionSql(sql: Sql, dimension: PipelineDimension, tz: string, onCube: boolean): string {
  const spec = DIMENSIONS[dimension];
  if (onCube) return spec.cube!;
  // Only the time-bucketed dimensions take the time zone (an unused parameter has no type).
  return spec.records.length > 0 ? spec.records(sql.p(tz, 'text')) : spec.records('');
}
