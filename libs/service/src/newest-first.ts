import type { ObjectLiteral, Repository } from 'typeorm';
import { parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';

/** A connection over a whole table, newest first: keyset on the time-ordered (UUIDv7) id. */
export async function listNewestFirst<T extends ObjectLiteral & { id: string }>(
  repository: Repository<T>,
  args: PageArgs,
): Promise<Connection<T>> {
  const page = parsePage(args);
  const query = repository.createQueryBuilder('e').orderBy('e.id', 'DESC').limit(page.limit + 1);
  if (page.after) query.where('e.id < :after', { after: String(page.after[0]) });
  const rows = await query.getMany();
  return toConnection(rows, page, (row) => [row.id], () => repository.count());
}
