import { badInput, isValidDate } from '@crm/graphql';
import { Decimal } from '@crm/money';

/**
 * Custom fields of a pipeline ("properties"): their definitions live in the pipeline's
 * configuration, their values (strings: a date YYYY-MM-DD, a selection's value, text, a
 * decimal, true/false) in the opportunity's `properties`.
 */
export const PROPERTY_TYPES = ['text', 'date', 'selection', 'number', 'boolean'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export interface PropertyOption {
  value: string;
  label: string;
}

export interface PropertyDefinition {
  key: string;
  label: string;
  type: PropertyType;
  options: PropertyOption[];
}

export type PropertyValues = Record<string, string>;

const KEY = /^[a-z][a-zA-Z0-9_]{0,62}$/;

export interface PropertyDefinitionInput {
  key?: string | null;
  label?: string | null;
  type?: string | null;
  options?: { value?: string | null; label?: string | null }[] | null;
}

/** Validates a pipeline's property definitions; throws BAD_USER_INPUT naming the entry at fault. */
export function validatePropertyDefinitions(input: readonly PropertyDefinitionInput[], field = 'propertyDefinitions'): PropertyDefinition[] {
  const seen = new Set<string>();
  return input.map((raw, i) => {
    const at = `${field}.${i}`;
    const key = (raw.key ?? '').trim();
    if (!KEY.test(key)) throw badInput(`${at}.key`, `"${key}" is not a property key (letters, digits and _, starting with a small letter)`);
    if (seen.has(key)) throw badInput(`${at}.key`, `property "${key}" is defined twice`);
    seen.add(key);
    const label = (raw.label ?? '').trim();
    if (label === '') throw badInput(`${at}.label`, 'a property needs a label');
    const type = (raw.type ?? '').toLowerCase() as PropertyType;
    if (!PROPERTY_TYPES.includes(type)) throw badInput(`${at}.type`, `"${raw.type}" is not a property type`);
    const options = (raw.options ?? []).map((o, j) => {
      const value = (o.value ?? '').trim();
      if (value === '') throw badInput(`${at}.options.${j}.value`, 'an option needs a value');
      return { value, label: (o.label ?? '').trim() || value };
    });
    if (type === 'selection' && options.length === 0) throw badInput(`${at}.options`, 'a selection needs options');
    if (new Set(options.map((o) => o.value)).size !== options.length) throw badInput(`${at}.options`, 'option values must be unique');
    return { key, label, type, options: type === 'selection' ? options : [] };
  });
}

/** Normalises one value for its definition; null clears it. */
export function normalizePropertyValue(def: PropertyDefinition, raw: string | null | undefined, field: string): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim();
  if (value === '') return null;
  switch (def.type) {
    case 'text':
      if (value.length > 10_000) throw badInput(field, `${def.label} is too long`);
      return value;
    case 'date':
      if (!isValidDate(value)) throw badInput(field, `${def.label}: "${raw}" is not a date YYYY-MM-DD`);
      return value;
    case 'selection': {
      const option = def.options.find((o) => o.value === value) ?? def.options.find((o) => o.label.toLowerCase() === value.toLowerCase());
      if (!option) throw badInput(field, `${def.label}: "${raw}" is not one of ${def.options.map((o) => o.value).join(', ')}`);
      return option.value;
    }
    case 'number':
      if (!Decimal.isDecimal(value)) throw badInput(field, `${def.label}: "${raw}" is not a number`);
      return Decimal.of(value).toString();
    case 'boolean':
      if (!['true', 'false'].includes(value.toLowerCase())) throw badInput(field, `${def.label}: "${raw}" is not true or false`);
      return value.toLowerCase();
  }
}

/** Applies `{key, value}` changes; returns the new values and the keys that changed. */
export function applyPropertyPatch(
  current: PropertyValues,
  patch: readonly { key: string; value?: string | null }[],
  definitions: readonly PropertyDefinition[],
  field = 'properties',
): { values: PropertyValues; changed: string[] } {
  const values: PropertyValues = { ...current };
  const changed = new Set<string>();
  for (const { key, value } of patch) {
    const def = definitions.find((d) => d.key === key);
    if (!def) throw badInput(`${field}.${key}`, `this pipeline has no property "${key}"`);
    const next = normalizePropertyValue(def, value, `${field}.${key}`);
    if ((values[key] ?? null) === next) continue;
    if (next === null) delete values[key];
    else values[key] = next;
    changed.add(key);
  }
  return { values, changed: [...changed] };
}

/** Keeps only values the definitions still know (after a pipeline change). */
export function keepDefined(values: PropertyValues, definitions: readonly PropertyDefinition[]): PropertyValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => definitions.some((d) => d.key === key)));
}

/** YYYY-MM-DD plus whole days (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y!, m! - 1, d! + days));
  return t.toISOString().slice(0, 10);
}
