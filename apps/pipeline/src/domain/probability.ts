import { badInput } from '@crm/graphql';
import { Decimal, percentOf } from '@crm/money';
import type { OpportunityStatus } from './lifecycle';

/**
 * Probability of an opportunity, as Odoo keeps it: an automated value (the stage default,
 * refined by predictive lead scoring) beside the value in use. A value a user types in wins
 * until it is reset; won means 100 and lost 0 whatever else holds.
 */
export interface ProbabilityInputs {
  status: OpportunityStatus;
  /** True once a user typed a probability, until reset. */
  manual: boolean;
  /** The value the user typed (meaningful when manual). */
  manualValue: string;
  automated: string;
}

export const WON_PROBABILITY = '100.00';
export const LOST_PROBABILITY = '0.00';

export function effectiveProbability(p: ProbabilityInputs): string {
  if (p.status === 'won') return WON_PROBABILITY;
  if (p.status === 'lost') return LOST_PROBABILITY;
  return Decimal.of(p.manual ? p.manualValue : p.automated).toFixed(2);
}

/**
 * The automated probability: 100 in a won stage; otherwise the predictive score when the team
 * has won and lost history to compute one, else the stage's default probability.
 */
export function automatedProbability(stage: { isWon: boolean; probability: string } | null, score: number | null): string {
  if (stage?.isWon) return WON_PROBABILITY;
  if (score !== null) return Decimal.of(score.toFixed(2)).toFixed(2);
  return Decimal.of(stage?.probability ?? '0').toFixed(2);
}

/** Expected revenue × probability %, rounded to cents. */
export function proratedRevenue(expectedRevenue: string, probability: string): string {
  return percentOf(expectedRevenue, probability).toFixed(2);
}

/** A probability typed by a user: a decimal from 0 to 100 (2 decimals kept). */
export function parseProbability(value: string | number, field = 'probability'): string {
  const text = String(value).trim();
  if (!Decimal.isDecimal(text)) throw badInput(field, `"${value}" is not a number`);
  const probability = Decimal.of(text);
  if (probability.isNegative() || probability.gt(100)) throw badInput(field, 'probability must be between 0 and 100');
  return probability.toFixed(2);
}
