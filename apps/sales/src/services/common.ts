import { notFound, staleVersion } from '@crm/graphql';
import { Decimal } from '@crm/money';

/** CONFLICT when the client names a version that is no longer the current one. */
export function checkVersion(entity: string, row: { id: string; version: number }, expected: number | null | undefined): void {
  if (expected != null && expected !== row.version) throw staleVersion(entity, row.id, expected, row.version);
}

export function mustExist<T>(row: T | null | undefined, entity: string, id: string): T {
  if (!row) throw notFound(entity, id);
  return row;
}

/** Postgres numeric text → the shortest exact decimal string ("500000.000000" → "500000"). */
export function decimalText(value: unknown): string {
  return Decimal.of(String(value)).toString();
}

/** `{ field: { from, to } }` for the fields whose JSON form differs. */
export function diff<T extends object>(before: T, after: T, fields: (keyof T)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field as string] = { from, to };
  }
  return changes;
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
