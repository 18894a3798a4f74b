/** Splits a search text into lower-case terms (at most 8, each at most 100 characters). */
export function searchTerms(text: string | null | undefined): string[] {
  return (text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .map((t) => t.replace(/^[,;.]+|[,;.]+$/g, ''))
    .filter((t) => t.length > 0)
    .slice(0, 8)
    .map((t) => t.slice(0, 100));
}

/** A LIKE pattern matching the term anywhere, with %, _ and \ escaped. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Terms this long also match by trigram word similarity (typos); shorter ones only as substrings. */
export const FUZZY_MIN_LENGTH = 4;

/** Only words of letters are matched fuzzily: codes, numbers and e-mails must match exactly. */
export function isFuzzyTerm(term: string): boolean {
  return term.length >= FUZZY_MIN_LENGTH && /^\p{L}+$/u.test(term);
}
