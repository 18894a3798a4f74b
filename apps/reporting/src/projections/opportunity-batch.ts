import type { EntityManager } from 'typeorm';
import type { CloudEvent, StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { opportunityRowOf, type OpportunityRow } from '../domain/opportunity-row';
import { contributionFrom, cubeDeltasSql, CONTRIBUTES, CONTRIBUTION_SELECT, type Contribution } from './cube';
import { seenLabelsSql, type SeenLabel } from './labels';
import { applyOpportunityEvent, OPPORTUNITY_COLUMNS } from './opportunity-projection';
import { RECORD_LOCK_SPACE, type ProjectionTarget, type Projector } from './target';

const SIMPLE = new Set(['created', 'updated', 'stage_changed', 'won', 'lost', 'restored', 'archived', 'unarchived', 'converted']);

const kindOf = (e: CloudEvent) => e.type.split('.')[3] ?? '';
const isOpportunity = (e: CloudEvent) => e.type.startsWith('crm.pipeline.opportunity.');

/** Events the set-based path applies; deletes and merges go one by one. */
function isSimple(e: CloudEvent): boolean {
  if (!isOpportunity(e) || !SIMPLE.has(kindOf(e))) return false;
  const merged = (e.data as Record<string, unknown>)['mergedIds'];
  return !(Array.isArray(merged) && merged.length > 0);
}

class Params {
  readonly values: unknown[] = [];
  p = (value: unknown, cast: string): string => {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  };
}

/**
 * Applies a batch of pipeline events in partition order. Runs of plain opportunity events
 * (created, updated, stage moves, won/lost, archive, conversion) are applied set-wise — a handful
 * of statements for the whole run: lock and read the records, upsert each record's newest
 * state, append every history row, transition, name and the net cube change. The outcome is
 * what applying them one by one gives (the newest version wins; history and transitions are
 * recorded for every event; the cube moves by final − initial). Anything else (deletes,
 * merges, team and stage events) goes through `single`, one by one, between the runs.
 */
export async function applyPipelineBatch(
  events: CloudEvent[],
  manager: EntityManager,
  target: ProjectionTarget,
  single: (event: CloudEvent) => Promise<void>,
): Promise<void> {
  let run: CloudEvent[] = [];
  for (const event of events) {
    if (isSimple(event)) {
      run.push(event);
      continue;
    }
    if (run.length) await applyRun(run, manager, target);
    run = [];
    await single(event);
  }
  if (run.length) await applyRun(run, manager, target);
}

async function applyRun(events: CloudEvent[], manager: EntityManager, target: ProjectionTarget): Promise<void> {
  if (events.length === 1) return applyOpportunityEvent(events[0]!, manager, target);
  const { schema } = target;
  const items = events.map((event) => ({ event, row: opportunityRowOf((event.data as StateEventData<Record<string, unknown>>).state, target.defaultCurrency) }));
  const ids = [...new Set(items.map((i) => i.row.id))].sort();

  // 1. lock (record locks, in id order) and read the current rows
  const current: Record<string, unknown>[] = await manager.query(
    `SELECT l.id AS lock_id, x.* FROM (SELECT id, pg_advisory_xact_lock(${RECORD_LOCK_SPACE}, hashtext(id::text)) FROM unnest($1::uuid[]) AS id) l
     LEFT JOIN LATERAL (SELECT o.version, o.deleted, ${CONTRIBUTES} AS contributes, ${CONTRIBUTION_SELECT}
                        FROM "${schema}".opportunity_rm o WHERE o.id = l.id FOR UPDATE) x ON true`,
    [ids],
  );
  const existing = new Map(current.filter((r) => r['version'] !== null).map((r) => [String(r['lock_id']), r]));

  // 2. each record's newest state in the run, written when newer than the stored one
  const newest = new Map<string, OpportunityRow>();
  for (const { row } of items) {
    const seen = newest.get(row.id);
    if (!seen || row.version > seen.version) newest.set(row.id, row);
  }
  const writes = [...newest.values()].filter((row) => {
    const stored = existing.get(row.id);
    return !stored || (Number(stored['version']) < row.version && !stored['deleted']);
  });
  const after = new Map<string, Contribution | null>();
  if (writes.length > 0) {
    const q = new Params();
    const arrays = OPPORTUNITY_COLUMNS.map(([name, get, type]) => {
      if (name === 'tag_ids') return q.p(writes.map((r) => JSON.stringify(r.tagIds)), 'text[]');
      if (name === 'properties') return q.p(writes.map((r) => JSON.stringify(r.properties)), 'text[]');
      return q.p(writes.map(get), `${type ?? 'text'}[]`);
    });
    const names = OPPORTUNITY_COLUMNS.map(([name]) => name);
    const select = names.map((n) => (n === 'tag_ids' ? `ARRAY(SELECT jsonb_array_elements_text(v.tag_ids::jsonb))` : n === 'properties' ? `v.properties::jsonb` : `v.${n}`));
    const tz = q.p(await target.cubeTimeZone(manager), 'text');
    const written: Record<string, unknown>[] = await manager.query(
      `INSERT INTO "${schema}".opportunity_rm AS o (${names.join(', ')}, created_month, merged_into)
       SELECT ${select.join(', ')}, (date_trunc('month', v.created_at AT TIME ZONE ${tz}))::date,
              (SELECT m.into_id FROM "${schema}".opportunity_merge m WHERE m.merged_id = v.id)
       FROM unnest(${arrays.join(', ')}) AS v(${names.join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${names
         .filter((n) => n !== 'id')
         .map((n) => `${n} = EXCLUDED.${n}`)
         .join(', ')}, created_month = EXCLUDED.created_month
       RETURNING o.id, ${CONTRIBUTES} AS contributes, ${CONTRIBUTION_SELECT}`,
      q.values,
    );
    for (const w of written) after.set(String(w['id']), w['contributes'] ? contributionFrom(w) : null);
  }

  // 3. conversions (the earliest time a record was converted)
  const conversions = items.filter((i) => kindOf(i.event) === 'converted');
  if (conversions.length > 0) {
    await manager.query(
      `UPDATE "${schema}".opportunity_rm o SET converted_at = LEAST(COALESCE(o.converted_at, c.at), c.at)
       FROM (SELECT id, min(at) AS at FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) GROUP BY id) c WHERE o.id = c.id`,
      [conversions.map((c) => c.row.id), conversions.map((c) => c.event.time)],
    );
  }

  // 4. history, transitions, names, cube: appends in one statement
  const q = new Params();
  const p = q.p;
  const col = <T>(f: (i: (typeof items)[number]) => T, cast: string) => p(items.map(f), `${cast}[]`);
  const ctes = [
    `history AS (INSERT INTO "${schema}".opportunity_history (opportunity_id, version, deleted, valid_from, type, name, stage_id, stage_name, status, active,
       expected_revenue, prorated_revenue, currency, salesperson_id, team_id, pipeline_id, branch_id)
     SELECT * FROM unnest(${col((i) => i.row.id, 'uuid')}, ${col((i) => i.row.version, 'int')}, ${col(() => false, 'boolean')}, ${col((i) => i.row.updatedAt, 'timestamptz')},
       ${col((i) => i.row.type, 'text')}, ${col((i) => i.row.name, 'text')}, ${col((i) => i.row.stageId, 'uuid')}, ${col((i) => i.row.stageName, 'text')},
       ${col((i) => i.row.status, 'text')}, ${col((i) => i.row.active, 'boolean')}, ${col((i) => i.row.expectedRevenue, 'numeric')},
       ${col((i) => i.row.proratedRevenue, 'numeric')}, ${col((i) => i.row.currency, 'text')}, ${col((i) => i.row.salespersonId, 'uuid')},
       ${col((i) => i.row.teamId, 'uuid')}, ${col((i) => i.row.pipelineId, 'uuid')}, ${col((i) => i.row.branchId, 'text')})
     ON CONFLICT DO NOTHING RETURNING 1)`,
  ];
  const moves = items.filter((i) => kindOf(i.event) === 'stage_changed');
  const seen: SeenLabel[] = [];
  for (const { row } of items) {
    if (row.stageId && row.stageName) seen.push({ kind: 'stage', id: row.stageId, name: row.stageName, at: row.updatedAt });
    if (row.lostReasonId && row.lostReasonName) seen.push({ kind: 'lostReason', id: row.lostReasonId, name: row.lostReasonName, at: row.updatedAt });
  }
  if (moves.length > 0) {
    const d = (i: (typeof moves)[number]) => i.event.data as Record<string, unknown>;
    const m = <T>(f: (i: (typeof moves)[number]) => T, cast: string) => p(moves.map(f), `${cast}[]`);
    ctes.push(`transition AS (INSERT INTO "${schema}".stage_transition (event_id, opportunity_id, version, from_stage_id, to_stage_id, from_stage_name,
         to_stage_name, changed_at, seconds_in_previous)
       SELECT * FROM unnest(${m((i) => i.event.id, 'uuid')}, ${m((i) => i.row.id, 'uuid')}, ${m((i) => i.row.version, 'int')},
         ${m((i) => (isUuid(d(i)['fromStageId']) ? d(i)['fromStageId'] : null), 'uuid')}, ${m((i) => (isUuid(d(i)['toStageId']) ? d(i)['toStageId'] : null), 'uuid')},
         ${m((i) => (typeof d(i)['fromStageName'] === 'string' ? d(i)['fromStageName'] : null), 'text')},
         ${m((i) => (typeof d(i)['toStageName'] === 'string' ? d(i)['toStageName'] : null), 'text')},
         ${m((i) => (typeof d(i)['changedAt'] === 'string' ? d(i)['changedAt'] : i.event.time), 'timestamptz')},
         ${m((i) => (typeof d(i)['secondsInPreviousStage'] === 'number' ? d(i)['secondsInPreviousStage'] : null), 'bigint')})
       ON CONFLICT DO NOTHING RETURNING 1)`);
    for (const i of moves) {
      const from = d(i)['fromStageId'];
      const name = d(i)['fromStageName'];
      if (isUuid(from) && typeof name === 'string' && from !== i.row.stageId) seen.push({ kind: 'stage', id: from, name, at: i.row.updatedAt });
    }
  }
  ctes.push(...seenLabelsSql(schema, newestPerLabel(seen), p));
  const cube = cubeDeltasSql(
    schema,
    ids.map((id) => {
      const stored = existing.get(id);
      const before = stored && stored['contributes'] ? contributionFrom(stored) : null;
      return { before, after: after.has(id) ? after.get(id)! : before };
    }),
    p,
  );
  if (cube) ctes.push(cube);
  await manager.query(`WITH ${ctes.join(',\n')} SELECT 1`, q.values);
}

/** One sighting per label: the newest (then the greatest name), whatever the order they came in. */
function newestPerLabel(labels: SeenLabel[]): SeenLabel[] {
  const best = new Map<string, SeenLabel>();
  for (const l of labels) {
    const key = `${l.kind}:${l.id}`;
    const b = best.get(key);
    if (!b || l.at > b.at || (l.at === b.at && l.name > b.name)) best.set(key, l);
  }
  return [...best.values()];
}

/** The batch handler of a pipeline consumer: set-wise runs, single events through `handlers`. */
export function pipelineBatchHandler(handlers: Record<string, Projector>, target: ProjectionTarget) {
  return (events: CloudEvent[], manager: EntityManager) =>
    applyPipelineBatch(events, manager, target, async (event) => {
      const handler = handlers[event.type];
      if (handler) await handler(event, manager, target);
    });
}
