/** A stage as a report row carries it: its id (null: no stage), its name and its sequence. */
export interface StageKey {
  value: string | null;
  label: string;
  sequence: number | null;
}

/**
 * Orders stages as a board shows them: by sequence, then name, then id — every pipeline made
 * from one template has a "New" at sequence 1, and without the id two of them would come in
 * whatever order the database grouped them (live and rebuilt answers could differ). No stage last.
 */
export function compareStages(a: StageKey, b: StageKey): number {
  if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
  const sa = a.sequence ?? Number.MAX_SAFE_INTEGER;
  const sb = b.sequence ?? Number.MAX_SAFE_INTEGER;
  return sa - sb || a.label.localeCompare(b.label) || a.value.localeCompare(b.value);
}
