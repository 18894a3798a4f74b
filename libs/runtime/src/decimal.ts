/**
 * Exact decimal arithmetic on strings (as Postgres `numeric` and the GraphQL `Decimal` scalar
 * carry them), through scaled bigints: never a float on money.
 *
 * Rounding is half away from zero, as Postgres `round(numeric, n)` does.
 */

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL_PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/;

export class DecimalFormatError extends Error {
  override name = 'DecimalFormatError';
}

function parse(value: string | number | bigint): Scaled {
  if (typeof value === 'bigint') return { units: value, scale: 0 };
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new DecimalFormatError(`${value} is not a safe integer; pass decimals as strings`);
    return { units: BigInt(value), scale: 0 };
  }
  const m = DECIMAL_PATTERN.exec(value.trim());
  if (!m) throw new DecimalFormatError(`"${value}" is not a decimal number`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function rescale(a: Scaled, scale: number): bigint {
  return scale >= a.scale ? a.units * pow10(scale - a.scale) : roundDiv(a.units, pow10(a.scale - scale));
}

/** n / d rounded half away from zero (d > 0). */
function roundDiv(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return negative ? -q : q;
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return `${negative ? '-' : ''}${digits}`;
}

/** Drops redundant trailing zeros: "100.50" → "100.5", "-0.00" → "0". */
export function decimalNormalize(value: string): string {
  const a = parse(value);
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return format(units, scale);
}

/** True when the string is a decimal number this module accepts. */
export function isDecimal(value: string): boolean {
  return DECIMAL_PATTERN.test(value.trim());
}

/** Rounds to `scale` digits and always prints them: ("1.005", 2) → "1.01", ("7", 2) → "7.00". */
export function decimalFixed(value: string | number | bigint, scale: number): string {
  return format(rescale(parse(value), scale), scale);
}

export function decimalCompare(a: string | number, b: string | number): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function decimalAdd(a: string | number, b: string | number): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return decimalNormalize(format(rescale(x, scale) + rescale(y, scale), scale));
}

export function decimalSub(a: string | number, b: string | number): string {
  const y = parse(b);
  return decimalAdd(a, format(-y.units, y.scale));
}

export function decimalSum(values: readonly (string | number)[]): string {
  return values.reduce<string>((sum, v) => decimalAdd(sum, v), '0');
}

/** a × b, exact, or rounded to `scale` digits when given. */
export function decimalMul(a: string | number, b: string | number, scale?: number): string {
  const x = parse(a);
  const y = parse(b);
  const product: Scaled = { units: x.units * y.units, scale: x.scale + y.scale };
  return scale === undefined ? decimalNormalize(format(product.units, product.scale)) : format(rescale(product, scale), scale);
}

/** a ÷ b rounded to `scale` digits; throws on division by zero. */
export function decimalDiv(a: string | number, b: string | number, scale: number): string {
  const x = parse(a);
  const y = parse(b);
  if (y.units === 0n) throw new RangeError('division by zero');
  // a/b = (xu / 10^xs) / (yu / 10^ys); scaled by 10^scale.
  const numerator = x.units * pow10(scale + y.scale);
  const denominator = y.units * pow10(x.scale);
  return format(roundDiv(numerator, denominator), scale);
}

/** `percent` % of `amount`, rounded to `scale` (2) digits: the prorated revenue of a deal. */
export function decimalPercentOf(amount: string | number, percent: string | number, scale = 2): string {
  return decimalDiv(decimalMul(amount, percent), 100, scale);
}

/**
 * Converts an amount between currencies through rates expressed against one reference
 * (`rate` = value of one unit of the currency in the reference): amount × from ÷ to.
 */
export function convertAmount(amount: string | number, fromRate: string | number, toRate: string | number, scale = 2): string {
  return decimalDiv(decimalMul(amount, fromRate), toRate, scale);
}
