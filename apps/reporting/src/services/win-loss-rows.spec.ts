import { emptyMeasures, type AggregateRow } from './opportunity-aggregate';
import { winLossRows } from './win-loss-service';
import { parseDashboardFilter } from './team-dashboard-service';

const measures = (count: number, amount: string, avgDaysToClose: number | null) => ({
  ...emptyMeasures(null),
  count,
  expectedRevenue: [{ amount, currency: 'IDR' }],
  avgDaysToClose,
});
const key = (dimension: string, value: string | null, label: string) => ({ dimension, value, label, sequence: null });

describe('winLossRows', () => {
  it('folds (dimension…, status) rows into one row per key, won against lost, in the given order', () => {
    const rows: AggregateRow[] = [
      { keys: [key('team', 't1', 'Dealers'), key('status', 'lost', 'Lost')], measures: measures(1, '30', null) },
      { keys: [key('team', 't2', 'Direct'), key('status', 'lost', 'Lost')], measures: measures(2, '25', null) },
      { keys: [key('team', 't2', 'Direct'), key('status', 'won', 'Won')], measures: measures(1, '100', 30) },
    ];
    expect(winLossRows(['team'], rows)).toEqual([
      { keys: [{ dimension: 'team', value: 't1', label: 'Dealers' }], won: 0, lost: 1, winRate: 0, wonRevenue: [], lostRevenue: [{ amount: '30', currency: 'IDR' }], averageCycleDays: null },
      {
        keys: [{ dimension: 'team', value: 't2', label: 'Direct' }],
        won: 1,
        lost: 2,
        winRate: 0.3333,
        wonRevenue: [{ amount: '100', currency: 'IDR' }],
        lostRevenue: [{ amount: '25', currency: 'IDR' }],
        averageCycleDays: 30,
      },
    ]);
  });

  it('keeps a null key (None) apart from the others', () => {
    const rows: AggregateRow[] = [
      { keys: [key('tag', 'a', 'a'), key('status', 'won', 'Won')], measures: measures(1, '1', 2) },
      { keys: [key('tag', null, 'None'), key('status', 'won', 'Won')], measures: measures(3, '3', 4) },
    ];
    expect(winLossRows(['tag'], rows).map((r) => [r.keys[0]!.value, r.won, r.lost, r.winRate])).toEqual([
      ['a', 1, 0, 1],
      [null, 3, 0, 1],
    ]);
  });
});

describe('parseDashboardFilter', () => {
  it('takes the narrowing fields and refuses the periods', () => {
    expect(parseDashboardFilter({ branchIds: ['SAM01', 'SAM01'], type: 'LEAD' })).toMatchObject({ branchIds: ['SAM01'], type: 'lead', includeArchived: true, from: null });
    expect(() => parseDashboardFilter({ to: '2026-01-31' })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.to' }) }));
    expect(() => parseDashboardFilter({ dateField: 'CLOSED' })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.dateField' }) }));
    expect(() => parseDashboardFilter({ stageIds: ['x'] })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.stageIds' }) }));
  });
});
