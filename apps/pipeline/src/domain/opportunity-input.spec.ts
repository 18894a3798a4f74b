import { GraphQLError } from 'graphql';
import { namedFields, validateOpportunityFields } from './opportunity-input';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.['field'];
  }
  return undefined;
}

describe('opportunity input', () => {
  it('normalises the fields present and leaves the others out', () => {
    expect(
      validateOpportunityFields({
        name: ' 200 Office Chairs ',
        expectedRevenue: '100000000',
        currency: 'idr',
        probability: '90',
        priority: 3,
        email: ' Pepper@Avengers.ID ',
        countryCode: 'id',
        tagIds: ['0193a2b4-0000-7000-8000-000000000001', '0193a2b4-0000-7000-8000-000000000001'],
        branchId: 'sam01',
        contactName: '  ',
      }),
    ).toEqual({
      name: '200 Office Chairs',
      expectedRevenue: '100000000.00',
      currency: 'IDR',
      probability: '90.00',
      priority: 3,
      email: 'pepper@avengers.id',
      countryCode: 'ID',
      tagIds: ['0193a2b4-0000-7000-8000-000000000001'],
      branchId: 'SAM01',
      contactName: null,
    });
    expect(validateOpportunityFields({})).toEqual({});
    expect(validateOpportunityFields({ probability: null })).toEqual({ probability: null });
  });

  it.each([
    [{ name: '  ' }, 'name'],
    [{ expectedRevenue: '-1' }, 'expectedRevenue'],
    [{ expectedRevenue: '1.005' }, 'expectedRevenue'],
    [{ currency: 'rupiah' }, 'currency'],
    [{ customerId: '42' }, 'customerId'],
    [{ probability: '101' }, 'probability'],
    [{ probability: '-0.5' }, 'probability'],
    [{ priority: 4 }, 'priority'],
    [{ email: 'not-an-email' }, 'email'],
    [{ countryCode: 'IDN' }, 'countryCode'],
    [{ type: 'deal' }, 'type'],
    [{ tagIds: ['x'] }, 'tagIds.0'],
    [{ branchId: 'S A M' }, 'branchId'],
  ])('rejects %j naming %s', (input, field) => {
    expect(fieldOf(() => validateOpportunityFields(input as never))).toBe(field);
  });

  it('names the fields an update touches, properties by key', () => {
    expect(namedFields(validateOpportunityFields({ name: 'x', properties: [{ key: 'followUp1', value: '2020-07-11' }] }))).toEqual([
      'name',
      'properties.followUp1',
    ]);
  });
});
