import {
  TOTAL_VALUE,
  TOTAL_VARIABLE,
  accumulate,
  applyDelta,
  closingDeltas,
  frequencyTable,
  scoreLead,
  type FrequencyTable,
  type ScoringValues,
} from './scoring';

const stages = [
  { id: 'new', sequence: 1 },
  { id: 'qualified', sequence: 2 },
  { id: 'proposition', sequence: 3 },
  { id: 'won', sequence: 70 },
];
const lead = (over: Partial<ScoringValues>): ScoringValues => ({
  stageId: 'new',
  teamId: 'sales',
  countryCode: null,
  source: null,
  medium: null,
  campaign: null,
  tagIds: [],
  ...over,
});
const round2 = (x: number) => Math.round(x * 10000) / 100;

function history(): FrequencyTable {
  const table: FrequencyTable = new Map();
  for (let i = 0; i < 3; i += 1) accumulate(table, closingDeltas(lead({ stageId: 'won', countryCode: 'ID' }), 'won', stages, ['stage', 'country']));
  accumulate(table, closingDeltas(lead({ stageId: 'new', countryCode: 'US' }), 'lost', stages, ['stage', 'country']));
  return table;
}

describe('predictive lead scoring (naive Bayes per team)', () => {
  it('counts a won lead in every stage and a lost one up to its stage, with 0.1 smoothing', () => {
    const table = history();
    expect(table.get(TOTAL_VARIABLE)!.get(TOTAL_VALUE)).toEqual({ wonTenths: 31, lostTenths: 11 });
    expect(table.get('stage')!.get('new')).toEqual({ wonTenths: 31, lostTenths: 11 });
    expect(table.get('stage')!.get('qualified')).toEqual({ wonTenths: 31, lostTenths: 1 });
    expect(table.get('stage')!.get('won')).toEqual({ wonTenths: 31, lostTenths: 1 });
    expect(table.get('country')!.get('ID')).toEqual({ wonTenths: 31, lostTenths: 1 });
    expect(table.get('country')!.get('US')).toEqual({ wonTenths: 1, lostTenths: 11 });
  });

  it('scores a lead (no stage) on its other fields, as Odoo does', () => {
    const table = history();
    // Indonesia: prior 31/42 vs 11/42; country 31/32 vs 1/12 — no stage factor.
    const won = (31 / 42) * (31 / 32);
    const lost = (11 / 42) * (1 / 12);
    expect(scoreLead(lead({ stageId: null, countryCode: 'ID' }), ['stage', 'country'], table)).toBe(round2(won / (won + lost)));
  });

  it('computes the Bayes probability from the frequencies', () => {
    const table = history();
    // Qualified, Indonesia: prior 31/42 vs 11/42; stage 31/31 vs 1/11; country 31/32 vs 1/12.
    const won = (31 / 42) * (31 / 31) * (31 / 32);
    const lost = (11 / 42) * (1 / 11) * (1 / 12);
    expect(scoreLead(lead({ stageId: 'qualified', countryCode: 'ID' }), ['stage', 'country'], table)).toBe(round2(won / (won + lost)));
    // New, United States: stage 31/31 vs 11/11; country 1/32 vs 11/12.
    const won2 = (31 / 42) * (1 / 32);
    const lost2 = (11 / 42) * (11 / 12);
    expect(scoreLead(lead({ stageId: 'new', countryCode: 'US' }), ['stage', 'country'], table)).toBe(round2(won2 / (won2 + lost2)));
    // A value never seen is ignored: the stage alone decides.
    const won3 = 31 / 42;
    const lost3 = (11 / 42) * (11 / 11);
    expect(scoreLead(lead({ stageId: 'new', countryCode: 'FR' }), ['stage', 'country'], table)).toBe(round2(won3 / (won3 + lost3)));
  });

  it('needs one real won and one real lost lead before it scores', () => {
    const table: FrequencyTable = new Map();
    expect(scoreLead(lead({}), ['stage'], table)).toBeNull();
    accumulate(table, closingDeltas(lead({ stageId: 'won' }), 'won', stages, ['stage']));
    expect(scoreLead(lead({}), ['stage'], table)).toBeNull();
    accumulate(table, closingDeltas(lead({ stageId: 'new' }), 'lost', stages, ['stage']));
    expect(scoreLead(lead({}), ['stage'], table)).not.toBeNull();
  });

  it('ignores tags seen fewer than 50 times and clamps to 0.01–99.99', () => {
    const table = history();
    accumulate(table, closingDeltas(lead({ stageId: 'new', tagIds: ['rare'] }), 'lost', stages, ['tags']));
    const tagged = lead({ stageId: 'qualified', countryCode: 'ID', tagIds: ['rare'] });
    expect(scoreLead(tagged, ['stage', 'country', 'tags'], table)).toBe(scoreLead(tagged, ['stage', 'country'], table));
    for (let i = 0; i < 60; i += 1) {
      accumulate(table, closingDeltas(lead({ stageId: 'new', tagIds: ['rare'] }), 'lost', stages, ['tags']));
      accumulate(table, closingDeltas(lead({ stageId: 'won', tagIds: ['other'] }), 'won', stages, ['tags']));
    }
    expect(scoreLead(tagged, ['stage', 'country', 'tags'], table)).toBeLessThan(scoreLead(tagged, ['stage', 'country'], table)!);
    const lopsided = frequencyTable([
      { variable: TOTAL_VARIABLE, value: TOTAL_VALUE, wonTenths: 10001, lostTenths: 11 },
      { variable: 'stage', value: 'new', wonTenths: 10001, lostTenths: 1 },
    ]);
    expect(scoreLead(lead({}), ['stage'], lopsided)).toBe(99.99);
  });

  it('takes a closing back (restore, reopen) without going below the smoothing', () => {
    const delta = { variable: 'country', value: 'ID', won: 0, lost: 1 };
    const once = applyDelta(undefined, delta, 1);
    expect(once).toEqual({ wonTenths: 1, lostTenths: 11 });
    expect(applyDelta(once, delta, -1)).toEqual({ wonTenths: 1, lostTenths: 1 });
    expect(applyDelta({ wonTenths: 1, lostTenths: 1 }, delta, -1)).toEqual({ wonTenths: 1, lostTenths: 1 });
    expect(applyDelta(undefined, delta, -1)).toEqual({ wonTenths: 1, lostTenths: 1 });
  });

  it('counts a lost lead in a stage it no longer finds as that stage only', () => {
    const deltas = closingDeltas(lead({ stageId: 'gone' }), 'lost', stages, ['stage']);
    expect(deltas.filter((d) => d.variable === 'stage').map((d) => d.value)).toEqual(['gone']);
  });
});
