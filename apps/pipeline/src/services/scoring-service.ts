import type { Row } from '../repositories/config-rows';
import type { DataSource } from 'typeorm';
import { requireRole } from '@crm/auth';
import { badInput } from '@crm/graphql';
import type { BaseContext } from '@crm/service';
import type { Opportunity } from '../domain/opportunity';
import {
  accumulate,
  closingDeltas,
  frequencyTable,
  scoreLead,
  type FrequencyTable,
  type ScoringValues,
  type ScoringVariable,
  type StageRef,
} from '../domain/scoring';
import { teamsByIds, type Queryable } from '../repositories/config-rows';

export function scoringValues(o: Opportunity): ScoringValues {
  return {
    stageId: o.stageId,
    teamId: o.teamId,
    countryCode: o.countryCode,
    source: o.source,
    medium: o.medium,
    campaign: o.campaign,
    tagIds: o.tagIds,
  };
}

/** Fields whose change can move a lead's score. */
export const SCORING_INPUTS: readonly (keyof Opportunity)[] = ['stageId', 'teamId', 'countryCode', 'source', 'medium', 'campaign', 'tagIds'];

/** The frequency table of predictive lead scoring, per team, in pipeline.scoring_frequency. */
export class ScoringRepository {
  async table(q: Queryable, teamId: string): Promise<FrequencyTable> {
    const rows = await q.query(
      'SELECT variable, value, won_tenths::int AS won, lost_tenths::int AS lost FROM pipeline.scoring_frequency WHERE team_id = $1',
      [teamId],
    );
    return frequencyTable(rows.map((r: Row) => ({ variable: r.variable, value: r.value, wonTenths: r.won, lostTenths: r.lost })));
  }

  /** Adds (+1) or takes back (−1) one closing of `o` in its team's table. */
  async recordClosing(
    q: Queryable,
    o: Opportunity,
    outcome: 'won' | 'lost',
    step: 1 | -1,
    stages: readonly StageRef[],
    variables: readonly ScoringVariable[],
  ): Promise<void> {
    const deltas = closingDeltas(scoringValues(o), outcome, stages, variables);
    const params = [o.teamId, deltas.map((d) => d.variable), deltas.map((d) => d.value), deltas.map((d) => d.won * step * 10), deltas.map((d) => d.lost * step * 10)];
    // New rows start at the 0.1 smoothing; no count falls below it.
    await q.query(
      `INSERT INTO pipeline.scoring_frequency (team_id, variable, value, won_tenths, lost_tenths)
       SELECT $1, v, val, 1, 1 FROM unnest($2::text[], $3::text[]) AS d(v, val)
       ON CONFLICT DO NOTHING`,
      params.slice(0, 3),
    );
    await q.query(
      `UPDATE pipeline.scoring_frequency f
          SET won_tenths = GREATEST(f.won_tenths + d.w, 1), lost_tenths = GREATEST(f.lost_tenths + d.l, 1)
         FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS d(v, val, w, l)
        WHERE f.team_id = $1 AND f.variable = d.v AND f.value = d.val`,
      params,
    );
    await bumpScoringVersion(q, o.teamId);
  }

  /** A lead (no stage) is scored on its other fields, as Odoo scores leads. */
  score(o: Opportunity, variables: readonly ScoringVariable[], table: FrequencyTable): number | null {
    return scoreLead(scoringValues(o), variables, table);
  }
}

/** Tells every process's cache that the team's table changed (in the caller's transaction). */
export async function bumpScoringVersion(q: Queryable, teamId: string): Promise<void> {
  await q.query(
    `INSERT INTO pipeline.scoring_version (team_id, version) VALUES ($1, 1)
     ON CONFLICT (team_id) DO UPDATE SET version = pipeline.scoring_version.version + 1`,
    [teamId],
  );
}

/**
 * Rebuilds a team's table from all its won and lost leads (as Odoo's nightly job does) and
 * returns it; the caller then recomputes the automated probabilities of the open ones.
 */
export async function rebuildTable(
  q: Queryable,
  teamId: string,
  stagesOf: (pipelineId: string) => StageRef[],
  variables: readonly ScoringVariable[],
  closed: readonly Opportunity[],
): Promise<FrequencyTable> {
  const table: FrequencyTable = new Map();
  for (const o of closed) {
    accumulate(table, closingDeltas(scoringValues(o), o.status === 'won' ? 'won' : 'lost', stagesOf(o.pipelineId), variables));
  }
  await q.query('DELETE FROM pipeline.scoring_frequency WHERE team_id = $1', [teamId]);
  await bumpScoringVersion(q, teamId);
  const rows = [...table.entries()].flatMap(([variable, values]) => [...values.entries()].map(([value, c]) => ({ variable, value, ...c })));
  if (rows.length > 0) {
    await q.query(
      `INSERT INTO pipeline.scoring_frequency (team_id, variable, value, won_tenths, lost_tenths)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[])`,
      [teamId, rows.map((r) => r.variable), rows.map((r) => r.value), rows.map((r) => r.wonTenths), rows.map((r) => r.lostTenths)],
    );
  }
  return table;
}

/** Checks the caller may rebuild and the team exists. */
export async function assertRebuildAllowed(dataSource: DataSource, teamId: string, ctx: BaseContext): Promise<void> {
  requireRole(ctx, ['admin']);
  if (!(await teamsByIds(dataSource, [teamId])).length) throw badInput('teamId', `sales team ${teamId} not found`);
}
