/** A row as `pg` answers it: column name → value (the mappers give it its type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, rowCount]; INSERT/SELECT with rows. */
export function returnedRows<T = Row>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
