type ResolverMap = Record<string, unknown>;

/**
 * Merges resolver maps type by type (Query, Mutation, an entity …), so that a subgraph's
 * features can each keep their own resolver file. A field defined twice is an error.
 */
export function mergeResolvers<T extends ResolverMap>(...maps: ResolverMap[]): T {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const existing = merged[typeName];
      const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
      if (existing === undefined) {
        merged[typeName] = isPlainObject(fields) ? { ...(fields as object) } : fields;
      } else if (isPlainObject(existing) && isPlainObject(fields)) {
        for (const field of Object.keys(fields as object)) {
          if (field in (existing as object)) throw new Error(`resolver ${typeName}.${field} is defined twice`);
        }
        Object.assign(existing as object, fields);
      } else if (existing !== fields) {
        throw new Error(`resolver ${typeName} is defined twice`);
      }
    }
  }
  return merged as T;
}
