import type { GraphQLError } from 'graphql';
import { conditionsHold, offsetLabel, planRule, renderTemplate, ruleDue, validateRule, type RuleDefinition } from './reminder-rule';

const JKT = 'Asia/Jakarta';

describe('reminder rule offsets', () => {
  it.each([
    [-7, null, '2026-11-24', null],
    [-3, null, '2026-11-28', null],
    [0, '08:00', '2026-12-01', '2026-12-01T01:00:00.000Z'],
    [3, null, '2026-12-04', null],
  ])('booking on 2026-12-01, offset %i at %s → due %s', (offsetDays, atTime, dueDate, dueAt) => {
    const due = ruleDue('2026-12-01', { offsetDays, atTime }, JKT);
    expect(due.dueDate).toBe(dueDate);
    expect(due.dueAt?.toISOString() ?? null).toBe(dueAt);
  });

  it('crosses month and year ends, and labels offsets the dealer’s way', () => {
    expect(ruleDue('2027-01-02', { offsetDays: -7, atTime: null }, JKT).dueDate).toBe('2026-12-26');
    expect(ruleDue('2026-12-30', { offsetDays: 3, atTime: '08:00' }, 'Asia/Makassar').dueAt?.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    expect([-7, -3, 0, 3].map(offsetLabel)).toEqual(['H-7', 'H-3', 'H', 'H+3']);
  });
});

describe('rule conditions and templates', () => {
  const booking = { number: 'BOS-W/SAM01/2611/00001', state: 'posted', serviceType: 'KPB1', workOrderNumber: null, properties: { tier: 'premium' } };
  it('evaluates EQ / NEQ / IN / NOT_IN / SET / NOT_SET on dotted paths', () => {
    expect(conditionsHold([{ field: 'state', operator: 'IN', values: ['draft', 'posted'] }], booking)).toBe(true);
    expect(conditionsHold([{ field: 'state', operator: 'EQ', values: ['work_order_created'] }], booking)).toBe(false);
    expect(conditionsHold([{ field: 'state', operator: 'NOT_IN', values: ['cancelled', 'work_order_created'] }], booking)).toBe(true);
    expect(conditionsHold([{ field: 'workOrderNumber', operator: 'NOT_SET', values: [] }], booking)).toBe(true);
    expect(conditionsHold([{ field: 'properties.tier', operator: 'NEQ', values: ['premium'] }], booking)).toBe(false);
    expect(conditionsHold([], booking)).toBe(true);
  });

  it('fills placeholders from the record and leaves unknown ones empty', () => {
    expect(renderTemplate('Reminder call {{ number }} ({{serviceType}}) on {{date}}{{nope}}', booking, { date: '2026-12-01' })).toBe(
      'Reminder call BOS-W/SAM01/2611/00001 (KPB1) on 2026-12-01',
    );
  });
});

describe('validating a rule', () => {
  const rule: RuleDefinition = {
    name: 'H-3 reminder call',
    resourceType: 'BookingService',
    dateField: 'bookingDate',
    offsetDays: -3,
    atTime: null,
    activityTypeId: 'x',
    summaryTemplate: 'Call {{number}}',
    noteTemplate: null,
    assigneeKind: 'BRANCH_ROLE',
    assigneeRole: ' crm_admin ',
    conditions: [],
  };
  const fieldOf = (r: RuleDefinition) => {
    try {
      validateRule(r);
      return null;
    } catch (e) {
      return (e as GraphQLError).extensions['field'];
    }
  };
  it('names the field at fault', () => {
    expect(validateRule(rule).assigneeRole).toBe('crm_admin');
    expect(fieldOf({ ...rule, dateField: 'serviceDate' })).toBe('dateField');
    expect(fieldOf({ ...rule, resourceType: 'Invoice' })).toBe('resourceType');
    expect(fieldOf({ ...rule, atTime: '8am' })).toBe('atTime');
    expect(fieldOf({ ...rule, offsetDays: 1.5 })).toBe('offsetDays');
    expect(fieldOf({ ...rule, assigneeRole: null })).toBe('assigneeRole');
    expect(fieldOf({ ...rule, conditions: [{ field: 'state', operator: 'IN', values: [] }] })).toBe('conditions.0.values');
  });
});

describe('planning a rule for a record', () => {
  const rule = { dateField: 'bookingDate', offsetDays: -3, atTime: null, conditions: [{ field: 'state', operator: 'IN' as const, values: ['draft', 'posted'] }] };
  const record = (state: string, bookingDate: string | null = '2026-12-01', active = true) => ({ state: { state, bookingDate }, active });

  it('creates the reminder once, not when its day has passed', () => {
    expect(planRule(rule, record('posted'), null, '2026-11-23', JKT)).toMatchObject({ action: 'create', anchor: '2026-12-01', due: { dueDate: '2026-11-28' } });
    expect(planRule(rule, record('posted'), null, '2026-11-29', JKT)).toMatchObject({ action: 'none' });
    const open = { id: 'a', status: 'open' as const, anchor: '2026-12-01', dueDate: '2026-11-28', cancelledByRule: false };
    expect(planRule(rule, record('posted'), open, '2026-11-23', JKT)).toMatchObject({ action: 'none' });
  });

  it('moves it with the date and cancels it when the condition stops holding', () => {
    const open = { id: 'a', status: 'open' as const, anchor: '2026-12-01', dueDate: '2026-11-28', cancelledByRule: false };
    expect(planRule(rule, record('posted', '2026-12-05'), open, '2026-11-23', JKT)).toMatchObject({ action: 'reschedule', id: 'a', due: { dueDate: '2026-12-02' } });
    expect(planRule(rule, record('work_order_created'), open, '2026-11-23', JKT)).toMatchObject({ action: 'cancel', id: 'a' });
    expect(planRule(rule, record('posted', null), open, '2026-11-23', JKT)).toMatchObject({ action: 'cancel', reason: 'bookingDate is empty' });
    expect(planRule(rule, record('posted', '2026-12-01', false), open, '2026-11-23', JKT)).toMatchObject({ action: 'cancel' });
  });

  it('does not redo a done reminder, or one a person cancelled, for the same date', () => {
    const done = { id: 'a', status: 'done' as const, anchor: '2026-12-01', dueDate: '2026-11-28', cancelledByRule: false };
    expect(planRule(rule, record('posted'), done, '2026-11-23', JKT)).toMatchObject({ action: 'none' });
    expect(planRule(rule, record('posted', '2026-12-10'), done, '2026-11-23', JKT)).toMatchObject({ action: 'create', anchor: '2026-12-10' });
    const byPerson = { ...done, status: 'cancelled' as const };
    expect(planRule(rule, record('posted'), byPerson, '2026-11-23', JKT)).toMatchObject({ action: 'none' });
    expect(planRule(rule, record('posted'), { ...byPerson, cancelledByRule: true }, '2026-11-23', JKT)).toMatchObject({ action: 'create' });
  });
});
