import { currencyCodes, isCurrency, minorUnits, UnknownCurrencyError } from './currencies';
import { formatMoney, moneyString, percentOf, roundMoney } from './money';

describe('currencies and money', () => {
  it('knows ISO 4217 minor units', () => {
    expect(minorUnits('IDR')).toBe(2);
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('KWD')).toBe(3);
    expect(minorUnits('CLF')).toBe(4);
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => minorUnits('RUPIAH')).toThrow(UnknownCurrencyError);
    expect(currencyCodes().length).toBeGreaterThan(150);
  });

  it('rounds to the currency', () => {
    expect(roundMoney('1234.565', 'IDR').toFixed(2)).toBe('1234.57');
    expect(roundMoney('1234.5', 'JPY').toString()).toBe('1235');
    expect(roundMoney('1.2345', 'KWD').toString()).toBe('1.235');
    expect(moneyString('100000000', 'IDR')).toBe('100000000.00');
    expect(moneyString('100000000', 'JPY')).toBe('100000000');
  });

  it('computes percentages exactly', () => {
    expect(percentOf('100000000', '11').toString()).toBe('11000000');
    expect(percentOf('19.99', '7.5').toString()).toBe('1.49925');
  });

  it('formats for people', () => {
    expect(formatMoney('100000000', 'IDR')).toBe('IDR 100,000,000.00');
    expect(formatMoney('-1234567.891', 'USD')).toBe('USD -1,234,567.89');
    expect(formatMoney('1500', 'JPY')).toBe('JPY 1,500');
    expect(formatMoney('100000000', 'IDR', { thousands: '.', decimal: ',' })).toBe('IDR 100.000.000,00');
  });
});
