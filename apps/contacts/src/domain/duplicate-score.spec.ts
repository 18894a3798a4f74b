import { duplicateScore, nameKey, rankDuplicates, type DuplicateSignal } from './duplicate-score';

const s = (reason: DuplicateSignal['reason'], strength = 1): DuplicateSignal => ({ reason, strength, detail: '' });

describe('duplicate scoring', () => {
  it('weighs one match by its kind', () => {
    expect(duplicateScore([s('NATIONAL_ID')])).toBe(0.95);
    expect(duplicateScore([s('EMAIL')])).toBe(0.85);
    expect(duplicateScore([s('PHONE')])).toBe(0.75);
    expect(duplicateScore([s('SIMILAR_NAME', 0.5)])).toBe(0.3);
    expect(duplicateScore([])).toBe(0);
  });

  it('raises the score with every further match, below 1', () => {
    const phone = duplicateScore([s('PHONE')]);
    const phoneAndName = duplicateScore([s('PHONE'), s('SIMILAR_NAME', 0.8)]);
    const all = duplicateScore([s('PHONE'), s('SIMILAR_NAME', 0.8), s('EMAIL'), s('NATIONAL_ID')]);
    expect(phoneAndName).toBeGreaterThan(phone);
    expect(all).toBeGreaterThan(phoneAndName);
    expect(all).toBeLessThan(1);
    expect(duplicateScore([s('PHONE'), s('SIMILAR_NAME', 0.8)])).toBe(0.87);
  });

  it('ranks best first and drops candidates without signals', () => {
    const ranked = rankDuplicates([
      { candidate: { id: 'b' }, signals: [s('SIMILAR_NAME', 0.6)] },
      { candidate: { id: 'a' }, signals: [s('NATIONAL_ID')] },
      { candidate: { id: 'c' }, signals: [] },
      { candidate: { id: 'd' }, signals: [s('EMAIL'), s('PHONE')] },
    ]);
    expect(ranked.map((r) => r.candidate.id)).toEqual(['d', 'a', 'b']);
    expect(ranked[0]!.score).toBe(0.963);
  });

  it('compares names without case, accents and punctuation', () => {
    expect(nameKey('PANGESTU, ')).toBe('pangestu');
    expect(nameKey('  Zoë  Müller-Lüdenscheidt ')).toBe('zoe muller ludenscheidt');
  });
});
