import { changeLine, formatDecimal, trackChanges } from './tracking';

const names = { user: (id: string) => ({ u1: 'Mitchell Admin' })[id], contact: (id: string) => ({ c1: 'PT Avengers Initiative' })[id] };

describe('tracked changes', () => {
  it('formats numbers for display and keeps raw values', () => {
    expect(formatDecimal('80000000.00')).toBe('80,000,000');
    expect(formatDecimal('100000000')).toBe('100,000,000');
    expect(formatDecimal('1234.50')).toBe('1,234.5');
    expect(formatDecimal('-0.00')).toBe('0');
    expect(formatDecimal('999')).toBe('999');
    const [change] = trackChanges('Opportunity', { expectedRevenue: { from: '80000000.00', to: '100000000.00' } }, { state: {}, names });
    expect(change).toEqual({ field: 'expectedRevenue', label: 'Expected revenue', from: '80000000.00', to: '100000000.00', fromDisplay: '80,000,000', toDisplay: '100,000,000' });
    expect(changeLine(change!)).toBe('Expected revenue: 80,000,000 → 100,000,000');
  });

  it('shows stage moves by name, from stage_changed or from the previous state', () => {
    const moved = trackChanges('Opportunity', undefined, { state: { stageId: 's2', stageName: 'Qualified' }, stageNames: { from: 'New', to: 'Qualified' }, names });
    expect(moved.map(changeLine)).toEqual(['Stage: New → Qualified']);
    const updated = trackChanges('Opportunity', { stageId: { from: 's2', to: 's3' } }, { previous: { stageName: 'Qualified' }, state: { stageName: 'Proposition' }, names });
    expect(updated.map(changeLine)).toEqual(['Stage: Qualified → Proposition']);
  });

  it('names people and enums, skips untracked and unchanged fields', () => {
    const lines = trackChanges(
      'Opportunity',
      {
        salespersonId: { from: null, to: 'u1' },
        customerId: { from: null, to: 'c1' },
        priority: { from: 1, to: 3 },
        probability: { from: '30', to: '90' },
        updatedAt: { from: 'a', to: 'b' },
        name: { from: 'x', to: 'x' },
      },
      { state: {}, names },
    ).map(changeLine);
    expect(lines).toEqual(['Customer: — → PT Avengers Initiative', 'Salesperson: — → Mitchell Admin', 'Probability: 30 % → 90 %', 'Priority: Good → Excellent']);
    expect(
      trackChanges('Opportunity', { properties: { from: { kpbExpiryDate: '2026-12-01', tier: 'HOT' }, to: { kpbExpiryDate: '2026-12-05', tier: 'HOT', kpbNumber: 2 } } }, { state: {}, names }).map(changeLine),
    ).toEqual(['Kpb expiry date: 2026-12-01 → 2026-12-05', 'Kpb number: — → 2']);
    expect(trackChanges('BookingService', { state: { from: 'posted', to: 'work_order_created' } }, { state: {}, names }).map(changeLine)).toEqual([
      'Status: Posted → Work Order Created',
    ]);
  });
});
