/** GraphQL enum values (COMPANY) ↔ stored values (company). */
export const upper = (value: string | null | undefined): string | null => (value ? value.toUpperCase() : null);

type ResolverMap = Record<string, Record<string, unknown>>;

/** Merges resolver maps of several files (type by type); a field defined twice is a mistake. */
export function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const target = (merged[type] ??= {});
      for (const [name, resolver] of Object.entries(fields)) {
        if (name in target) throw new Error(`resolver ${type}.${name} is defined twice`);
        target[name] = resolver;
      }
    }
  }
  return merged;
}
