import { isCountryCode, normalizePhone, phoneQuery } from './phone';

describe('phone normalisation (E.164)', () => {
  it.each([
    ['085294233849', 'ID', '+6285294233849'],
    ['0852-9423-3849', 'ID', '+6285294233849'],
    [' +62 852 9423 3849 ', null, '+6285294233849'],
    ['(021) 5790 0000', 'ID', '+622157900000'],
    ['+1 415 555 2671', 'ID', '+14155552671'],
    ['030 1234567', 'DE', '+49301234567'],
  ])('%s (default %s) → %s, keeping what was entered', (raw, country, e164) => {
    const result = normalizePhone(raw, country);
    expect(result).toEqual({ ok: true, value: { e164, entered: raw.trim() } });
  });

  it('treats empty as no number', () => {
    expect(normalizePhone('  ', 'ID')).toEqual({ ok: true, value: null });
    expect(normalizePhone(null, 'ID')).toEqual({ ok: true, value: null });
  });

  it.each([['0'], ['abc'], ['62852'], ['0852'], ['+99 123'], ['1'.repeat(41)]])('refuses %s', (raw) => {
    const result = normalizePhone(raw, 'ID');
    expect(result.ok).toBe(false);
  });

  it('needs a country for a national number', () => {
    const result = normalizePhone('085294233849', null);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('no default country') });
  });

  it('recognises phone-like search queries', () => {
    expect(phoneQuery('0852 9423 3849', 'ID')).toBe('+6285294233849');
    expect(phoneQuery('pangestu', 'ID')).toBeNull();
    expect(phoneQuery('0852', 'ID')).toBeNull();
    expect(isCountryCode('ID')).toBe(true);
    expect(isCountryCode('XX')).toBe(false);
    expect(isCountryCode('id')).toBe(false);
  });
});
