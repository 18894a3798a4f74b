import type { EntityManager } from 'typeorm';

export type LabelKind = 'stage' | 'team' | 'user' | 'branch' | 'lostReason' | 'pipeline' | 'activityType' | 'tag' | 'propertyOption';

/**
 * The label id of a selection property's option in a pipeline (a key has no '/', a pipeline id
 * is a uuid, so the value may hold anything): `<pipelineId>/<key>/<value>`.
 */
export function propertyOptionLabelId(pipelineId: string, key: string, value: string): string {
  return `${pipelineId}/${key}/${value}`;
}

export interface OwnLabel {
  kind: LabelKind;
  id: string;
  name: string;
  sequence?: number | null;
  at: string;
}

export interface SeenLabel {
  kind: LabelKind;
  id: string;
  name: string;
  at: string;
}

/**
 * A name from the record's own events (a stage's, a team's, a user's, a branch's): the newest
 * wins (then the greater name), and it beats names seen elsewhere. Such events are few, so the
 * row lock the upsert takes costs nothing.
 */
export async function upsertLabel(manager: EntityManager, schema: string, label: OwnLabel): Promise<void> {
  await manager.query(
    `INSERT INTO "${schema}".label AS l (kind, id, name, sequence, authoritative, at) VALUES ($1, $2, $3, $4, true, $5)
     ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, sequence = COALESCE(EXCLUDED.sequence, l.sequence), authoritative = true, at = EXCLUDED.at
     WHERE NOT l.authoritative OR EXCLUDED.at > l.at OR (EXCLUDED.at = l.at AND EXCLUDED.name > l.name)`,
    [label.kind, label.id, label.name, label.sequence ?? null, label.at],
  );
}

/** Where a name seen on another record is first recorded (bookkeeping time, so live and replay agree). */
const FIRST_SEEN = '1970-01-01T00:00:00Z';

/**
 * SQL (data-modifying CTEs, to run inside a bigger statement) for names seen on other records
 * (a stage's name on an opportunity, an activity type's on an activity): inserted when unknown,
 * renamed only when the name differs and the sighting is newer, never over a record's own
 * name. Many events carry the same name: they neither write nor lock the label row.
 */
export function seenLabelsSql(schema: string, labels: SeenLabel[], param: (value: unknown, cast: string) => string): string[] {
  if (labels.length === 0) return [];
  const values = `SELECT * FROM unnest(${param(
    labels.map((l) => l.kind),
    'text[]',
  )}, ${param(
    labels.map((l) => l.id),
    'text[]',
  )}, ${param(
    labels.map((l) => l.name),
    'text[]',
  )}, ${param(
    labels.map((l) => l.at),
    'timestamptz[]',
  )}) AS v(kind, id, name, at)`;
  return [
    `seen_new AS (INSERT INTO "${schema}".label (kind, id, name, sequence, authoritative, at)
       SELECT v.kind, v.id, v.name, NULL, false, '${FIRST_SEEN}' FROM (${values}) v ON CONFLICT (kind, id) DO NOTHING RETURNING 1)`,
    `seen_renamed AS (UPDATE "${schema}".label l SET name = v.name, at = v.at FROM (${values}) v
       WHERE l.kind = v.kind AND l.id = v.id AND NOT l.authoritative AND l.name <> v.name AND v.at > l.at RETURNING 1)`,
  ];
}

/** Names seen on other records, as a statement of their own. */
export async function seeLabels(manager: EntityManager, schema: string, labels: SeenLabel[]): Promise<void> {
  if (labels.length === 0) return;
  const params: unknown[] = [];
  const ctes = seenLabelsSql(schema, labels, (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  });
  await manager.query(`WITH ${ctes.join(', ')} SELECT 1`, params);
}
