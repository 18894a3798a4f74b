import type { EntityManager } from 'typeorm';

/** A column value with an optional SQL cast. */
export type Cell = [unknown, string?];

/**
 * INSERT … ON CONFLICT (id) DO UPDATE … only when the incoming version is newer: an event that
 * arrives late (older version) never overwrites a newer state. Returns true when it wrote.
 */
export async function upsertVersioned(manager: EntityManager, table: string, cells: Record<string, Cell>): Promise<boolean> {
  const names = Object.keys(cells);
  if (!names.includes('id') || !names.includes('version')) throw new Error('upsertVersioned needs id and version');
  const params = names.map((n) => cells[n]![0]);
  const values = names.map((n, i) => (cells[n]![1] ? `$${i + 1}::${cells[n]![1]}` : `$${i + 1}`));
  const rows = await manager.query(
    `INSERT INTO ${table} AS t (${names.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${names
       .filter((n) => n !== 'id')
       .map((n) => `${n} = EXCLUDED.${n}`)
       .join(', ')}
     WHERE t.version < EXCLUDED.version
     RETURNING id`,
    params,
  );
  return rows.length > 0;
}

export const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const b = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
