/** Why two contacts look like the same customer. */
export type DuplicateReason = 'NATIONAL_ID' | 'EMAIL' | 'PHONE' | 'TAX_ID' | 'SIMILAR_NAME';

export interface DuplicateSignal {
  reason: DuplicateReason;
  /** Name similarity 0…1 (trigram) for SIMILAR_NAME; 1 for exact matches. */
  strength: number;
  detail: string;
}

/** How much each kind of match alone says (0…1). */
export const REASON_WEIGHTS: Record<DuplicateReason, number> = {
  NATIONAL_ID: 0.95,
  TAX_ID: 0.9,
  EMAIL: 0.85,
  PHONE: 0.75,
  SIMILAR_NAME: 0.6,
};

/** Names below this trigram similarity are not a signal. */
export const NAME_SIMILARITY_THRESHOLD = 0.5;

/**
 * Combines independent signals: 1 − Π(1 − wᵢ·sᵢ). One strong match dominates, and every
 * further match raises the score without ever reaching 1. Rounded to 3 decimals.
 */
export function duplicateScore(signals: DuplicateSignal[]): number {
  let miss = 1;
  for (const s of signals) {
    const strength = Math.max(0, Math.min(1, s.strength));
    miss *= 1 - REASON_WEIGHTS[s.reason] * strength;
  }
  return Math.round((1 - miss) * 1000) / 1000;
}

/** For comparing names: lower case, punctuation → space, squeezed ("PANGESTU, Budi" → "pangestu budi"). */
export function nameKey(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface RankedDuplicate<T> {
  candidate: T;
  score: number;
  signals: DuplicateSignal[];
}

/** Best first; equal scores by the candidate's id (stable). */
export function rankDuplicates<T extends { id: string }>(entries: { candidate: T; signals: DuplicateSignal[] }[]): RankedDuplicate<T>[] {
  return entries
    .filter((e) => e.signals.length > 0)
    .map((e) => ({ ...e, score: duplicateScore(e.signals) }))
    .sort((a, b) => b.score - a.score || (a.candidate.id < b.candidate.id ? -1 : 1));
}
