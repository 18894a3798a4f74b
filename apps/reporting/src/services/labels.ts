import type { DataSource } from 'typeorm';
import type { LabelKind } from '../projections/labels';

export interface Label {
  name: string;
  sequence: number | null;
}

/** Names of group keys, found in one query for every kind and id asked. */
export async function loadLabels(dataSource: DataSource, wanted: { kind: LabelKind; id: string }[]): Promise<Map<string, Label>> {
  const labels = new Map<string, Label>();
  if (wanted.length === 0) return labels;
  const rows: { kind: string; id: string; name: string; sequence: number | null }[] = await dataSource.query(
    `SELECT l.kind, l.id, l.name, l.sequence FROM reporting.label l
     JOIN unnest($1::text[], $2::text[]) AS k(kind, id) ON k.kind = l.kind AND k.id = l.id`,
    [wanted.map((w) => w.kind), wanted.map((w) => w.id)],
  );
  for (const row of rows) labels.set(`${row.kind}:${row.id}`, { name: row.name, sequence: row.sequence });
  return labels;
}
