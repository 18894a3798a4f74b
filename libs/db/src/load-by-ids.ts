import type { ObjectLiteral, Repository } from 'typeorm';

/** One query for any number of ids (DataLoader batch); answers in the order asked, null where missing. */
export async function loadByIds<T extends ObjectLiteral & { id: string }>(
  repository: Repository<T>,
  ids: readonly string[],
): Promise<(T | null)[]> {
  const rows = await repository.createQueryBuilder('e').where('e.id = ANY(:ids)', { ids: [...ids] }).getMany();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
