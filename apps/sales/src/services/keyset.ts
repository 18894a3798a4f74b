import { badInput, parsePage, toConnection, type Connection, type CursorKey, type PageArgs } from '@crm/graphql';

export type SortDirection = 'ASC' | 'DESC';

/** A sort column of a keyset list: its SQL, the Postgres type of its cursor value, and the value of a row. */
export interface SortColumn<R> {
  sql: string;
  cast: 'text' | 'numeric' | 'date' | 'timestamptz';
  value: (row: R) => string;
}

export interface KeysetQuery<R extends { id: string }> {
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  /** `SELECT … FROM … [JOIN …]` without WHERE. */
  select: string;
  /** `FROM … [JOIN …]` for the count (no columns). */
  from: string;
  /** Predicates ANDed together; their parameters are already in `params`. */
  where: string[];
  params: unknown[];
  idColumn: string;
  /** null: by id (time-ordered UUIDv7 = creation order). */
  sort: SortColumn<R> | null;
  direction: SortDirection;
  args: PageArgs;
  map: (raw: Record<string, unknown>) => R;
}

/**
 * A Relay connection over any query, by keyset: `(sort, id)` past the cursor, `first + 1`
 * rows to know whether there is a next page, and a lazy `totalCount` with the same filter.
 */
export async function keysetPage<R extends { id: string }>(q: KeysetQuery<R>): Promise<Connection<R>> {
  const page = parsePage(q.args);
  const params = [...q.params];
  const where = [...q.where];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const op = q.direction === 'DESC' ? '<' : '>';
  if (page.after) {
    const [first, second] = page.after;
    if (q.sort) {
      if (typeof first !== 'string' || typeof second !== 'string') throw badInput('after', 'invalid cursor');
      where.push(`(${q.sort.sql}, ${q.idColumn}) ${op} (${param(first)}::${q.sort.cast}, ${param(second)}::uuid)`);
    } else {
      if (typeof first !== 'string') throw badInput('after', 'invalid cursor');
      where.push(`${q.idColumn} ${op} ${param(first)}::uuid`);
    }
  }
  const order = q.sort ? `${q.sort.sql} ${q.direction}, ${q.idColumn} ${q.direction}` : `${q.idColumn} ${q.direction}`;
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = await q.run(`${q.select} ${clause} ORDER BY ${order} LIMIT ${page.limit + 1}`, params);
  const mapped = rows.map(q.map);
  const cursorOf = (row: R): CursorKey => (q.sort ? [q.sort.value(row), row.id] : [row.id]);
  const countClause = q.where.length ? `WHERE ${q.where.join(' AND ')}` : '';
  return toConnection(mapped, page, cursorOf, async () => {
    const [count] = await q.run(`SELECT count(*)::int AS n ${q.from} ${countClause}`, q.params);
    return count!['n'] as number;
  });
}
