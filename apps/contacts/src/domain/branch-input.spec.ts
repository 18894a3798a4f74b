import type { GraphQLError } from 'graphql';
import { resolveBranch, validateBranchId, type BranchInput } from './branch-input';

const samarinda: BranchInput = { name: 'SAMARINDA', countryCode: 'id', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:30' };

describe('branch input', () => {
  it('fills defaults: phone country from the country, BPA codes', () => {
    expect(resolveBranch(null, samarinda)).toEqual({
      name: 'SAMARINDA',
      countryCode: 'ID',
      timeZone: 'Asia/Makassar',
      workshopOpensAt: '08:00',
      workshopClosesAt: '16:30',
      defaultPhoneCountry: 'ID',
      customerCodePrefix: 'BPA',
      active: true,
    });
    expect(validateBranchId(' a-ban08 ')).toBe('A-BAN08');
  });

  it('patches what is given', () => {
    const before = resolveBranch(null, samarinda);
    expect(resolveBranch(before, { active: false, customerCodePrefix: 'bpa-sam01' })).toMatchObject({ active: false, customerCodePrefix: 'BPA-SAM01', name: 'SAMARINDA' });
  });

  it.each([
    [{ ...samarinda, name: ' ' }, 'name'],
    [{ ...samarinda, countryCode: 'XX' }, 'countryCode'],
    [{ ...samarinda, timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ ...samarinda, workshopOpensAt: '8am' }, 'workshopOpensAt'],
    [{ ...samarinda, workshopClosesAt: '07:00' }, 'workshopClosesAt'],
    [{ ...samarinda, workshopClosesAt: null }, 'workshopClosesAt'],
    [{ ...samarinda, customerCodePrefix: 'B/P' }, 'customerCodePrefix'],
  ])('refuses %j on %s', (input, field) => {
    try {
      resolveBranch(null, input);
      throw new Error('expected an error');
    } catch (error) {
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('refuses branch codes that are not codes', () => {
    expect(() => validateBranchId('S')).toThrow();
    expect(() => validateBranchId('SAM 01')).toThrow();
  });
});
