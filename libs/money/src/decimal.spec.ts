import { Decimal, DecimalError, divideRounded } from './decimal';

const d = (s: string) => Decimal.of(s);

describe('Decimal', () => {
  it('parses strings exactly and prints the shortest form', () => {
    expect(d('0100.500').toString()).toBe('100.5');
    expect(d('-0.000').toString()).toBe('0');
    expect(d('+7').toString()).toBe('7');
    expect(d('12345678901234567890.123456789').toString()).toBe('12345678901234567890.123456789');
    expect(Decimal.of(42).toString()).toBe('42');
    expect(Decimal.of(5n).toString()).toBe('5');
  });

  it('refuses floats and garbage', () => {
    expect(() => Decimal.of(0.1)).toThrow(DecimalError);
    expect(() => d('1e5')).toThrow(DecimalError);
    expect(() => d('1.')).toThrow(DecimalError);
    expect(() => d('')).toThrow(DecimalError);
  });

  it('adds, subtracts and multiplies without the float error', () => {
    expect(d('0.1').plus('0.2').toString()).toBe('0.3');
    expect(d('1').minus('0.99').toString()).toBe('0.01');
    expect(d('19.99').times('3').toString()).toBe('59.97');
    expect(d('1.005').times('1000').toString()).toBe('1005');
    expect(Decimal.sum(['1.1', '2.2', '3.3']).toString()).toBe('6.6');
  });

  it('divides to a scale with rounding', () => {
    expect(d('1').dividedBy('3', 4).toString()).toBe('0.3333');
    expect(d('2').dividedBy('3', 2).toString()).toBe('0.67');
    expect(d('-2').dividedBy('3', 2).toString()).toBe('-0.67');
    expect(d('110').dividedBy('1.1', 2).toString()).toBe('100');
    expect(() => d('1').dividedBy('0', 2)).toThrow('division by zero');
  });

  it('rounds half up (away from zero), half even, up and down', () => {
    expect(d('2.345').round(2).toFixed(2)).toBe('2.35');
    expect(d('-2.345').round(2).toFixed(2)).toBe('-2.35');
    expect(d('2.344').round(2).toFixed(2)).toBe('2.34');
    expect(d('2.345').round(2, 'HALF_EVEN').toFixed(2)).toBe('2.34');
    expect(d('2.355').round(2, 'HALF_EVEN').toFixed(2)).toBe('2.36');
    expect(d('2.341').round(2, 'UP').toFixed(2)).toBe('2.35');
    expect(d('2.349').round(2, 'DOWN').toFixed(2)).toBe('2.34');
    expect(d('0.5').round(0).toString()).toBe('1');
    expect(d('1.5').toFixed(3)).toBe('1.500');
    expect(d('-0.004').toFixed(2)).toBe('0.00');
  });

  it('compares across scales', () => {
    expect(d('1.50').eq('1.5')).toBe(true);
    expect(d('1.49').lt('1.5')).toBe(true);
    expect(d('-1').isNegative()).toBe(true);
    expect(d('0.00').isZero()).toBe(true);
    expect(d('100.100').decimalPlaces()).toBe(1);
  });

  it('divideRounded rounds bigint quotients', () => {
    expect(divideRounded(5n, 2n, 'HALF_UP')).toBe(3n);
    expect(divideRounded(-5n, 2n, 'HALF_UP')).toBe(-3n);
    expect(divideRounded(5n, -2n, 'HALF_EVEN')).toBe(-2n);
    expect(divideRounded(7n, 2n, 'HALF_EVEN')).toBe(4n);
  });
});
