import type { Row } from '../repositories/config-rows';
import { deferWrite } from '@crm/db';
import { badInput } from '@crm/graphql';
import { envString } from '@crm/runtime';
import { documentPeriod, formatDocumentNumber } from '../domain/numbering';
import { phoneMatchKey } from '../domain/phone-match';
import { opportunityEventState, stateChanges, type Opportunity } from '../domain/opportunity';
import { neighbours, rankBetween, spreadRanks, type Placement } from '../domain/ranks';
import { inColumn, insertOpportunity, stageChangeStatement, updateOpportunity } from '../repositories/opportunity-rows';
import { emit } from './support';
import type { Workspace } from './workspace';

export interface EventSpec {
  event: 'created' | 'updated' | 'won' | 'lost' | 'restored' | 'converted' | 'merged' | 'archived' | 'unarchived' | 'deleted';
  extra?: Record<string, unknown>;
}

const COLUMN = inColumn('$1', '$2');

/**
 * Writes a lead/opportunity (insert or full update), keeps its stage history, and queues its
 * events with the full new state and what changed. A stage change always emits
 * `stage_changed` (with the time spent in the stage it left) before the caller's events.
 */
export async function persist(ws: Workspace, before: Opportunity | null, after: Opportunity, events: EventSpec[]): Promise<void> {
  const { tx } = ws;
  const stageChanged = before !== null && before.stageId !== after.stageId;
  let secondsInPreviousStage: number | null = null;
  if (stageChanged) {
    const since = before.dateLastStageUpdate ?? before.createdAt;
    secondsInPreviousStage = Math.max(0, Math.floor((tx.now.getTime() - since.getTime()) / 1000));
  }
  const stageName = after.stageId ? ((await ws.stage(after.pipelineId, after.stageId))?.name ?? null) : null;
  if (!before) {
    await insertOpportunity(tx.manager, after);
    if (after.stageId) await insertHistory(ws, after, stageName);
  } else if (!stageChanged) {
    await updateOpportunity(tx.manager, after);
  } else {
    // One statement: the row, the visit it leaves and the one it starts.
    const { sql, params } = stageChangeStatement(after, { at: tx.now, stageName, by: tx.user.id });
    await deferWrite(tx.manager, sql, params);
  }
  await keepPhoneMatchKey(ws, before, after);

  const afterNames = await ws.names(after);
  const state = opportunityEventState(after, afterNames);
  const beforeNames = before ? await ws.names(before) : null;
  const changes = before ? stateChanges(opportunityEventState(before, beforeNames!), state) : undefined;
  if (stageChanged) {
    emit(tx, 'opportunity', 'stage_changed', state, {
      changes,
      extra: {
        fromStageId: before.stageId,
        toStageId: after.stageId,
        fromStageName: beforeNames!.stageName,
        toStageName: afterNames.stageName,
        secondsInPreviousStage,
        changedAt: tx.now.toISOString(),
      },
    });
  }
  for (const spec of events) emit(tx, 'opportunity', spec.event, state, { changes, extra: spec.extra });
}

/** The E.164 number duplicates are matched on (src/domain/phone-match.ts), when the phone or what reads it changed. */
async function keepPhoneMatchKey(ws: Workspace, before: Opportunity | null, after: Opportunity): Promise<void> {
  if (before ? before.phone === after.phone && before.countryCode === after.countryCode && before.branchId === after.branchId : !after.phone) return;
  let branch: string | null = null;
  if (after.phone && !after.countryCode && after.branchId) {
    const rows = await ws.manager.query('SELECT default_phone_country FROM pipeline.branch_copy WHERE id = $1', [after.branchId]);
    branch = rows[0]?.default_phone_country ?? null;
  }
  const key = phoneMatchKey(after.phone, { record: after.countryCode, branch, fallback: envString('PIPELINE_DEFAULT_COUNTRY', 'ID') });
  await ws.manager.query('UPDATE pipeline.opportunity SET phone_e164 = $2 WHERE id = $1', [after.id, key]);
}

async function insertHistory(ws: Workspace, o: Opportunity, stageName: string | null): Promise<void> {
  await ws.manager.query(
    'INSERT INTO pipeline.stage_history (opportunity_id, stage_id, stage_name, entered_at, entered_by) VALUES ($1, $2, $3, $4, $5)',
    [o.id, o.stageId, stageName, ws.tx.now, ws.tx.user.id],
  );
}

/** The next document number of a branch this month (LDS/SAM01/2007/01990), from a locked counter row. */
export async function nextNumber(ws: Workspace, branchId: string | null): Promise<string> {
  const prefix = envString('PIPELINE_NUMBER_PREFIX', 'LDS');
  const period = documentPeriod(ws.tx.now, ws.tx.user.tz);
  const branch = branchId ?? 'HO';
  const rows = await ws.manager.query(
    `INSERT INTO pipeline.document_sequence (prefix, branch, period, last_value) VALUES ($1, $2, $3, 1)
     ON CONFLICT (prefix, branch, period) DO UPDATE SET last_value = pipeline.document_sequence.last_value + 1
     RETURNING last_value`,
    [prefix, branch, period],
  );
  return formatDocumentNumber({ prefix, branch, period, sequence: rows[0].last_value });
}

/**
 * The rank of a card placed in a column (pipeline + stage): before or after a card of that
 * column, or at its top. Renumbers the column when the neighbours leave no room.
 */
export async function placeInColumn(ws: Workspace, pipelineId: string, stageId: string, selfId: string | null, placement: Placement): Promise<string> {
  const anchorId = 'beforeId' in placement ? placement.beforeId : 'afterId' in placement ? placement.afterId : null;
  const field = 'beforeId' in placement ? 'beforeId' : 'afterId';
  if (anchorId !== null && anchorId === selfId) throw badInput(field, 'a card cannot be placed next to itself');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let anchor: bigint | null = null;
    let adjacent: bigint | null = null;
    const prefetched = anchorId === null && attempt === 0 ? ws.takeColumnTop(pipelineId, stageId, selfId) : undefined;
    if (prefetched !== undefined) {
      adjacent = prefetched === null ? null : BigInt(prefetched);
    } else if (anchorId === null) {
      const rows = await ws.manager.query(
        `SELECT o.rank::text AS top FROM pipeline.opportunity o WHERE ${COLUMN} AND o.id IS DISTINCT FROM $3::uuid ORDER BY o.rank, o.id LIMIT 1`,
        [pipelineId, stageId, selfId],
      );
      adjacent = rows[0] ? BigInt(rows[0].top) : null;
    } else {
      const before = 'beforeId' in placement;
      const rows = await ws.manager.query(
        `WITH anchor AS (SELECT o.rank, o.id FROM pipeline.opportunity o WHERE o.id = $4 AND ${COLUMN})
         SELECT (SELECT rank::text FROM anchor) AS anchor,
                (SELECT o.rank::text FROM pipeline.opportunity o, anchor a
                  WHERE ${COLUMN} AND o.id IS DISTINCT FROM $3::uuid
                    AND (o.rank, o.id) ${before ? '<' : '>'} (a.rank, a.id)
                  ORDER BY o.rank ${before ? 'DESC' : 'ASC'}, o.id ${before ? 'DESC' : 'ASC'} LIMIT 1) AS adjacent`,
        [pipelineId, stageId, selfId, anchorId],
      );
      if (rows[0].anchor === null) throw badInput(field, `${anchorId} is not a card of the target column`);
      anchor = BigInt(rows[0].anchor);
      adjacent = rows[0].adjacent === null ? null : BigInt(rows[0].adjacent);
    }
    const { above, below } = neighbours(placement, anchor, adjacent);
    const rank = rankBetween(above, below);
    if (rank !== null) return rank.toString();
    await renumberColumn(ws, pipelineId, stageId, selfId);
  }
  throw new Error('could not place the card in its column');
}

/** Spreads a column's ranks evenly, keeping the order (the moved card aside). */
async function renumberColumn(ws: Workspace, pipelineId: string, stageId: string, selfId: string | null): Promise<void> {
  const rows = await ws.manager.query(
    `SELECT o.id FROM pipeline.opportunity o WHERE ${COLUMN} AND o.id IS DISTINCT FROM $3::uuid ORDER BY o.rank, o.id FOR UPDATE`,
    [pipelineId, stageId, selfId],
  );
  const ranks = spreadRanks(rows.length);
  await ws.manager.query(
    `UPDATE pipeline.opportunity o SET rank = r.rank FROM unnest($1::uuid[], $2::bigint[]) AS r(id, rank) WHERE o.id = r.id`,
    [rows.map((r: Row) => r.id), ranks.map(String)],
  );
}
