/**
 * Ordering of cards inside a kanban column with gap ranks: a card's rank is a bigint, cards
 * sort by (rank, id), and a card dropped between two others takes the midpoint. When two
 * neighbours are adjacent integers there is no room left: the column is renumbered
 * (`spreadRanks`) and the midpoint taken again. New ranks at either end step by RANK_GAP.
 */
export const RANK_GAP = 1n << 32n;

/**
 * The rank for a card placed between `above` (the card before it, smaller rank) and `below`
 * (the card after it): null when the two leave no room and the column must be renumbered.
 */
export function rankBetween(above: bigint | null, below: bigint | null): bigint | null {
  if (above === null && below === null) return 0n;
  if (above === null) return below! - RANK_GAP;
  if (below === null) return above + RANK_GAP;
  if (below <= above) return null;
  const gap = below - above;
  if (gap < 2n) return null;
  return above + gap / 2n;
}

/** Evenly spaced ranks for `count` cards, in their current order (used to renumber a column). */
export function spreadRanks(count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => BigInt(i + 1) * RANK_GAP);
}

/** Where a card goes in its column: before a card, after a card, or (neither) at the top. */
export type Placement = { beforeId: string } | { afterId: string } | { top: true };

/**
 * The neighbours of the new position, from the column's ranks around the anchor card: for
 * `beforeId` the card above the anchor and the anchor; for `afterId` the anchor and the card
 * below it; for the top, nothing above and the current first card.
 */
export function neighbours(
  placement: Placement,
  anchor: bigint | null,
  adjacent: bigint | null,
): { above: bigint | null; below: bigint | null } {
  if ('beforeId' in placement) return { above: adjacent, below: anchor };
  if ('afterId' in placement) return { above: anchor, below: adjacent };
  return { above: null, below: adjacent };
}
