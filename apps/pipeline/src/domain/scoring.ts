/**
 * Predictive lead scoring as Odoo does it: a naive Bayes classifier over the won/lost
 * frequencies of chosen field values, kept per sales team.
 *
 *   P(won | A∩B…) ∝ P(won) · P(A | won) · P(B | won) …   (and the same for lost)
 *   probability = S(won) / (S(won) + S(lost))
 *
 * Each closed lead adds 1 to the won (or lost) count of each of its values. For the stage,
 * a won lead counts in every stage of its pipeline and a lost lead in its stage and the ones
 * before it, so a stage's counts read "reached this stage and was won / lost". Counts start
 * at 0.1 so that a value never seen with one outcome does not zero the product, and tags seen
 * fewer than 50 times are ignored (too small a sample). Results are clamped to 0.01…99.99.
 * Unlike Odoo, a team's score needs at least one real won and one real lost lead; before
 * that the stage default applies. A lead has no stage: it is scored on the other variables
 * (as Odoo scores leads) — its score at the first stage when every closed lead reached it.
 */
export const SCORING_VARIABLES = ['stage', 'country', 'source', 'medium', 'campaign', 'tags', 'team'] as const;
export type ScoringVariable = (typeof SCORING_VARIABLES)[number];
export const DEFAULT_SCORING_VARIABLES: ScoringVariable[] = ['stage', 'country', 'source', 'tags'];

/** The row counting every closed lead of a team (the prior P(won), P(lost)). */
export const TOTAL_VARIABLE = '__total__';
export const TOTAL_VALUE = 'all';
export const TAG_MIN_OBSERVATIONS = 50;
/** Counts are kept in tenths (0.1 smoothing) as integers: no float drift. */
export const SMOOTHING_TENTHS = 1;

export interface ScoringValues {
  stageId: string | null;
  teamId: string | null;
  countryCode: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  tagIds: readonly string[];
}

export interface StageRef {
  id: string;
  sequence: number;
}

/** A change to one frequency row, in whole observations. */
export interface FrequencyDelta {
  variable: string;
  value: string;
  won: number;
  lost: number;
}

/** Won and lost counts of one (variable, value), in tenths. */
export interface FrequencyCounts {
  wonTenths: number;
  lostTenths: number;
}

/** variable → value → counts, for one team. */
export type FrequencyTable = Map<string, Map<string, FrequencyCounts>>;

/** The (variable, value) pairs a lead has for the chosen variables, the stage excepted. */
export function scoringPairs(values: ScoringValues, variables: readonly ScoringVariable[]): { variable: string; value: string }[] {
  const pairs: { variable: string; value: string }[] = [];
  const add = (variable: string, value: string | null) => {
    if (value !== null && value !== '') pairs.push({ variable, value });
  };
  for (const variable of new Set(variables)) {
    switch (variable) {
      case 'stage':
        break;
      case 'country':
        add(variable, values.countryCode);
        break;
      case 'source':
        add(variable, values.source);
        break;
      case 'medium':
        add(variable, values.medium);
        break;
      case 'campaign':
        add(variable, values.campaign);
        break;
      case 'team':
        add(variable, values.teamId);
        break;
      case 'tags':
        for (const tag of new Set(values.tagIds)) add('tags', tag);
        break;
    }
  }
  return pairs;
}

/** What one lead closing as won or lost adds to its team's frequency table. */
export function closingDeltas(
  values: ScoringValues,
  outcome: 'won' | 'lost',
  stages: readonly StageRef[],
  variables: readonly ScoringVariable[],
): FrequencyDelta[] {
  const won = outcome === 'won' ? 1 : 0;
  const lost = outcome === 'lost' ? 1 : 0;
  const deltas: FrequencyDelta[] = [{ variable: TOTAL_VARIABLE, value: TOTAL_VALUE, won, lost }];
  if (variables.includes('stage') && values.stageId !== null) {
    const current = stages.find((s) => s.id === values.stageId);
    const reached =
      outcome === 'won' ? stages : current ? stages.filter((s) => s.sequence <= current.sequence) : [{ id: values.stageId, sequence: 0 }];
    for (const stage of reached) deltas.push({ variable: 'stage', value: stage.id, won, lost });
  }
  for (const pair of scoringPairs(values, variables)) deltas.push({ ...pair, won, lost });
  return deltas;
}

/**
 * Counts after a delta: +1 records a closing, −1 takes one back (a lost lead restored, a won
 * one reopened). A new row starts at the smoothing value; no count falls below it.
 */
export function applyDelta(existing: FrequencyCounts | undefined, delta: FrequencyDelta, step: 1 | -1): FrequencyCounts {
  if (!existing) {
    return {
      wonTenths: Math.max(0, delta.won * step) * 10 + SMOOTHING_TENTHS,
      lostTenths: Math.max(0, delta.lost * step) * 10 + SMOOTHING_TENTHS,
    };
  }
  const floor = (tenths: number) => (tenths > 0 ? tenths : SMOOTHING_TENTHS);
  return {
    wonTenths: floor(existing.wonTenths + delta.won * step * 10),
    lostTenths: floor(existing.lostTenths + delta.lost * step * 10),
  };
}

/**
 * The probability (0.01…99.99) that the lead is won, or null when the team has no won and
 * lost history yet (the caller then uses the stage default).
 */
export function scoreLead(values: ScoringValues, variables: readonly ScoringVariable[], table: FrequencyTable): number | null {
  const total = table.get(TOTAL_VARIABLE)?.get(TOTAL_VALUE);
  // At least one real observation of each outcome beyond the smoothing.
  if (!total || total.wonTenths < 10 + SMOOTHING_TENTHS || total.lostTenths < 10 + SMOOTHING_TENTHS) return null;
  const teamWon = total.wonTenths;
  const teamLost = total.lostTenths;
  let sWon = teamWon / (teamWon + teamLost);
  let sLost = teamLost / (teamWon + teamLost);

  const pairs = scoringPairs(values, variables);
  if (variables.includes('stage') && values.stageId !== null) pairs.unshift({ variable: 'stage', value: values.stageId });

  const totals = new Map<string, { won: number; lost: number }>();
  const totalOf = (variable: string) => {
    let sum = totals.get(variable);
    if (!sum) {
      sum = { won: 0, lost: 0 };
      for (const counts of table.get(variable)?.values() ?? []) {
        if (variable === 'tags' && counts.wonTenths + counts.lostTenths < TAG_MIN_OBSERVATIONS * 10) continue;
        sum.won += counts.wonTenths;
        sum.lost += counts.lostTenths;
      }
      totals.set(variable, sum);
    }
    return sum;
  };

  for (const { variable, value } of pairs) {
    const counts = table.get(variable)?.get(value);
    if (!counts) continue;
    if (variable === 'tags' && counts.wonTenths + counts.lostTenths < TAG_MIN_OBSERVATIONS * 10) continue;
    const { won: totalWon, lost: totalLost } = variable === 'stage' ? { won: teamWon, lost: teamLost } : totalOf(variable);
    if (!totalWon || !totalLost) continue;
    sWon *= counts.wonTenths / totalWon;
    sLost *= counts.lostTenths / totalLost;
  }
  if (sWon + sLost === 0) return null;
  const probability = Math.round(10000 * (sWon / (sWon + sLost))) / 100;
  return Math.min(Math.max(probability, 0.01), 99.99);
}

/** Builds a table from rows as stored (counts in tenths). */
export function frequencyTable(rows: readonly { variable: string; value: string; wonTenths: number; lostTenths: number }[]): FrequencyTable {
  const table: FrequencyTable = new Map();
  for (const row of rows) {
    let byValue = table.get(row.variable);
    if (!byValue) table.set(row.variable, (byValue = new Map()));
    byValue.set(row.value, { wonTenths: row.wonTenths, lostTenths: row.lostTenths });
  }
  return table;
}

/** Folds deltas into a table in memory (rebuilds and tests). */
export function accumulate(table: FrequencyTable, deltas: readonly FrequencyDelta[], step: 1 | -1 = 1): FrequencyTable {
  for (const delta of deltas) {
    let byValue = table.get(delta.variable);
    if (!byValue) table.set(delta.variable, (byValue = new Map()));
    byValue.set(delta.value, applyDelta(byValue.get(delta.value), delta, step));
  }
  return table;
}
