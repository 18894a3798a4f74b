import { decimalField, requiredText } from './fields';

export interface NewTaxInput {
  name?: string | null;
  percent?: string | null;
  priceIncluded?: boolean | null;
}

export interface TaxPatchInput {
  name?: string | null;
  percent?: string | null;
  priceIncluded?: boolean | null;
  active?: boolean | null;
}

export interface TaxDraft {
  name: string;
  percent: string;
  priceIncluded: boolean;
}

const percent = (value: string | null | undefined) => decimalField(value, 'percent', { min: '0', max: '100', maxDecimals: 4 });

/** A sales tax: a percentage of the untaxed amount, included in the price or added on top. */
export function validateNewTax(input: NewTaxInput): TaxDraft {
  return { name: requiredText(input.name, 'name'), percent: percent(input.percent), priceIncluded: input.priceIncluded ?? false };
}

export function validateTaxPatch(input: TaxPatchInput): Partial<TaxDraft & { active: boolean }> {
  const patch: Partial<TaxDraft & { active: boolean }> = {};
  if (input.name !== undefined) patch.name = requiredText(input.name, 'name');
  if (input.percent !== undefined) patch.percent = percent(input.percent);
  if (input.priceIncluded != null) patch.priceIncluded = input.priceIncluded;
  if (input.active != null) patch.active = input.active;
  return patch;
}
