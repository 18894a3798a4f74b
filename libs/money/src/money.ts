import { minorUnits } from './currencies';
import { Decimal, type DecimalLike, type RoundingMode } from './decimal';

/** Rounds an amount to the currency's minor units (HALF_UP unless told otherwise). */
export function roundMoney(amount: DecimalLike, currency: string, mode: RoundingMode = 'HALF_UP'): Decimal {
  return Decimal.of(amount).round(minorUnits(currency), mode);
}

/** The amount as a string with exactly the currency's minor units: ("1234.5", "IDR") → "1234.50". */
export function moneyString(amount: DecimalLike, currency: string): string {
  return Decimal.of(amount).toFixed(minorUnits(currency));
}

/** `percent` % of `base`, exact (not rounded). */
export function percentOf(base: DecimalLike, percent: DecimalLike): Decimal {
  const product = Decimal.of(base).times(percent);
  return Decimal.fromUnits(product.units, product.scale + 2);
}

/**
 * Human formatting for documents and e-mails: grouped thousands and the currency's minor
 * units, e.g. ("100000000", "IDR") → "IDR 100,000,000.00". Separators are configurable.
 */
export function formatMoney(
  amount: DecimalLike,
  currency: string,
  options: { thousands?: string; decimal?: string } = {},
): string {
  return `${currency} ${formatDecimal(Decimal.of(amount), minorUnits(currency), options)}`;
}

/** A decimal with `scale` digits and grouped thousands: (1234567.5, 2) → "1,234,567.50". */
export function formatDecimal(value: DecimalLike, scale: number, options: { thousands?: string; decimal?: string } = {}): string {
  const fixed = Decimal.of(value).toFixed(scale);
  const negative = fixed.startsWith('-');
  const [int = '0', frac] = fixed.replace(/^-/, '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, options.thousands ?? ',');
  return `${negative ? '-' : ''}${grouped}${frac === undefined ? '' : `${options.decimal ?? '.'}${frac}`}`;
}
