import type { GraphQLError } from 'graphql';
import { automatedProbability, effectiveProbability, parseProbability, proratedRevenue } from './probability';

describe('probability', () => {
  it('uses the manual value until reset, else the automated one; won and lost override both', () => {
    const base = { status: 'open' as const, manual: true, manualValue: '90', automated: '10.00' };
    expect(effectiveProbability(base)).toBe('90.00');
    expect(effectiveProbability({ ...base, manual: false })).toBe('10.00');
    expect(effectiveProbability({ ...base, status: 'won' })).toBe('100.00');
    expect(effectiveProbability({ ...base, status: 'lost' })).toBe('0.00');
  });

  it('automates from the stage default, refined by the score when there is one', () => {
    expect(automatedProbability({ isWon: false, probability: '30' }, null)).toBe('30.00');
    expect(automatedProbability({ isWon: false, probability: '30' }, 42.126)).toBe('42.13');
    expect(automatedProbability({ isWon: true, probability: '100' }, 12)).toBe('100.00');
    expect(automatedProbability(null, null)).toBe('0.00');
  });

  it('prorates the expected revenue exactly', () => {
    expect(proratedRevenue('100000000.00', '90.00')).toBe('90000000.00');
    expect(proratedRevenue('1999.99', '33.33')).toBe('666.60');
  });

  it('accepts 0–100 only', () => {
    expect(parseProbability('90')).toBe('90.00');
    expect(parseProbability(0)).toBe('0.00');
    expect(parseProbability('100')).toBe('100.00');
    for (const bad of ['-1', '100.01', 'abc']) {
      try {
        parseProbability(bad);
        throw new Error('accepted');
      } catch (error) {
        expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'probability' });
      }
    }
  });
});
