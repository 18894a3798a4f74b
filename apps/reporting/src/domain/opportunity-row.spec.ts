import { opportunityRowOf, prorate } from './opportunity-row';

describe('opportunity rows from event states', () => {
  it('prorates exactly, rounding half up to cents', () => {
    expect(prorate('100000000', '10')).toBe('10000000');
    expect(prorate('45000000.00', '30')).toBe('13500000');
    expect(prorate('1', '33.333')).toBe('0.33');
    expect(prorate('0.05', '50')).toBe('0.03');
    expect(prorate('12345678901234567890.99', '100')).toBe('12345678901234567890.99');
    expect(prorate('-10', '15')).toBe('-1.5');
  });

  it('gives the fields a state leaves out the defaults of a new record', () => {
    const row = opportunityRowOf(
      { id: 'x', name: 'Minimal', version: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', expectedRevenue: '5.00' },
      'IDR',
    );
    expect(row).toMatchObject({ type: 'opportunity', status: 'open', active: true, currency: 'IDR', expectedRevenue: '5.00', proratedRevenue: null, tagIds: [], properties: {} });
  });

  it('computes the prorated revenue when only the probability travels, and ignores malformed values', () => {
    const row = opportunityRowOf(
      {
        id: 'x',
        name: 'Full',
        version: 2,
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-02T00:00:00Z',
        type: 'lead',
        expectedRevenue: '2000',
        probability: '25',
        currency: 'usd',
        salespersonId: 'not-a-uuid',
        status: 'lost',
        active: false,
        properties: ['not', 'an', 'object'],
      },
      'IDR',
    );
    expect(row).toMatchObject({ type: 'lead', proratedRevenue: '500', currency: 'IDR', salespersonId: null, status: 'lost', active: false, properties: {} });
  });
});
