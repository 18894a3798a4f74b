import { RANK_GAP, neighbours, rankBetween, spreadRanks } from './ranks';

describe('ordering inside a column (gap ranks)', () => {
  it('puts the first card at 0 and steps by the gap at either end', () => {
    expect(rankBetween(null, null)).toBe(0n);
    expect(rankBetween(null, 0n)).toBe(-RANK_GAP);
    expect(rankBetween(10n, null)).toBe(10n + RANK_GAP);
  });

  it('takes the midpoint between two neighbours', () => {
    expect(rankBetween(0n, RANK_GAP)).toBe(RANK_GAP / 2n);
    expect(rankBetween(-5n, 5n)).toBe(0n);
    expect(rankBetween(1n, 4n)).toBe(2n);
  });

  it('reports no room when the neighbours are adjacent or out of order, so the column is renumbered', () => {
    expect(rankBetween(7n, 8n)).toBeNull();
    expect(rankBetween(8n, 8n)).toBeNull();
    expect(rankBetween(9n, 8n)).toBeNull();
    const spread = spreadRanks(3);
    expect(spread).toEqual([RANK_GAP, 2n * RANK_GAP, 3n * RANK_GAP]);
    expect(rankBetween(spread[0]!, spread[1]!)).toBe(RANK_GAP + RANK_GAP / 2n);
  });

  it('survives 32 drops into the same slot before a renumbering is needed', () => {
    let above = 0n;
    const below = RANK_GAP;
    let drops = 0;
    for (;;) {
      const rank = rankBetween(above, below);
      if (rank === null) break;
      expect(rank > above && rank < below).toBe(true);
      above = rank;
      drops += 1;
    }
    expect(drops).toBe(32);
  });

  it('derives the neighbours from the placement', () => {
    expect(neighbours({ beforeId: 'b' }, 20n, 10n)).toEqual({ above: 10n, below: 20n });
    expect(neighbours({ afterId: 'a' }, 20n, 30n)).toEqual({ above: 20n, below: 30n });
    expect(neighbours({ top: true }, null, 5n)).toEqual({ above: null, below: 5n });
  });
});
