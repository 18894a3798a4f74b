import { documentPeriod, formatDocumentNumber, parseDocumentNumber } from './numbering';

describe('document numbering', () => {
  it('prints prefix / branch / yymm / sequence like the dealer’s leads', () => {
    expect(formatDocumentNumber({ prefix: 'LDS', branch: 'SAM01', period: '2007', sequence: 1990 })).toBe('LDS/SAM01/2007/01990');
    expect(formatDocumentNumber({ prefix: 'LDS', branch: 'A-BAN08', period: '2007', sequence: 320 })).toBe('LDS/A-BAN08/2007/00320');
    expect(formatDocumentNumber({ prefix: 'LDS', branch: null, period: '2611', sequence: 1 })).toBe('LDS/HO/2611/00001');
    expect(formatDocumentNumber({ prefix: 'LDS', branch: 'X1', period: '2611', sequence: 123456 })).toBe('LDS/X1/2611/123456');
    expect(() => formatDocumentNumber({ prefix: 'LDS', branch: 'X1', period: '2611', sequence: 0 })).toThrow(RangeError);
  });

  it('takes the month in the local time zone', () => {
    const instant = new Date('2020-07-31T18:30:00Z');
    expect(documentPeriod(instant, 'UTC')).toBe('2007');
    // 01:30 on 1 August in Jakarta.
    expect(documentPeriod(instant, 'Asia/Jakarta')).toBe('2008');
  });

  it('parses a number back', () => {
    expect(parseDocumentNumber('LDS/SAM01/2007/01990')).toEqual({ prefix: 'LDS', branch: 'SAM01', period: '2007', sequence: 1990, padding: 5 });
    expect(parseDocumentNumber('S00042')).toBeNull();
  });
});
