import { badInput } from '@crm/graphql';
import { addDays } from './properties';

/**
 * Stage gates: rules a stage puts on the opportunities in it, as configuration (the dealer's
 * follow-up process is one such configuration, not code).
 *
 * - requiredFields: must have a value to enter the stage;
 * - editableFields: when set, the only fields that may change while in the stage;
 * - lockedFields: fields that may not change while in the stage; `stageId` among them keeps the
 *   card in the stage (the dealer's won stage: nothing changes any more, not even the stage);
 * - lockedAfterFields: fields that may not change once the opportunity is in a later stage
 *   (by sequence) of the same pipeline;
 * - computedDefaults: `field = from + addDays` when `from` gets a value in this stage and
 *   `field` was not given (e.g. Next Plan Follow Up 2 = Follow Up 1 + 7 days).
 *
 * Fields are named as in the GraphQL input (`expectedClosing`, `customerId` …) or
 * `properties.<key>` for a pipeline's custom fields.
 */
export interface ComputedDefault {
  field: string;
  from: string;
  addDays: number;
}

export interface StageGates {
  requiredFields: string[];
  editableFields: string[] | null;
  lockedFields: string[];
  lockedAfterFields: string[];
  computedDefaults: ComputedDefault[];
}

export const NO_GATES: StageGates = { requiredFields: [], editableFields: null, lockedFields: [], lockedAfterFields: [], computedDefaults: [] };

export interface GateStage {
  id: string;
  name: string;
  sequence: number;
  gates: StageGates;
}

/** Fields of the opportunity a gate may name (besides `properties.<key>`). */
export const GATEABLE_FIELDS = [
  'name',
  'stageId',
  'customerId',
  'contactName',
  'companyName',
  'email',
  'phone',
  'countryCode',
  'salespersonId',
  'teamId',
  'priority',
  'expectedRevenue',
  'currency',
  'probability',
  'expectedClosing',
  'tagIds',
  'description',
  'campaign',
  'medium',
  'source',
  'referredBy',
  'branchId',
] as const;

const PROPERTY_FIELD = /^properties\.([a-z][a-zA-Z0-9_]*)$/;

export function propertyKeyOf(field: string): string | null {
  return PROPERTY_FIELD.exec(field)?.[1] ?? null;
}

export interface GatesInput {
  requiredFields?: string[] | null;
  editableFields?: string[] | null;
  lockedFields?: string[] | null;
  lockedAfterFields?: string[] | null;
  computedDefaults?: { field?: string | null; from?: string | null; addDays?: number | null }[] | null;
}

/**
 * Validates gates against the fields that exist: the built-in ones and, when the stage belongs
 * to a pipeline, that pipeline's date/other properties (`propertyTypes`: key → type; null
 * accepts any property, for stages shared by pipelines).
 */
export function validateGates(input: GatesInput, propertyTypes: Record<string, string> | null, field = 'gates'): StageGates {
  const known = (name: string, at: string): string => {
    const f = name.trim();
    const key = propertyKeyOf(f);
    if (key !== null) {
      if (propertyTypes && !(key in propertyTypes)) throw badInput(at, `the pipeline has no property "${key}"`);
      return f;
    }
    if (!(GATEABLE_FIELDS as readonly string[]).includes(f)) throw badInput(at, `"${f}" is not a field a stage gate can name`);
    return f;
  };
  const list = (values: string[] | null | undefined, name: string) =>
    [...new Set((values ?? []).map((v, i) => known(v, `${field}.${name}.${i}`)))];
  const computedDefaults = (input.computedDefaults ?? []).map((c, i) => {
    const at = `${field}.computedDefaults.${i}`;
    const target = known(c.field ?? '', `${at}.field`);
    const from = known(c.from ?? '', `${at}.from`);
    for (const [name, f] of [['field', target], ['from', from]] as const) {
      const key = propertyKeyOf(f);
      const isDate = f === 'expectedClosing' || (key !== null && (propertyTypes === null || propertyTypes[key] === 'date'));
      if (!isDate) throw badInput(`${at}.${name}`, `"${f}" is not a date field`);
    }
    if (target === from) throw badInput(`${at}.field`, 'a default cannot be computed from itself');
    const days = c.addDays ?? 0;
    if (!Number.isInteger(days) || Math.abs(days) > 3650) throw badInput(`${at}.addDays`, 'addDays must be a whole number of days (±3650)');
    return { field: target, from, addDays: days };
  });
  return {
    requiredFields: list(input.requiredFields, 'requiredFields'),
    editableFields: input.editableFields == null ? null : list(input.editableFields, 'editableFields'),
    lockedFields: list(input.lockedFields, 'lockedFields'),
    lockedAfterFields: list(input.lockedAfterFields, 'lockedAfterFields'),
    computedDefaults,
  };
}

/** Reads gates stored as JSON (tolerates missing members). */
export function gatesFromJson(raw: unknown): StageGates {
  const g = (raw ?? {}) as Partial<StageGates>;
  return {
    requiredFields: g.requiredFields ?? [],
    editableFields: g.editableFields ?? null,
    lockedFields: g.lockedFields ?? [],
    lockedAfterFields: g.lockedAfterFields ?? [],
    computedDefaults: g.computedDefaults ?? [],
  };
}

/** Why a field is locked in `current` (among its pipeline's `stages`), or null when it may change. */
export function lockReason(field: string, current: GateStage, stages: readonly GateStage[]): string | null {
  const g = current.gates;
  if (g.editableFields !== null && !g.editableFields.includes(field)) {
    return `only ${g.editableFields.length ? g.editableFields.join(', ') : 'nothing'} may change in stage ${current.name}`;
  }
  if (g.lockedFields.includes(field)) return `${field} is locked in stage ${current.name}`;
  const passed = stages.find((s) => s.sequence < current.sequence && s.id !== current.id && s.gates.lockedAfterFields.includes(field));
  if (passed) return `${field} is locked after stage ${passed.name}`;
  return null;
}

/** Throws BAD_USER_INPUT (extensions.locked) on the first changed field the stage locks. */
export function assertEditable(changed: readonly string[], current: GateStage | null, stages: readonly GateStage[]): void {
  if (!current) return;
  for (const field of changed) {
    const reason = lockReason(field, current, stages);
    if (reason) throw badInput(field, `${field} cannot be changed: ${reason}`, { locked: true, stageId: current.id, stageName: current.name });
  }
}

/** Throws BAD_USER_INPUT (stageId, extensions.locked) when `current` keeps its cards (lockedFields names stageId). */
export function assertCanLeave(current: GateStage | null | undefined): void {
  if (current?.gates.lockedFields.includes('stageId')) {
    throw badInput('stageId', `a card in stage ${current.name} cannot leave it`, { locked: true, stageId: current.id, stageName: current.name });
  }
}

/** A field's value as gates see it. */
export type FieldReader = (field: string) => unknown;

export function hasValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '' && !/^0+(\.0+)?$/.test(value.trim());
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The required fields of `stage` that have no value. */
export function missingRequired(stage: GateStage, read: FieldReader): string[] {
  return stage.gates.requiredFields.filter((f) => !hasValue(read(f)));
}

/** Throws BAD_USER_INPUT naming the first field missing to enter `stage`. */
export function assertCanEnter(stage: GateStage, read: FieldReader): void {
  const missing = missingRequired(stage, read);
  if (missing.length > 0) {
    throw badInput(missing[0]!, `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required in stage ${stage.name}`, {
      missing,
      stageId: stage.id,
      stageName: stage.name,
    });
  }
}

/**
 * The defaults to compute in `stage` after a change: for each rule whose `from` changed (or
 * has a value while `field` has none), unless `field` was given explicitly or is locked.
 */
export function computeDefaults(
  stage: GateStage,
  stages: readonly GateStage[],
  read: FieldReader,
  changed: ReadonlySet<string>,
  explicit: ReadonlySet<string>,
): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const rule of stage.gates.computedDefaults) {
    if (explicit.has(rule.field)) continue;
    const from = read(rule.from);
    if (typeof from !== 'string' || from === '') continue;
    if (!changed.has(rule.from) && hasValue(read(rule.field))) continue;
    if (lockReason(rule.field, stage, stages)) continue;
    const value = addDays(from, rule.addDays);
    if (read(rule.field) !== value) out.push({ field: rule.field, value });
  }
  return out;
}
