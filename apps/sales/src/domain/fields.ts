import { badInput } from '@crm/graphql';
import { Decimal, isCurrency } from '@crm/money';
import { isUuid } from '@crm/runtime';

/** Small validators shared by the input checks; each throws BAD_USER_INPUT naming `field`. */

export function requiredText(value: string | null | undefined, field: string, label = field): string {
  const text = (value ?? '').trim();
  if (text === '') throw badInput(field, `${label} must not be empty`);
  return text;
}

export function optionalText(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}

export function optionalId(value: string | null | undefined, field: string): string | null {
  if (value == null || value === '') return null;
  if (!isUuid(value)) throw badInput(field, `${field} is not an id`);
  return value.toLowerCase();
}

export function requiredId(value: string | null | undefined, field: string): string {
  const id = optionalId(value, field);
  if (!id) throw badInput(field, `${field} is required`);
  return id;
}

export function idList(values: readonly string[] | null | undefined, field: string): string[] {
  const ids = (values ?? []).map((v) => {
    if (!isUuid(v)) throw badInput(field, `"${v}" is not an id`);
    return v.toLowerCase();
  });
  return [...new Set(ids)];
}

export function currencyCode(value: string | null | undefined, fallback: string, field = 'currency'): string {
  const code = (value ?? fallback).trim().toUpperCase();
  if (!isCurrency(code)) throw badInput(field, `"${value ?? fallback}" is not an ISO 4217 currency code`);
  return code;
}

/** A decimal string with bounds and at most `maxDecimals` digits after the point. */
export function decimalField(
  value: string | null | undefined,
  field: string,
  options: { min?: string; minExclusive?: boolean; max?: string; maxDecimals: number; label?: string },
): string {
  const label = options.label ?? field;
  if (value == null || !Decimal.isDecimal(String(value))) throw badInput(field, `${label} must be a decimal number`);
  const number = Decimal.of(String(value));
  if (options.min !== undefined) {
    const tooLow = options.minExclusive ? number.lte(options.min) : number.lt(options.min);
    if (tooLow) throw badInput(field, `${label} must be ${options.minExclusive ? 'greater than' : 'at least'} ${options.min}`);
  }
  if (options.max !== undefined && number.gt(options.max)) throw badInput(field, `${label} must be at most ${options.max}`);
  if (number.decimalPlaces() > options.maxDecimals) {
    throw badInput(field, `${label} has more than ${options.maxDecimals} digits after the decimal point`);
  }
  return number.toString();
}
