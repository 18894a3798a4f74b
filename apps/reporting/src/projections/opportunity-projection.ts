import type { EntityManager } from 'typeorm';
import type { CloudEvent, StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { opportunityRowOf, type OpportunityRow } from '../domain/opportunity-row';
import { applyCubeDelta, contributionFrom, contributionOf, CONTRIBUTES, CONTRIBUTION_SELECT, type Contribution } from './cube';
import { upsertLabel, upsertLabels } from './labels';
import { enterProjection, type Projector } from './target';

const COLUMNS: [string, (r: OpportunityRow) => unknown, string?][] = [
  ['id', (r) => r.id, 'uuid'],
  ['version', (r) => r.version, 'int'],
  ['type', (r) => r.type],
  ['name', (r) => r.name],
  ['number', (r) => r.number],
  ['customer_id', (r) => r.customerId, 'uuid'],
  ['contact_name', (r) => r.contactName],
  ['company_name', (r) => r.companyName],
  ['email', (r) => r.email],
  ['phone', (r) => r.phone],
  ['salesperson_id', (r) => r.salespersonId, 'uuid'],
  ['team_id', (r) => r.teamId, 'uuid'],
  ['pipeline_id', (r) => r.pipelineId, 'uuid'],
  ['stage_id', (r) => r.stageId, 'uuid'],
  ['stage_name', (r) => r.stageName],
  ['priority', (r) => r.priority, 'smallint'],
  ['expected_revenue', (r) => r.expectedRevenue, 'numeric'],
  ['currency', (r) => r.currency],
  ['probability', (r) => r.probability, 'numeric'],
  ['prorated_revenue', (r) => r.proratedRevenue, 'numeric'],
  ['expected_closing', (r) => r.expectedClosing, 'date'],
  ['tag_ids', (r) => r.tagIds, 'text[]'],
  ['campaign', (r) => r.campaign],
  ['medium', (r) => r.medium],
  ['source', (r) => r.source],
  ['status', (r) => r.status],
  ['lost_reason_id', (r) => r.lostReasonId, 'uuid'],
  ['lost_reason_name', (r) => r.lostReasonName],
  ['lost_feedback', (r) => r.lostFeedback],
  ['active', (r) => r.active, 'boolean'],
  ['date_opened', (r) => r.dateOpened, 'timestamptz'],
  ['date_closed', (r) => r.dateClosed, 'timestamptz'],
  ['date_last_stage_update', (r) => r.dateLastStageUpdate, 'timestamptz'],
  ['branch_id', (r) => r.branchId],
  ['properties', (r) => JSON.stringify(r.properties), 'jsonb'],
  ['created_at', (r) => r.createdAt, 'timestamptz'],
  ['updated_at', (r) => r.updatedAt, 'timestamptz'],
  ['created_by', (r) => r.createdBy, 'uuid'],
  ['updated_by', (r) => r.updatedBy, 'uuid'],
];

const kindOf = (type: string) => type.split('.')[3] ?? '';

/**
 * crm.pipeline.opportunity → opportunity_rm (+ its history, stage transitions, the cube and
 * labels). Versions make it order-safe: a state older than the stored one changes nothing in
 * the current row (its history row and transition are still recorded, they are facts of the
 * past), and the cube moves from the row's old contribution to its new one in the same
 * transaction.
 */
export const applyOpportunityEvent: Projector = async (event, manager, target) => {
  const { schema } = target;
  const data = event.data as StateEventData<Record<string, unknown>>;
  const row = opportunityRowOf(data.state, target.defaultCurrency);
  const kind = kindOf(event.type);
  const mergedIds = Array.isArray(data['mergedIds']) ? (data['mergedIds'] as unknown[]).filter(isUuid).filter((id) => id !== row.id) : [];
  await enterProjection(manager, target, [row.id, ...mergedIds]);

  const [current] = await manager.query(
    `SELECT o.version, o.deleted, ${CONTRIBUTES} AS contributes, ${CONTRIBUTION_SELECT} FROM "${schema}".opportunity_rm o WHERE o.id = $1 FOR UPDATE`,
    [row.id],
  );
  const before = current?.contributes ? contributionFrom(current) : null;
  // The cube moves last: its rows are shared by many records, so their locks are held shortest.
  let after: Contribution | null = before;

  if (kind === 'deleted') {
    if (current && !current.deleted && current.version <= row.version) {
      await manager.query(`UPDATE "${schema}".opportunity_rm SET deleted = true WHERE id = $1`, [row.id]);
      after = null;
    }
    await insertHistory(manager, schema, row, true, event.time);
    await applyCubeDelta(manager, schema, before, after);
    return;
  }

  if (!current || (current.version < row.version && !current.deleted)) {
    after = await upsertRow(manager, schema, row, await target.cubeTimeZone(manager));
  }
  await insertHistory(manager, schema, row, false, row.updatedAt);
  if (kind === 'stage_changed') await insertTransition(manager, schema, event, row);
  if (kind === 'converted') {
    await manager.query(
      `UPDATE "${schema}".opportunity_rm SET converted_at = LEAST(COALESCE(converted_at, $2::timestamptz), $2::timestamptz) WHERE id = $1`,
      [row.id, event.time],
    );
  }
  const labels: Parameters<typeof upsertLabels>[2] = [];
  if (row.stageId && row.stageName) labels.push({ kind: 'stage', id: row.stageId, name: row.stageName, authoritative: false, at: row.updatedAt });
  if (row.lostReasonId && row.lostReasonName) {
    labels.push({ kind: 'lostReason', id: row.lostReasonId, name: row.lostReasonName, authoritative: true, at: row.updatedAt });
  }
  await upsertLabels(manager, schema, labels);
  if ((kind === 'merged' || kind === 'converted') && mergedIds.length > 0) {
    await markMerged(manager, schema, mergedIds, row.id, event.time);
  }
  await applyCubeDelta(manager, schema, before, after);
};

/** Inserts or replaces the row; returns its new cube contribution. */
async function upsertRow(manager: EntityManager, schema: string, row: OpportunityRow, cubeTimeZone: string): Promise<Contribution | null> {
  const params = COLUMNS.map(([, get]) => get(row));
  const values = COLUMNS.map(([, , type], i) => (type ? `$${i + 1}::${type}` : `$${i + 1}`));
  const tz = `$${params.length + 1}`;
  params.push(cubeTimeZone);
  const names = COLUMNS.map(([name]) => name);
  const [written] = await manager.query(
    `INSERT INTO "${schema}".opportunity_rm AS o (${names.join(', ')}, created_month, merged_into)
     VALUES (${values.join(', ')}, (date_trunc('month', $${names.indexOf('created_at') + 1}::timestamptz AT TIME ZONE ${tz}))::date,
             (SELECT into_id FROM "${schema}".opportunity_merge WHERE merged_id = $1::uuid))
     ON CONFLICT (id) DO UPDATE SET ${names
       .filter((n) => n !== 'id')
       .map((n) => `${n} = EXCLUDED.${n}`)
       .join(', ')}, created_month = EXCLUDED.created_month
     RETURNING ${CONTRIBUTES} AS contributes, ${CONTRIBUTION_SELECT}`,
    params,
  );
  return written.contributes ? contributionFrom(written) : null;
}

async function insertHistory(manager: EntityManager, schema: string, row: OpportunityRow, deleted: boolean, validFrom: string): Promise<void> {
  await manager.query(
    `INSERT INTO "${schema}".opportunity_history (opportunity_id, version, deleted, valid_from, type, name, stage_id, stage_name, status, active,
       expected_revenue, prorated_revenue, currency, salesperson_id, team_id, pipeline_id, branch_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT DO NOTHING`,
    [
      row.id,
      row.version,
      deleted,
      validFrom,
      row.type,
      row.name,
      row.stageId,
      row.stageName,
      row.status,
      row.active,
      row.expectedRevenue,
      row.proratedRevenue,
      row.currency,
      row.salespersonId,
      row.teamId,
      row.pipelineId,
      row.branchId,
    ],
  );
}

async function insertTransition(manager: EntityManager, schema: string, event: CloudEvent, row: OpportunityRow): Promise<void> {
  const d = event.data as Record<string, unknown>;
  const seconds = typeof d['secondsInPreviousStage'] === 'number' ? d['secondsInPreviousStage'] : null;
  await manager.query(
    `INSERT INTO "${schema}".stage_transition (event_id, opportunity_id, version, from_stage_id, to_stage_id, from_stage_name, to_stage_name, changed_at, seconds_in_previous)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      event.id,
      row.id,
      row.version,
      isUuid(d['fromStageId']) ? d['fromStageId'] : null,
      isUuid(d['toStageId']) ? d['toStageId'] : null,
      typeof d['fromStageName'] === 'string' ? d['fromStageName'] : null,
      typeof d['toStageName'] === 'string' ? d['toStageName'] : null,
      typeof d['changedAt'] === 'string' ? d['changedAt'] : event.time,
      seconds,
    ],
  );
  if (isUuid(d['fromStageId']) && typeof d['fromStageName'] === 'string') {
    await upsertLabel(manager, schema, { kind: 'stage', id: d['fromStageId'], name: d['fromStageName'], authoritative: false, at: row.updatedAt });
  }
}

/** Records merged away (their own events may come before or after): out of every report. */
async function markMerged(manager: EntityManager, schema: string, ids: string[], intoId: string, at: string): Promise<void> {
  for (const id of [...ids].sort()) {
    await manager.query(
      `INSERT INTO "${schema}".opportunity_merge (merged_id, into_id, merged_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [id, intoId, at],
    );
    const before = await contributionOf(manager, schema, id);
    if (before) {
      await manager.query(`UPDATE "${schema}".opportunity_rm SET merged_into = $2 WHERE id = $1`, [id, intoId]);
      await applyCubeDelta(manager, schema, before, null);
    }
  }
}
