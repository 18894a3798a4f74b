import { formatCustomerCode, isValidCodePrefix, normalizeCode, parseCustomerCode, yearMonth } from './customer-code';

describe('customer codes (prefix/yymm/number)', () => {
  it('formats like the dealer’s CDDB', () => {
    expect(formatCustomerCode('BPA', new Date('2020-04-15T03:00:00Z'), 'Asia/Jakarta', 1720353)).toBe('BPA/2004/1720353');
    expect(formatCustomerCode('BPA', new Date('2018-04-02T03:00:00Z'), 'Asia/Jakarta', 89339)).toBe('BPA/1804/089339');
    expect(formatCustomerCode('BPA-SAM01', new Date('2026-11-23T08:00:00Z'), 'Asia/Makassar', 1)).toBe('BPA-SAM01/2611/000001');
  });

  it('takes the month in the branch’s time zone', () => {
    const lateApril = new Date('2020-04-30T20:00:00Z');
    expect(yearMonth(lateApril, 'UTC')).toBe('2004');
    expect(yearMonth(lateApril, 'Asia/Jakarta')).toBe('2005');
  });

  it('reads codes back and refuses other shapes', () => {
    expect(parseCustomerCode('BPA/2004/1720353')).toEqual({ prefix: 'BPA', yearMonth: '2004', number: 1720353n });
    expect(parseCustomerCode('BPA/2013/1')).toBeNull();
    expect(parseCustomerCode('S00042')).toBeNull();
    expect(normalizeCode('  bpa/2004/1720353 ')).toBe('BPA/2004/1720353');
    expect(normalizeCode(' ')).toBeNull();
    expect(isValidCodePrefix('BPA')).toBe(true);
    expect(isValidCodePrefix('bpa')).toBe(false);
    expect(isValidCodePrefix('B/PA')).toBe(false);
    expect(() => formatCustomerCode('BPA', new Date(), 'UTC', 0)).toThrow();
  });
});
