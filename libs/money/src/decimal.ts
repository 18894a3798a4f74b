/**
 * Exact decimal arithmetic on a bigint mantissa and a base-10 scale (value = units / 10^scale).
 * Money never touches a JS float: parse strings (Postgres numeric, GraphQL Decimal), compute,
 * round explicitly, serialise back to strings.
 */
export type RoundingMode =
  /** Half away from zero (2.5 → 3, -2.5 → -3): Odoo's and accounting's default. */
  | 'HALF_UP'
  /** Banker's rounding (2.5 → 2, 3.5 → 4). */
  | 'HALF_EVEN'
  /** Away from zero. */
  | 'UP'
  /** Towards zero (truncation). */
  | 'DOWN';

export class DecimalError extends Error {
  override name = 'DecimalError';
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;
const TEN = 10n;

function pow10(exponent: number): bigint {
  return TEN ** BigInt(exponent);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** n / d rounded with `mode` (d ≠ 0). */
export function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d === 0n) throw new DecimalError('division by zero');
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const sign = n < 0n !== d < 0n ? -1n : 1n;
  const twiceRemainder = 2n * abs(r);
  const divisor = abs(d);
  switch (mode) {
    case 'DOWN':
      return q;
    case 'UP':
      return q + sign;
    case 'HALF_UP':
      return twiceRemainder >= divisor ? q + sign : q;
    case 'HALF_EVEN':
      if (twiceRemainder > divisor) return q + sign;
      if (twiceRemainder < divisor) return q;
      return q % 2n === 0n ? q : q + sign;
  }
}

export type DecimalLike = Decimal | string | bigint | number;

export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);
  static readonly HUNDRED = new Decimal(100n, 0);

  private constructor(
    /** The value times 10^scale. */
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /** From a decimal string ("-12.50"), a bigint, an integer number or a Decimal; floats are refused. */
  static of(value: DecimalLike): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new DecimalError(`${value} is not a safe integer; pass decimals as strings`);
      return new Decimal(BigInt(value), 0);
    }
    const match = DECIMAL_RE.exec(value.trim());
    if (!match) throw new DecimalError(`"${value}" is not a decimal number`);
    const [, sign, int, frac = ''] = match;
    const units = BigInt(`${int}${frac}`);
    return new Decimal(sign === '-' ? -units : units, frac.length);
  }

  static isDecimal(value: string): boolean {
    return DECIMAL_RE.test(value.trim());
  }

  static fromUnits(units: bigint, scale: number): Decimal {
    if (!Number.isInteger(scale) || scale < 0) throw new DecimalError(`invalid scale ${scale}`);
    return new Decimal(units, scale);
  }

  static sum(values: Iterable<DecimalLike>): Decimal {
    let total = Decimal.ZERO;
    for (const value of values) total = total.plus(value);
    return total;
  }

  /** The same value with (at least) `scale` digits after the point; never loses digits. */
  private widen(scale: number): bigint {
    return scale <= this.scale ? this.units : this.units * pow10(scale - this.scale);
  }

  plus(other: DecimalLike): Decimal {
    const o = Decimal.of(other);
    const scale = Math.max(this.scale, o.scale);
    return new Decimal(this.widen(scale) + o.widen(scale), scale);
  }

  minus(other: DecimalLike): Decimal {
    return this.plus(Decimal.of(other).negated());
  }

  /** Exact product (the scales add up). */
  times(other: DecimalLike): Decimal {
    const o = Decimal.of(other);
    return new Decimal(this.units * o.units, this.scale + o.scale);
  }

  /** this / other, rounded to `scale` digits with `mode`. */
  dividedBy(other: DecimalLike, scale: number, mode: RoundingMode = 'HALF_UP'): Decimal {
    const o = Decimal.of(other);
    if (o.units === 0n) throw new DecimalError('division by zero');
    // units / 10^s = (a / 10^as) / (b / 10^bs)  ⇒  units = a · 10^(s + bs) / (b · 10^as)
    const numerator = this.units * pow10(scale + o.scale);
    const denominator = o.units * pow10(this.scale);
    return new Decimal(divideRounded(numerator, denominator, mode), scale);
  }

  /** Rounded to `scale` digits after the point (the result has exactly that scale). */
  round(scale: number, mode: RoundingMode = 'HALF_UP'): Decimal {
    if (!Number.isInteger(scale) || scale < 0) throw new DecimalError(`invalid scale ${scale}`);
    if (scale >= this.scale) return new Decimal(this.widen(scale), scale);
    return new Decimal(divideRounded(this.units, pow10(this.scale - scale), mode), scale);
  }

  negated(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.negated() : this;
  }

  compareTo(other: DecimalLike): -1 | 0 | 1 {
    const o = Decimal.of(other);
    const scale = Math.max(this.scale, o.scale);
    const a = this.widen(scale);
    const b = o.widen(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: DecimalLike): boolean {
    return this.compareTo(other) === 0;
  }
  lt(other: DecimalLike): boolean {
    return this.compareTo(other) < 0;
  }
  lte(other: DecimalLike): boolean {
    return this.compareTo(other) <= 0;
  }
  gt(other: DecimalLike): boolean {
    return this.compareTo(other) > 0;
  }
  gte(other: DecimalLike): boolean {
    return this.compareTo(other) >= 0;
  }
  isZero(): boolean {
    return this.units === 0n;
  }
  isNegative(): boolean {
    return this.units < 0n;
  }
  isPositive(): boolean {
    return this.units > 0n;
  }

  /** Digits after the point once trailing zeros are dropped ("1.50" → 1). */
  decimalPlaces(): number {
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % TEN === 0n) {
      units /= TEN;
      scale -= 1;
    }
    return scale;
  }

  /** Exactly `scale` digits after the point, rounding with `mode` when digits are dropped. */
  toFixed(scale: number, mode: RoundingMode = 'HALF_UP'): string {
    const rounded = this.round(scale, mode);
    const negative = rounded.units < 0n;
    const digits = abs(rounded.units).toString().padStart(scale + 1, '0');
    const int = scale === 0 ? digits : digits.slice(0, -scale);
    const frac = scale === 0 ? '' : `.${digits.slice(-scale)}`;
    return `${negative ? '-' : ''}${int}${frac}`;
  }

  /** The shortest exact form: no trailing zeros, no "-0" ("100.50" → "100.5"). */
  toString(): string {
    return this.toFixed(this.decimalPlaces());
  }

  toJSON(): string {
    return this.toString();
  }
}
