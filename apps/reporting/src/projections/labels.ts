import type { EntityManager } from 'typeorm';

export type LabelKind = 'stage' | 'team' | 'user' | 'branch' | 'lostReason' | 'pipeline' | 'activityType' | 'tag';

/**
 * Names for group keys. An authoritative source (the stage's own events for a stage) beats a
 * name seen on another record (the stage name an opportunity carries); within the same
 * authority the newer wins, then the greater name — so live and replayed models agree.
 */
export async function upsertLabel(
  manager: EntityManager,
  schema: string,
  label: { kind: LabelKind; id: string; name: string; sequence?: number | null; authoritative: boolean; at: string },
): Promise<void> {
  await manager.query(
    `INSERT INTO "${schema}".label AS l (kind, id, name, sequence, authoritative, at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, sequence = COALESCE(EXCLUDED.sequence, l.sequence),
       authoritative = EXCLUDED.authoritative, at = EXCLUDED.at
     WHERE (EXCLUDED.authoritative AND NOT l.authoritative)
        OR (EXCLUDED.authoritative = l.authoritative AND (EXCLUDED.at > l.at OR (EXCLUDED.at = l.at AND EXCLUDED.name > l.name)))`,
    [label.kind, label.id, label.name, label.sequence ?? null, label.authoritative, label.at],
  );
}

/** Several labels in one statement (distinct kinds/ids). */
export async function upsertLabels(
  manager: EntityManager,
  schema: string,
  labels: { kind: LabelKind; id: string; name: string; sequence?: number | null; authoritative: boolean; at: string }[],
): Promise<void> {
  if (labels.length === 0) return;
  if (labels.length === 1) return upsertLabel(manager, schema, labels[0]!);
  await manager.query(
    `INSERT INTO "${schema}".label AS l (kind, id, name, sequence, authoritative, at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::boolean[], $6::timestamptz[])
     ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, sequence = COALESCE(EXCLUDED.sequence, l.sequence),
       authoritative = EXCLUDED.authoritative, at = EXCLUDED.at
     WHERE (EXCLUDED.authoritative AND NOT l.authoritative)
        OR (EXCLUDED.authoritative = l.authoritative AND (EXCLUDED.at > l.at OR (EXCLUDED.at = l.at AND EXCLUDED.name > l.name)))`,
    [
      labels.map((l) => l.kind),
      labels.map((l) => l.id),
      labels.map((l) => l.name),
      labels.map((l) => l.sequence ?? null),
      labels.map((l) => l.authoritative),
      labels.map((l) => l.at),
    ],
  );
}
