import type { EntityManager } from 'typeorm';
import { deferWrite, queryInOrder } from '@crm/db';
import type { Opportunity } from '../domain/opportunity';
import type { Row } from './config-rows';

/** Columns of pipeline.opportunity (alias `o`) as the services read them. */
export const OPPORTUNITY_COLUMNS = `
  o.id, o.type, o.number, o.name, o.customer_id, o.contact_name, o.company_name, o.email, o.phone, o.country_code,
  o.salesperson_id, o.team_id, o.pipeline_id, o.stage_id, o.priority, o.expected_revenue::text AS expected_revenue, o.currency,
  o.probability::text AS probability, o.automated_probability::text AS automated_probability, o.probability_manual,
  o.prorated_revenue::text AS prorated_revenue, o.expected_closing::text AS expected_closing, o.tag_ids::text[] AS tag_ids,
  o.description, o.campaign, o.medium, o.source, o.referred_by, o.status, o.lost_reason_id, o.lost_feedback, o.active,
  o.date_opened, o.date_closed, o.date_last_stage_update, o.date_conversion, o.branch_id, o.properties, o.rank::text AS rank,
  o.version, o.created_at, o.updated_at, o.created_by, o.updated_by`;


export function toOpportunity(r: Row): Opportunity {
  return {
    id: r.id,
    type: r.type,
    number: r.number,
    name: r.name,
    customerId: r.customer_id,
    contactName: r.contact_name,
    companyName: r.company_name,
    email: r.email,
    phone: r.phone,
    countryCode: r.country_code,
    salespersonId: r.salesperson_id,
    teamId: r.team_id,
    pipelineId: r.pipeline_id,
    stageId: r.stage_id,
    priority: Number(r.priority),
    expectedRevenue: r.expected_revenue,
    currency: r.currency,
    probability: r.probability,
    automatedProbability: r.automated_probability,
    probabilityManual: r.probability_manual,
    proratedRevenue: r.prorated_revenue,
    expectedClosing: r.expected_closing,
    tagIds: r.tag_ids ?? [],
    description: r.description,
    campaign: r.campaign,
    medium: r.medium,
    source: r.source,
    referredBy: r.referred_by,
    status: r.status,
    lostReasonId: r.lost_reason_id,
    lostFeedback: r.lost_feedback,
    active: r.active,
    dateOpened: r.date_opened,
    dateClosed: r.date_closed,
    dateLastStageUpdate: r.date_last_stage_update,
    dateConversion: r.date_conversion,
    branchId: r.branch_id,
    properties: r.properties ?? {},
    rank: r.rank,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

/** Column ← field, in one order for INSERT and UPDATE. */
const FIELDS: [string, (o: Opportunity) => unknown, string?][] = [
  ['type', (o) => o.type],
  ['number', (o) => o.number],
  ['name', (o) => o.name],
  ['customer_id', (o) => o.customerId],
  ['contact_name', (o) => o.contactName],
  ['company_name', (o) => o.companyName],
  ['email', (o) => o.email],
  ['phone', (o) => o.phone],
  ['country_code', (o) => o.countryCode],
  ['salesperson_id', (o) => o.salespersonId],
  ['team_id', (o) => o.teamId],
  ['pipeline_id', (o) => o.pipelineId],
  ['stage_id', (o) => o.stageId],
  ['priority', (o) => o.priority],
  ['expected_revenue', (o) => o.expectedRevenue],
  ['currency', (o) => o.currency],
  ['probability', (o) => o.probability],
  ['automated_probability', (o) => o.automatedProbability],
  ['probability_manual', (o) => o.probabilityManual],
  ['prorated_revenue', (o) => o.proratedRevenue],
  ['expected_closing', (o) => o.expectedClosing, 'date'],
  ['tag_ids', (o) => o.tagIds, 'uuid[]'],
  ['description', (o) => o.description],
  ['campaign', (o) => o.campaign],
  ['medium', (o) => o.medium],
  ['source', (o) => o.source],
  ['referred_by', (o) => o.referredBy],
  ['status', (o) => o.status],
  ['lost_reason_id', (o) => o.lostReasonId],
  ['lost_feedback', (o) => o.lostFeedback],
  ['active', (o) => o.active],
  ['date_opened', (o) => o.dateOpened],
  ['date_closed', (o) => o.dateClosed],
  ['date_last_stage_update', (o) => o.dateLastStageUpdate],
  ['date_conversion', (o) => o.dateConversion],
  ['branch_id', (o) => o.branchId],
  ['properties', (o) => JSON.stringify(o.properties), 'jsonb'],
  ['rank', (o) => o.rank, 'bigint'],
  ['version', (o) => o.version],
  ['updated_at', (o) => o.updatedAt],
  ['updated_by', (o) => o.updatedBy],
];

export async function insertOpportunity(manager: EntityManager, o: Opportunity): Promise<void> {
  const columns = ['id', 'created_at', 'created_by', ...FIELDS.map(([c]) => c)];
  const values = [o.id, o.createdAt, o.createdBy, ...FIELDS.map(([, get]) => get(o))];
  const casts = ['', '', '', ...FIELDS.map(([, , cast]) => (cast ? `::${cast}` : ''))];
  await manager.query(
    `INSERT INTO pipeline.opportunity (${columns.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}${casts[i]}`).join(', ')})`,
    values,
  );
}

const UPDATE_ALL = `UPDATE pipeline.opportunity SET ${FIELDS.map(([column, , cast], i) => `${column} = $${i + 2}${cast ? `::${cast}` : ''}`).join(', ')} WHERE id = $1`;

/** The UPDATE of every field as SQL text (built once) and parameters ($1 = id). */
function updateStatement(o: Opportunity): { sql: string; params: unknown[] } {
  return { sql: UPDATE_ALL, params: [o.id, ...FIELDS.map(([, get]) => get(o))] };
}

const N = FIELDS.length + 1;
const STAGE_CHANGE = `WITH updated AS (${UPDATE_ALL} RETURNING id),
    closed AS (
      UPDATE pipeline.stage_history SET left_at = $${N + 1}, seconds = GREATEST(0, floor(extract(epoch FROM $${N + 1}::timestamptz - entered_at)))::bigint
       WHERE opportunity_id = $1 AND left_at IS NULL RETURNING id)
  INSERT INTO pipeline.stage_history (opportunity_id, stage_id, stage_name, entered_at, entered_by)
  SELECT id, $${N + 2}::uuid, $${N + 3}, $${N + 1}, $${N + 4}::uuid FROM updated WHERE $${N + 2}::uuid IS NOT NULL`;

/**
 * One statement for a stage change: the row, the visit it leaves (closed with its duration)
 * and the one it starts (`visit`: when, the stage's name, by whom).
 */
export function stageChangeStatement(o: Opportunity, visit: { at: Date; stageName: string | null; by: string }): { sql: string; params: unknown[] } {
  const { params } = updateStatement(o);
  return { sql: STAGE_CHANGE, params: [...params, visit.at, o.stageId, visit.stageName, visit.by] };
}

export async function updateOpportunity(manager: EntityManager, o: Opportunity): Promise<void> {
  const { sql, params } = updateStatement(o);
  await deferWrite(manager, sql, params);
}

export interface LockedOpportunities {
  rows: Map<string, Opportunity>;
  /** pipeline.config_version as this statement saw it. */
  configVersion: string;
  /** pipeline.scoring_version of the rows' teams ('0' when none yet). */
  scoringVersions: Map<string, string>;
  /** The column top read with the lock (lockOpportunities' `columnTopOf`). */
  columnTop?: ColumnTop;
}

/** The first card of a column (pipeline + stage) apart from `opportunityId`, read right after locking it. */
export interface ColumnTop {
  opportunityId: string;
  pipelineId: string;
  stageId: string;
  /** Its rank; null for an empty column. */
  top: string | null;
}

const LOCK_COLUMNS = `${OPPORTUNITY_COLUMNS}, (SELECT version::text FROM pipeline.config_version) AS config_version,
  COALESCE((SELECT sv.version::text FROM pipeline.scoring_version sv WHERE sv.team_id = o.team_id), '0') AS scoring_version`;
const LOCK_ONE = `SELECT ${LOCK_COLUMNS} FROM pipeline.opportunity o WHERE o.id = $1::uuid FOR UPDATE OF o`;
const LOCK_MANY = `SELECT ${LOCK_COLUMNS} FROM pipeline.opportunity o WHERE o.id = ANY($1::uuid[]) ORDER BY o.id FOR UPDATE OF o`;
/** The cards `o` of a kanban column: active opportunities of a pipeline in a stage (SQL expressions for both). */
export function inColumn(pipeline: string, stage: string): string {
  return `o.pipeline_id = ${pipeline} AND o.stage_id = ${stage} AND o.active AND o.type = 'opportunity'`;
}

const COLUMN_TOP = `SELECT c.pipeline_id, (SELECT o.rank::text FROM pipeline.opportunity o
    WHERE ${inColumn('c.pipeline_id', '$2')} AND o.id <> c.id
    ORDER BY o.rank, o.id LIMIT 1) AS top
  FROM pipeline.opportunity c WHERE c.id = $1`;

/**
 * Locks and reads rows for a change (in id order, so concurrent bulk changes cannot deadlock),
 * with the cache version counters in the same round trip. With `columnTopOf` (one row moved to
 * the top of a stage), the top of that stage's column in the row's pipeline is read in the same
 * trip, after the lock is held (a statement of its own: it sees what committed before the lock).
 */
export async function lockOpportunities(manager: EntityManager, ids: readonly string[], columnTopOf?: string): Promise<LockedOpportunities> {
  // One row (the usual case) by `=`: Postgres then settles on one generic plan for the prepared
  // statement, where `= ANY($1)` keeps it planning every execution (a custom plan looks cheaper).
  const lock = ids.length === 1 ? { sql: LOCK_ONE, params: [ids[0]] } : { sql: LOCK_MANY, params: [[...ids]] };
  let rows: Row[];
  let columnTop: ColumnTop | undefined;
  if (columnTopOf !== undefined && ids.length === 1) {
    const [locked, top] = await queryInOrder(manager, [
      lock,
      { sql: COLUMN_TOP, params: [ids[0], columnTopOf] },
    ]);
    rows = locked as Row[];
    const found = (top as Row[])[0];
    if (found) columnTop = { opportunityId: ids[0]!, pipelineId: found.pipeline_id, stageId: columnTopOf, top: found.top ?? null };
  } else {
    rows = await manager.query(lock.sql, lock.params);
  }
  return {
    rows: new Map(rows.map((r) => [r.id as string, toOpportunity(r)])),
    configVersion: rows[0]?.config_version ?? '',
    scoringVersions: new Map(rows.map((r) => [r.team_id as string, r.scoring_version as string])),
    columnTop,
  };
}
