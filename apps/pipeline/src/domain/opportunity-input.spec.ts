import { GraphQLError } from 'graphql';
import { validateNewOpportunity } from './opportunity-input';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.['field'];
  }
  return undefined;
}

describe('new opportunity input', () => {
  it('defaults revenue to 0 and the currency to the default', () => {
    expect(validateNewOpportunity({ name: ' 200 Office Chairs ' }, 'IDR')).toEqual({
      name: '200 Office Chairs',
      customerId: null,
      expectedRevenue: '0',
      currency: 'IDR',
    });
  });

  it('names the field at fault', () => {
    expect(fieldOf(() => validateNewOpportunity({ name: 'x', expectedRevenue: '-1' }, 'IDR'))).toBe('expectedRevenue');
    expect(fieldOf(() => validateNewOpportunity({ name: 'x', currency: 'rupiah' }, 'IDR'))).toBe('currency');
    expect(fieldOf(() => validateNewOpportunity({ name: 'x', customerId: '42' }, 'IDR'))).toBe('customerId');
  });
});
