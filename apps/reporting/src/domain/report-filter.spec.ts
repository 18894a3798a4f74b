import { checkRange, isMonthAligned, isNarrowed, parseReportFilter } from './report-filter';
import { parseGroupBy } from './group-by';

const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('report filters and group-bys', () => {
  it('refuses a range whose from is after its to, and non-dates', () => {
    expect(field(() => checkRange('2026-03-01', '2026-02-01', 'filter'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
    expect(field(() => checkRange('2026-02-30', null, 'filter'))).toMatchObject({ field: 'filter.from' });
    expect(checkRange('2026-02-01', '2026-02-01', 'filter')).toEqual({ from: '2026-02-01', to: '2026-02-01' });
  });

  it('normalises a filter and names the bad field', () => {
    const filter = parseReportFilter({ type: 'LEAD', statuses: ['WON', 'WON'], branchIds: [' SAM01 ', ''], teamIds: ['01934d6e-0000-7000-8000-000000000001'] });
    expect(filter).toMatchObject({ type: 'lead', statuses: ['won'], branchIds: ['SAM01'], dateField: 'CREATED', includeArchived: false });
    expect(field(() => parseReportFilter({ stageIds: ['Won'] }))).toMatchObject({ field: 'filter.stageIds' });
    expect(isNarrowed(parseReportFilter({}))).toBe(false);
    expect(isNarrowed(parseReportFilter({ branchIds: ['SAM01'] }))).toBe(true);
  });

  it('knows month-aligned ranges (the cube answers them)', () => {
    expect(isMonthAligned('2026-01-01', '2026-02-28')).toBe(true);
    expect(isMonthAligned('2024-02-01', '2024-02-29')).toBe(true);
    expect(isMonthAligned('2026-01-02', null)).toBe(false);
    expect(isMonthAligned(null, '2026-02-27')).toBe(false);
  });

  it('takes up to two known group-bys, case-insensitively', () => {
    const known = ['stage', 'month', 'team'] as const;
    expect(parseGroupBy(['STAGE', 'Month'], known)).toEqual(['stage', 'month']);
    expect(parseGroupBy(null, known, ['stage'])).toEqual(['stage']);
    expect(field(() => parseGroupBy(['colour'], known))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(field(() => parseGroupBy(['stage', 'month', 'team'], known))).toMatchObject({ field: 'groupBy' });
    expect(field(() => parseGroupBy(['stage', 'stage'], known))).toMatchObject({ field: 'groupBy' });
  });
});
