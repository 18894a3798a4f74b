import { scopePredicate, type AuthUser } from '@crm/auth';
import { badInput, decodeCursor, encodeCursor, type CursorKey } from '@crm/graphql';
import { isUuid } from '@crm/runtime';

/** The filters of opportunities(…), leads(…) and pipelineBoard(…). */
export interface OpportunityFilterInput {
  /** My pipeline: I am the salesperson. Default: on for own-documents users. */
  mine?: boolean | null;
  teamIds?: string[] | null;
  pipelineIds?: string[] | null;
  stageIds?: string[] | null;
  salespersonIds?: string[] | null;
  unassigned?: boolean | null;
  tagIds?: string[] | null;
  customerIds?: string[] | null;
  status?: ('OPEN' | 'WON' | 'LOST')[] | null;
  archived?: 'ACTIVE' | 'ARCHIVED' | 'ALL' | null;
  overdue?: boolean | null;
  priorityAtLeast?: number | null;
  createdFrom?: Date | string | null;
  createdTo?: Date | string | null;
  closingFrom?: string | null;
  closingTo?: string | null;
  branchIds?: string[] | null;
  text?: string | null;
}

function ids(values: string[] | null | undefined, field: string): string[] | null {
  if (!values || values.length === 0) return null;
  values.forEach((v, i) => {
    if (!isUuid(v)) throw badInput(`filter.${field}.${i}`, `${v} is not an id`);
  });
  return values.map((v) => v.toLowerCase());
}

/**
 * WHERE clauses (joined with AND) for a filter plus the caller's record visibility — inside
 * the SQL, so lists, counts and sums only ever see what the user may see.
 */
export function filterClauses(filter: OpportunityFilterInput | null | undefined, user: AuthUser, today: string, params: unknown[], o = 'o'): string[] {
  const f = filter ?? {};
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const clauses = [scopePredicate(user, { owner: `${o}.salesperson_id`, team: `${o}.team_id`, branch: `${o}.branch_id` }, params)];
  const mine = f.mine ?? user.role === 'user_own';
  if (mine) clauses.push(`${o}.salesperson_id = ${p(user.id)}::uuid`);
  const list = (values: string[] | null, column: string, cast = 'uuid') => {
    if (values) clauses.push(`${o}.${column} = ANY(${p(values)}::${cast}[])`);
  };
  list(ids(f.teamIds, 'teamIds'), 'team_id');
  list(ids(f.pipelineIds, 'pipelineIds'), 'pipeline_id');
  list(ids(f.stageIds, 'stageIds'), 'stage_id');
  list(ids(f.customerIds, 'customerIds'), 'customer_id');
  const salespeople = ids(f.salespersonIds, 'salespersonIds');
  if (salespeople && f.unassigned) clauses.push(`(${o}.salesperson_id = ANY(${p(salespeople)}::uuid[]) OR ${o}.salesperson_id IS NULL)`);
  else if (salespeople) list(salespeople, 'salesperson_id');
  else if (f.unassigned) clauses.push(`${o}.salesperson_id IS NULL`);
  const tags = ids(f.tagIds, 'tagIds');
  if (tags) clauses.push(`${o}.tag_ids && ${p(tags)}::uuid[]`);
  if (f.branchIds?.length) list(f.branchIds.map((b) => b.toUpperCase()), 'branch_id', 'text');
  const statuses = f.status?.length ? [...new Set(f.status.map((s) => s.toLowerCase()))] : null;
  if (statuses) clauses.push(`${o}.status = ANY(${p(statuses)}::text[])`);
  switch (f.archived ?? null) {
    case 'ARCHIVED':
      clauses.push(`NOT ${o}.active`);
      break;
    case 'ALL':
      break;
    case 'ACTIVE':
      clauses.push(`${o}.active`);
      break;
    default:
      // Lost records are archived (as in Odoo): asking for them shows them.
      clauses.push(statuses?.includes('lost') ? `(${o}.active OR ${o}.status = 'lost')` : `${o}.active`);
  }
  if (f.overdue === true) clauses.push(`(${o}.status = 'open' AND ${o}.expected_closing < ${p(today)}::date)`);
  if (f.overdue === false) clauses.push(`NOT (${o}.status = 'open' AND ${o}.expected_closing IS NOT NULL AND ${o}.expected_closing < ${p(today)}::date)`);
  if (f.priorityAtLeast != null && (!Number.isInteger(f.priorityAtLeast) || f.priorityAtLeast < 0 || f.priorityAtLeast > 3)) {
    throw badInput('filter.priorityAtLeast', 'priority is 0 (Normal) to 3 (Excellent)');
  }
  if (f.priorityAtLeast != null) clauses.push(`${o}.priority >= ${p(f.priorityAtLeast)}`);
  if (f.createdFrom) clauses.push(`${o}.created_at >= ${p(new Date(f.createdFrom))}`);
  if (f.createdTo) clauses.push(`${o}.created_at < ${p(new Date(f.createdTo))}`);
  if (f.closingFrom) clauses.push(`${o}.expected_closing >= ${p(f.closingFrom)}::date`);
  if (f.closingTo) clauses.push(`${o}.expected_closing <= ${p(f.closingTo)}::date`);
  const text = f.text?.trim();
  if (text) {
    const pattern = p(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(
      `(${o}.name ILIKE ${pattern} OR ${o}.number ILIKE ${pattern} OR ${o}.contact_name ILIKE ${pattern} OR ${o}.company_name ILIKE ${pattern}
        OR ${o}.email ILIKE ${pattern} OR ${o}.phone ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM pipeline.contact_copy c WHERE c.id = ${o}.customer_id AND c.name ILIKE ${pattern}))`,
    );
  }
  return clauses;
}

export const ORDER_FIELDS = {
  CREATED_AT: { expr: 'o.created_at', cast: 'timestamptz' },
  UPDATED_AT: { expr: 'o.updated_at', cast: 'timestamptz' },
  NAME: { expr: 'lower(o.name)', cast: 'text' },
  EXPECTED_REVENUE: { expr: 'o.expected_revenue', cast: 'numeric' },
  PRORATED_REVENUE: { expr: 'o.prorated_revenue', cast: 'numeric' },
  PROBABILITY: { expr: 'o.probability', cast: 'numeric' },
  PRIORITY: { expr: 'o.priority', cast: 'integer' },
  EXPECTED_CLOSING: { expr: "COALESCE(o.expected_closing, 'infinity'::date)", cast: 'date' },
  DATE_CLOSED: { expr: "COALESCE(o.date_closed, 'infinity'::timestamptz)", cast: 'timestamptz' },
  RANK: { expr: 'o.rank', cast: 'bigint' },
} as const;

export type OrderField = keyof typeof ORDER_FIELDS;

export interface OrderInput {
  field?: OrderField | null;
  direction?: 'ASC' | 'DESC' | null;
}

/** ORDER BY and the keyset condition after a cursor ([sort value, id]). */
export function ordering(order: OrderInput | null | undefined, after: CursorKey | null, params: unknown[]): { orderBy: string; sortKey: string; keyset: string | null } {
  const field = order?.field ?? 'CREATED_AT';
  const spec = ORDER_FIELDS[field];
  if (!spec) throw badInput('orderBy.field', `cannot order by ${String(field)}`);
  const desc = (order?.direction ?? (order?.field ? 'ASC' : 'DESC')) === 'DESC';
  let keyset: string | null = null;
  if (after) {
    if (after.length !== 2 || typeof after[1] !== 'string' || !isUuid(after[1])) throw badInput('after', 'invalid cursor');
    params.push(after[0], after[1]);
    keyset = `(${spec.expr}, o.id) ${desc ? '<' : '>'} ($${params.length - 1}::${spec.cast}, $${params.length}::uuid)`;
  }
  const dir = desc ? 'DESC' : 'ASC';
  return { orderBy: `${spec.expr} ${dir}, o.id ${dir}`, sortKey: `(${spec.expr})::text AS sort_key`, keyset };
}

export { decodeCursor, encodeCursor };
