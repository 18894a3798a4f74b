import { dueLeads, engineKey, kpbNumberOf, localDate, parseHistoryDate, validateLeadGeneration, type HistoryRow, type LeadGenerationRules } from './lead-generation';
import type { PropertyDefinition } from './properties';

const definitions: PropertyDefinition[] = [
  { key: 'leadCategory', label: 'Lead category', type: 'selection', options: [{ value: 'H1_TO_H2', label: 'H1' }, { value: 'H2_TO_H2', label: 'H2' }] },
  { key: 'note', label: 'Note', type: 'text', options: [] },
];

// The dealer's schedule: KPB 3 of a 2019-12-04 sale expires 2020-07-31 (240 days), as on seed 002's lead form.
const rules: LeadGenerationRules = validateLeadGeneration(
  {
    timeZone: 'Asia/Jakarta',
    createAs: 'opportunity',
    sales: {
      daysAhead: 7,
      kpb: [
        { number: 1, dueAfterDays: 30, expiresAfterDays: 60 },
        { number: 2, dueAfterDays: 90, expiresAfterDays: 120 },
        { number: 3, dueAfterDays: 210, expiresAfterDays: 240 },
        { number: 4, dueAfterDays: 330, expiresAfterDays: 360 },
      ],
      properties: { leadCategory: 'h1' },
    },
    service: { minDaysSince: 60, maxDaysSince: 90 },
  },
  definitions,
)!;

const sale = (line: number, engine: string, date: string, branchId = 'SAM01'): HistoryRow => ({ line, kind: 'sales', branchId, engineNumber: engine, date, serviceType: null });
const service = (line: number, engine: string, date: string, type = 'REG'): HistoryRow => ({ line, kind: 'service', branchId: 'SAM01', engineNumber: engine, date, serviceType: type });
const today = (date: string) => () => date;

describe('lead generation from sales and service history', () => {
  it('validates the configuration, naming the entry at fault', () => {
    expect(rules.sales!.properties).toEqual({ leadCategory: 'H1_TO_H2' });
    const bad: [Parameters<typeof validateLeadGeneration>[0], string][] = [
      [{ timeZone: 'Mars/Olympus', service: { minDaysSince: 1, maxDaysSince: 2 } }, 'leadGeneration.timeZone'],
      [{ createAs: 'quote', service: { minDaysSince: 1, maxDaysSince: 2 } }, 'leadGeneration.createAs'],
      [{}, 'leadGeneration'],
      [{ service: { minDaysSince: 90, maxDaysSince: 60 } }, 'leadGeneration.service.maxDaysSince'],
      [{ service: { minDaysSince: 0, maxDaysSince: 60 } }, 'leadGeneration.service.minDaysSince'],
      [{ sales: { kpb: [] } }, 'leadGeneration.sales.kpb'],
      [{ sales: { kpb: [{ number: 1, dueAfterDays: 60, expiresAfterDays: 30 }] } }, 'leadGeneration.sales.kpb.0.expiresAfterDays'],
      [{ sales: { kpb: [{ number: 0, dueAfterDays: 1, expiresAfterDays: 2 }] } }, 'leadGeneration.sales.kpb.0.number'],
      [{ sales: { kpb: [{ number: 1, dueAfterDays: 1, expiresAfterDays: 2 }], properties: { colour: 'red' } } }, 'leadGeneration.sales.properties.colour'],
    ];
    for (const [input, field] of bad) {
      let error: any;
      try {
        validateLeadGeneration(input, definitions);
      } catch (e) {
        error = e;
      }
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(validateLeadGeneration(null, definitions)).toBeNull();
  });

  it('generates KPB n when its due window opens (days ahead) and not after it expired', () => {
    // KPB 3 of a 2019-12-04 sale: due 2020-07-01, expires 2020-07-31; leads from 2020-06-24 on.
    const rows = [sale(2, 'KF41E1693525', '2019-12-04')];
    expect(dueLeads(rules, rows, today('2020-06-23'))).toEqual([]);
    expect(dueLeads(rules, rows, today('2020-06-24'))).toEqual([
      { line: 2, category: 'H1_TO_H2', key: 'H1/KF41E1693525/KPB3', kpbNumber: 3, kpbDue: '2020-07-01', kpbExpiry: '2020-07-31' },
    ]);
    expect(dueLeads(rules, rows, today('2020-07-31')).map((d) => d.key)).toEqual(['H1/KF41E1693525/KPB3']);
    expect(dueLeads(rules, rows, today('2020-08-01'))).toEqual([]);
  });

  it('skips a KPB the history shows done (that one or a later one serviced)', () => {
    const rows = [sale(2, 'E1', '2020-05-01'), service(3, 'E1', '2020-06-01', 'KPB 1')];
    // 2020-07-25: KPB 2 (due 2020-07-30) is within 7 days; KPB 1 was done.
    expect(dueLeads(rules, rows, today('2020-07-25')).map((d) => d.key)).toEqual(['H1/E1/KPB2']);
    expect(dueLeads(rules, [rows[0]!, service(3, 'E1', '2020-07-20', 'KPB 2')], today('2020-07-25'))).toEqual([]);
  });

  it('generates a service lead 60–90 days after the last service, not when a later one exists', () => {
    const rows = [service(2, 'A', '2020-05-02'), service(3, 'B', '2020-06-21'), service(4, 'C', '2020-05-02'), service(5, 'C', '2020-06-01')];
    // 2020-07-11: A 70 days ago → lead; B 20 days ago → none; C's last service is 40 days ago (and its older one has a later one).
    expect(dueLeads(rules, rows, today('2020-07-11'))).toEqual([
      { line: 2, category: 'H2_TO_H2', key: 'H2/A/2020-05-02', kpbNumber: null, kpbDue: null, kpbExpiry: null },
    ]);
    expect(dueLeads(rules, [service(2, 'A', '2020-05-12')], today('2020-07-11'))).toHaveLength(1); // 60 days
    expect(dueLeads(rules, [service(2, 'A', '2020-05-13')], today('2020-07-11'))).toEqual([]); // 59 days
    expect(dueLeads(rules, [service(2, 'A', '2020-04-12')], today('2020-07-11'))).toHaveLength(1); // 90 days
    expect(dueLeads(rules, [service(2, 'A', '2020-04-11')], today('2020-07-11'))).toEqual([]); // 91 days
  });

  it('gives the same sale or service twice in a file one lead', () => {
    expect(dueLeads(rules, [service(2, 'A', '2020-05-02'), service(3, 'A', '2020-05-02')], today('2020-07-11'))).toHaveLength(1);
  });

  it('uses "today" of the row’s branch', () => {
    const rows = [sale(2, 'E1', '2019-12-04', 'SAM01'), sale(3, 'E2', '2019-12-04', 'BAN05')];
    const todayOf = (branch: string) => (branch === 'SAM01' ? '2020-06-24' : '2020-06-23');
    expect(dueLeads(rules, rows, todayOf).map((d) => d.line)).toEqual([2]);
  });

  it('reads dates in a time zone, KPB types, engine numbers and history dates', () => {
    // 2020-07-10T17:30Z is already 11 July in Jakarta (UTC+7) and Samarinda (UTC+8).
    expect(localDate(new Date('2020-07-10T17:30:00Z'), 'Asia/Jakarta')).toBe('2020-07-11');
    expect(localDate(new Date('2020-07-10T16:30:00Z'), 'Asia/Jakarta')).toBe('2020-07-10');
    expect(localDate(new Date('2020-07-10T16:30:00Z'), 'Asia/Makassar')).toBe('2020-07-11');
    expect([kpbNumberOf('KPB 1'), kpbNumberOf('kpb2'), kpbNumberOf('KPB-3'), kpbNumberOf('REG'), kpbNumberOf(null)]).toEqual([1, 2, 3, null, null]);
    expect(engineKey('KT 2146 FK - KF41E1693525')).toBe('KF41E1693525');
    expect(engineKey(' jfk1e 1108328 ')).toBe('JFK1E1108328');
    expect([parseHistoryDate('2020-07-31'), parseHistoryDate('2020-02-30'), parseHistoryDate('07/31/2020')]).toEqual(['2020-07-31', null, null]);
  });
});
