import type { EntityManager } from 'typeorm';
import type { CloudEvent, StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { opportunityRowOf, type OpportunityRow } from '../domain/opportunity-row';
import { applyCubeDelta, contributionFrom, contributionOf, cubeDeltaSql, CONTRIBUTES, CONTRIBUTION_SELECT, type Contribution } from './cube';
import { seenLabelsSql, type SeenLabel } from './labels';
import { enterProjection, RECORD_LOCK_SPACE, type Projector } from './target';

/** opportunity_rm's columns written from an event's state, with their SQL types. */
export const OPPORTUNITY_COLUMNS: [string, (r: OpportunityRow) => unknown, string?][] = [
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

/** Positional parameters of one statement. */
class Params {
  readonly values: unknown[] = [];
  p = (value: unknown, cast?: string): string => {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  };
}

/**
 * crm.pipeline.opportunity → opportunity_rm (+ its history, stage transitions, the cube and
 * labels), in three statements per event: lock and read the row, write it (when the event is
 * newer), then append history, transition, names and the cube's change together. Versions make
 * it order-safe: a state older than the stored one changes nothing in the current row (its
 * history row and transition are still recorded, they are facts of the past).
 */
export const applyOpportunityEvent: Projector = async (event, manager, target) => {
  const { schema } = target;
  const data = event.data as StateEventData<Record<string, unknown>>;
  const row = opportunityRowOf(data.state, target.defaultCurrency);
  const kind = kindOf(event.type);
  const mergedIds = Array.isArray(data['mergedIds']) ? (data['mergedIds'] as unknown[]).filter(isUuid).filter((id) => id !== row.id) : [];
  if (mergedIds.length > 0) await enterProjection(manager, target, [row.id, ...mergedIds]);

  // The record lock serialises this event with a merge of this record arriving on another partition.
  const [current] = await manager.query(
    `SELECT x.* FROM (SELECT pg_advisory_xact_lock(${RECORD_LOCK_SPACE}, hashtext($1::uuid::text))) l
     LEFT JOIN LATERAL (SELECT o.version, o.deleted, ${CONTRIBUTES} AS contributes, ${CONTRIBUTION_SELECT}
                        FROM "${schema}".opportunity_rm o WHERE o.id = $1::uuid FOR UPDATE) x ON true`,
    [row.id],
  );
  const exists = current && current.version !== null;
  const before = exists && current.contributes ? contributionFrom(current) : null;
  let after: Contribution | null = before;

  if (kind === 'deleted') {
    if (exists && !current.deleted && current.version <= row.version) {
      await manager.query(`UPDATE "${schema}".opportunity_rm SET deleted = true WHERE id = $1`, [row.id]);
      after = null;
    }
    await appendFacts(manager, schema, event, row, { deleted: true, before, after });
    return;
  }
  if (!exists || (current.version < row.version && !current.deleted)) {
    after = await upsertRow(manager, schema, row, await target.cubeTimeZone(manager));
  }
  if (kind === 'converted') {
    await manager.query(
      `UPDATE "${schema}".opportunity_rm SET converted_at = LEAST(COALESCE(converted_at, $2::timestamptz), $2::timestamptz) WHERE id = $1`,
      [row.id, event.time],
    );
  }
  if ((kind === 'merged' || kind === 'converted') && mergedIds.length > 0) {
    await markMerged(manager, schema, mergedIds, row.id, event.time);
  }
  await appendFacts(manager, schema, event, row, { deleted: false, before, after });
};

/** Inserts or replaces the row; returns its new cube contribution. */
async function upsertRow(manager: EntityManager, schema: string, row: OpportunityRow, cubeTimeZone: string): Promise<Contribution | null> {
  const params = OPPORTUNITY_COLUMNS.map(([, get]) => get(row));
  const values = OPPORTUNITY_COLUMNS.map(([, , type], i) => (type ? `$${i + 1}::${type}` : `$${i + 1}`));
  const tz = `$${params.length + 1}`;
  params.push(cubeTimeZone);
  const names = OPPORTUNITY_COLUMNS.map(([name]) => name);
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

/**
 * One statement: the history row, the stage transition (stage_changed), the names the event
 * carries, and the cube's change — all appends, none locks a row other events share.
 */
async function appendFacts(
  manager: EntityManager,
  schema: string,
  event: CloudEvent,
  row: OpportunityRow,
  change: { deleted: boolean; before: Contribution | null; after: Contribution | null },
): Promise<void> {
  const q = new Params();
  const p = q.p;
  const ctes: string[] = [];
  ctes.push(`history AS (INSERT INTO "${schema}".opportunity_history (opportunity_id, version, deleted, valid_from, type, name, stage_id, stage_name, status, active,
       expected_revenue, prorated_revenue, currency, salesperson_id, team_id, pipeline_id, branch_id)
     VALUES (${p(row.id, 'uuid')}, ${p(row.version, 'int')}, ${p(change.deleted, 'boolean')}, ${p(change.deleted ? event.time : row.updatedAt, 'timestamptz')},
       ${p(row.type, 'text')}, ${p(row.name, 'text')}, ${p(row.stageId, 'uuid')}, ${p(row.stageName, 'text')}, ${p(row.status, 'text')}, ${p(row.active, 'boolean')},
       ${p(row.expectedRevenue, 'numeric')}, ${p(row.proratedRevenue, 'numeric')}, ${p(row.currency, 'text')}, ${p(row.salespersonId, 'uuid')},
       ${p(row.teamId, 'uuid')}, ${p(row.pipelineId, 'uuid')}, ${p(row.branchId, 'text')})
     ON CONFLICT DO NOTHING RETURNING 1)`);
  const seen: SeenLabel[] = [];
  if (!change.deleted) {
    if (row.stageId && row.stageName) seen.push({ kind: 'stage', id: row.stageId, name: row.stageName, at: row.updatedAt });
    if (row.lostReasonId && row.lostReasonName) seen.push({ kind: 'lostReason', id: row.lostReasonId, name: row.lostReasonName, at: row.updatedAt });
  }
  if (kindOf(event.type) === 'stage_changed') {
    const d = event.data as Record<string, unknown>;
    const fromStageId = isUuid(d['fromStageId']) ? d['fromStageId'] : null;
    const fromStageName = typeof d['fromStageName'] === 'string' ? d['fromStageName'] : null;
    ctes.push(`transition AS (INSERT INTO "${schema}".stage_transition (event_id, opportunity_id, version, from_stage_id, to_stage_id, from_stage_name,
         to_stage_name, changed_at, seconds_in_previous)
       VALUES (${p(event.id, 'uuid')}, ${p(row.id, 'uuid')}, ${p(row.version, 'int')}, ${p(fromStageId, 'uuid')},
         ${p(isUuid(d['toStageId']) ? d['toStageId'] : null, 'uuid')}, ${p(fromStageName, 'text')},
         ${p(typeof d['toStageName'] === 'string' ? d['toStageName'] : null, 'text')}, ${p(typeof d['changedAt'] === 'string' ? d['changedAt'] : event.time, 'timestamptz')},
         ${p(typeof d['secondsInPreviousStage'] === 'number' ? d['secondsInPreviousStage'] : null, 'bigint')})
       ON CONFLICT DO NOTHING RETURNING 1)`);
    if (fromStageId && fromStageName && fromStageId !== row.stageId) seen.push({ kind: 'stage', id: fromStageId, name: fromStageName, at: row.updatedAt });
  }
  ctes.push(...seenLabelsSql(schema, seen, p));
  const cube = cubeDeltaSql(schema, change.before, change.after, p);
  if (cube) ctes.push(cube);
  await manager.query(`WITH ${ctes.join(',\n')} SELECT 1`, q.values);
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
