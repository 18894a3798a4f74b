import { badInput } from '@crm/graphql';

export const MAX_GROUP_BYS = 2;

/**
 * Parses up to two group-bys against the dimensions a report knows (case-insensitive, so
 * `STAGE`, `stage` and `Stage` are one). Unknown, repeated or more than two → BAD_USER_INPUT.
 */
export function parseGroupBy<D extends string>(requested: readonly string[] | null | undefined, known: readonly D[], fallback: D[] = []): D[] {
  const list = requested ?? fallback;
  if (list.length > MAX_GROUP_BYS) {
    throw badInput('groupBy', `at most ${MAX_GROUP_BYS} group-bys, got ${list.length}`, { allowed: [...known] });
  }
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const parsed: D[] = [];
  for (const raw of list) {
    const dimension = byLower.get(raw.trim().toLowerCase());
    if (!dimension) throw badInput('groupBy', `unknown group-by "${raw}"; one of ${known.join(', ')}`, { allowed: [...known] });
    if (parsed.includes(dimension)) throw badInput('groupBy', `group-by "${raw}" given twice`);
    parsed.push(dimension);
  }
  return parsed;
}
