import { badInput, invalidTransition } from '@crm/graphql';
import { GATEABLE_FIELDS, hasValue, propertyKeyOf, type FieldReader } from './gates';
import { leadGenerationFromJson, validateLeadGeneration, type LeadGenerationInput, type LeadGenerationRules } from './lead-generation';
import { normalizePropertyValue, type PropertyDefinition } from './properties';

/**
 * Rules a pipeline puts on all its records, stage or no stage, as configuration (seed 002:
 * the dealer's lead form cannot be saved without its blue fields — Pekerjaan —, and its
 * priority turns High by itself once the customer's KTP number and phone are known).
 *
 * - leadRequiredFields: a lead (no stage yet) of the pipeline must have a value in each;
 * - autoValues: `field = value` when every one of `whenFilled` has a value and one of them
 *   was just given (or the record is new) — unless the same change sets `field` itself, or a
 *   stage gate locks it. A value set by hand afterwards stays.
 *
 * - lostReasonRequired: marking one lost needs a reason (the dealer's "Make Leads Lost" pop-up
 *   must be filled);
 * - lostIsFinal: a lost one is not restored (seed 002: "Jika Lost artinya opportunity tidak dapat
 *   dilanjutkan kembali" — lost cannot be carried on); an administrator may still relax the rule.
 *
 * - leadGeneration: leads generated from sales and service history (src/domain/lead-generation.ts);
 *   null: the pipeline generates none.
 *
 * Targets are `priority` (0–3) or a pipeline property (`properties.<key>`, its value checked
 * against the property's type).
 */
export interface AutoValue {
  field: string;
  value: string;
  whenFilled: string[];
}

export interface PipelineRules {
  leadRequiredFields: string[];
  autoValues: AutoValue[];
  lostReasonRequired: boolean;
  lostIsFinal: boolean;
  leadGeneration: LeadGenerationRules | null;
}

export const NO_RULES: PipelineRules = { leadRequiredFields: [], autoValues: [], lostReasonRequired: false, lostIsFinal: false, leadGeneration: null };

export interface PipelineRulesInput {
  leadRequiredFields?: string[] | null;
  autoValues?: { field?: string | null; value?: string | null; whenFilled?: string[] | null }[] | null;
  lostReasonRequired?: boolean | null;
  lostIsFinal?: boolean | null;
  /** GraphQL gives the fixed properties as [{ key, value }]; JSON templates as an object. */
  leadGeneration?: LeadGenerationInput | null;
}

/** Validates rules against the built-in fields and the pipeline's property definitions. */
export function validatePipelineRules(input: PipelineRulesInput, definitions: readonly PropertyDefinition[], field = 'rules'): PipelineRules {
  const known = (name: string | null | undefined, at: string): string => {
    const f = (name ?? '').trim();
    const key = propertyKeyOf(f);
    if (key !== null) {
      if (!definitions.some((d) => d.key === key)) throw badInput(at, `the pipeline has no property "${key}"`);
      return f;
    }
    if (!(GATEABLE_FIELDS as readonly string[]).includes(f)) throw badInput(at, `"${f}" is not a field a rule can name`);
    return f;
  };
  const leadRequiredFields = [...new Set((input.leadRequiredFields ?? []).map((f, i) => known(f, `${field}.leadRequiredFields.${i}`)))];
  const autoValues = (input.autoValues ?? []).map((rule, i) => {
    const at = `${field}.autoValues.${i}`;
    const target = known(rule.field, `${at}.field`);
    const key = propertyKeyOf(target);
    let value: string | null;
    if (key !== null) {
      value = normalizePropertyValue(definitions.find((d) => d.key === key)!, rule.value, `${at}.value`);
    } else if (target === 'priority') {
      value = /^[0-3]$/.test((rule.value ?? '').trim()) ? rule.value!.trim() : null;
      if (value === null) throw badInput(`${at}.value`, 'priority is 0 (Normal) to 3 (Excellent)');
    } else {
      throw badInput(`${at}.field`, 'a rule sets priority or a property');
    }
    if (value === null) throw badInput(`${at}.value`, 'a rule needs a value');
    const whenFilled = [...new Set((rule.whenFilled ?? []).map((f, j) => known(f, `${at}.whenFilled.${j}`)))];
    if (whenFilled.length === 0) throw badInput(`${at}.whenFilled`, 'name the fields that must be filled');
    if (whenFilled.includes(target)) throw badInput(`${at}.whenFilled`, 'a rule cannot depend on its own field');
    return { field: target, value, whenFilled };
  });
  return {
    leadRequiredFields,
    autoValues,
    lostReasonRequired: Boolean(input.lostReasonRequired),
    lostIsFinal: Boolean(input.lostIsFinal),
    leadGeneration: validateLeadGeneration(input.leadGeneration, definitions, `${field}.leadGeneration`),
  };
}

/** Reads rules stored as JSON (tolerates missing members). */
export function rulesFromJson(raw: unknown): PipelineRules {
  const r = (raw ?? {}) as Partial<PipelineRules>;
  return {
    leadRequiredFields: r.leadRequiredFields ?? [],
    autoValues: r.autoValues ?? [],
    lostReasonRequired: r.lostReasonRequired ?? false,
    lostIsFinal: r.lostIsFinal ?? false,
    leadGeneration: leadGenerationFromJson(r.leadGeneration),
  };
}

/** Throws BAD_USER_INPUT (lostReasonId) when the pipeline wants a reason and none is given. */
export function assertLostReason(rules: PipelineRules, lostReasonId: string | null): void {
  if (rules.lostReasonRequired && !lostReasonId) throw badInput('lostReasonId', 'this pipeline needs a lost reason');
}

/** Throws INVALID_TRANSITION when the pipeline's lost ones stay lost. */
export function assertRestorable(rules: PipelineRules): void {
  if (rules.lostIsFinal) throw invalidTransition('in this pipeline a lost one is not carried on (restored)', { action: 'restore', status: 'lost' });
}

/** Throws BAD_USER_INPUT naming the first field a lead of the pipeline lacks (`extensions.missing`: all). */
export function assertLeadComplete(rules: PipelineRules, read: FieldReader): void {
  const missing = rules.leadRequiredFields.filter((f) => !hasValue(read(f)));
  if (missing.length > 0) {
    throw badInput(missing[0]!, `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required on a lead of this pipeline`, { missing });
  }
}

/**
 * The values the rules set after a change: `changed` holds the fields the change gave
 * (everything, for a new record), `explicit` those the user named, `locked` says whether the
 * current stage locks a field.
 */
export function autoValuesFor(
  rules: PipelineRules,
  read: FieldReader,
  changed: ReadonlySet<string>,
  explicit: ReadonlySet<string>,
  locked: (field: string) => boolean,
): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const rule of rules.autoValues) {
    if (explicit.has(rule.field) || locked(rule.field)) continue;
    if (!rule.whenFilled.some((f) => changed.has(f))) continue;
    if (!rule.whenFilled.every((f) => hasValue(read(f)))) continue;
    if (String(read(rule.field) ?? '') === rule.value) continue;
    out.push({ field: rule.field, value: rule.value });
  }
  return out;
}
