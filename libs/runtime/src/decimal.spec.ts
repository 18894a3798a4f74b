import {
  convertAmount,
  decimalAdd,
  decimalCompare,
  decimalDiv,
  decimalFixed,
  decimalMul,
  decimalNormalize,
  decimalPercentOf,
  decimalSub,
  decimalSum,
  isDecimal,
} from './decimal';

describe('decimal arithmetic on strings', () => {
  it('adds and subtracts exactly where floats do not', () => {
    expect(decimalAdd('0.1', '0.2')).toBe('0.3');
    expect(decimalSub('100000000.00', '0.01')).toBe('99999999.99');
    expect(decimalSub('1', '1.5')).toBe('-0.5');
    expect(decimalSum(['0.10', '0.20', '0.30'])).toBe('0.6');
    expect(decimalSum([])).toBe('0');
  });

  it('multiplies exactly, or rounds half away from zero', () => {
    expect(decimalMul('1.1', '1.1')).toBe('1.21');
    expect(decimalMul('2.675', '1', 2)).toBe('2.68');
    expect(decimalMul('-2.675', '1', 2)).toBe('-2.68');
    expect(decimalMul('123456789012345678.99', '3')).toBe('370370367037037036.97');
  });

  it('divides with a scale and refuses zero', () => {
    expect(decimalDiv('1', '3', 4)).toBe('0.3333');
    expect(decimalDiv('2', '3', 2)).toBe('0.67');
    expect(decimalDiv('-2', '3', 2)).toBe('-0.67');
    expect(decimalDiv('10', '0.5', 0)).toBe('20');
    expect(() => decimalDiv('1', '0', 2)).toThrow('division by zero');
  });

  it('computes a prorated revenue: 90 % of 100,000,000', () => {
    expect(decimalPercentOf('100000000.00', '90.00')).toBe('90000000.00');
    expect(decimalPercentOf('333.33', '33.33')).toBe('111.10');
    expect(decimalPercentOf('0', '50')).toBe('0.00');
  });

  it('converts between currencies through reference rates', () => {
    // 1 USD = 16,250 IDR; 1 IDR = 1 IDR.
    expect(convertAmount('1000.00', '16250', '1')).toBe('16250000.00');
    expect(convertAmount('16250000', '1', '16250')).toBe('1000.00');
    expect(convertAmount('100', '17600', '16250')).toBe('108.31');
  });

  it('compares, normalises, fixes the scale and validates', () => {
    expect(decimalCompare('1.50', '1.5')).toBe(0);
    expect(decimalCompare('-1', '0.001')).toBe(-1);
    expect(decimalCompare('10', '9.999')).toBe(1);
    expect(decimalNormalize('0100.500')).toBe('100.5');
    expect(decimalNormalize('-0.00')).toBe('0');
    expect(decimalFixed('7', 2)).toBe('7.00');
    expect(decimalFixed('1.005', 2)).toBe('1.01');
    expect(decimalFixed('0.004', 2)).toBe('0.00');
    expect(isDecimal('12.5')).toBe(true);
    expect(isDecimal('1e5')).toBe(false);
    expect(() => decimalAdd('abc', '1')).toThrow('not a decimal');
  });
});
