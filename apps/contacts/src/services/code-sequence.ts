import { returnedRows } from './sql-util';
import type { EntityManager } from 'typeorm';
import { formatCustomerCode, parseCustomerCode } from '../domain/customer-code';

/**
 * Takes `count` numbers from the prefix's counter (created on first use) and formats them.
 * The counter row stays locked until the transaction ends, so numbers are gapless and
 * unique; a rolled-back transaction gives its numbers back.
 */
export async function nextCustomerCodes(manager: EntityManager, prefix: string, count: number, at: Date, timeZone: string): Promise<string[]> {
  if (count === 0) return [];
  await manager.query(`INSERT INTO contacts.code_sequence (prefix) VALUES ($1) ON CONFLICT (prefix) DO NOTHING`, [prefix]);
  const [row] = returnedRows(
    await manager.query(
      `UPDATE contacts.code_sequence SET next_value = next_value + $2 WHERE prefix = $1 RETURNING next_value - $2 AS first, padding`,
      [prefix, count],
    ),
  );
  const first = BigInt(row.first);
  return Array.from({ length: count }, (_, i) => formatCustomerCode(prefix, at, timeZone, first + BigInt(i), row.padding));
}

/**
 * Codes given explicitly (import of a legacy CDDB, e.g. BPA/2004/1720353) move their
 * prefix's counter past them, so the counter never hands out a code that exists.
 */
export async function advancePastCodes(manager: EntityManager, codes: (string | null)[]): Promise<void> {
  const highest = new Map<string, bigint>();
  for (const code of codes) {
    const parsed = code ? parseCustomerCode(code) : null;
    if (!parsed) continue;
    const current = highest.get(parsed.prefix);
    if (current === undefined || parsed.number > current) highest.set(parsed.prefix, parsed.number);
  }
  if (highest.size === 0) return;
  await manager.query(
    `UPDATE contacts.code_sequence s SET next_value = GREATEST(s.next_value, v.n + 1)
     FROM unnest($1::text[], $2::bigint[]) AS v(prefix, n) WHERE s.prefix = v.prefix`,
    [[...highest.keys()], [...highest.values()].map(String)],
  );
}
