import { containsPattern, isFuzzyTerm, searchTerms } from './text-search';

describe('text search terms', () => {
  it('lower-cases, splits and strips list punctuation', () => {
    expect(searchTerms('  PANGESTU,  Budi ')).toEqual(['pangestu', 'budi']);
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms(null)).toEqual([]);
    expect(searchTerms('a b c d e f g h i j')).toHaveLength(8);
  });

  it('matches only words of letters fuzzily', () => {
    expect(isFuzzyTerm('pangestu')).toBe(true);
    expect(isFuzzyTerm('bpa/2004/1720353')).toBe(false);
    expect(isFuzzyTerm('0852')).toBe(false);
    expect(isFuzzyTerm('bud')).toBe(false);
  });

  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
