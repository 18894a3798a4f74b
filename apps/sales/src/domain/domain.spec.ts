import type { GraphQLError } from 'graphql';
import { nextBookingState } from './booking-state';
import { bookingNumber, quotationNumber } from './numbering';
import { assertEditable, isQuotation, nextQuotationState, type QuotationState } from './quotation-state';
import { isValidTimeZone, localDate, minutesOfDay, yymm, zonedTimeToInstant } from './zoned-time';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.['code'];
  }
  return undefined;
}

describe('quotation state machine', () => {
  it('follows draft → sent → sale → cancelled → draft', () => {
    let state: QuotationState = 'draft';
    state = nextQuotationState(state, 'send');
    expect(state).toBe('sent');
    state = nextQuotationState(state, 'confirm');
    expect(state).toBe('sale');
    state = nextQuotationState(state, 'cancel');
    expect(state).toBe('cancelled');
    state = nextQuotationState(state, 'setToDraft');
    expect(state).toBe('draft');
    expect(nextQuotationState('draft', 'confirm')).toBe('sale');
    expect(nextQuotationState('sale', 'send')).toBe('sale');
  });

  it('refuses impossible moves with INVALID_TRANSITION', () => {
    expect(codeOf(() => nextQuotationState('cancelled', 'confirm'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextQuotationState('cancelled', 'send'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextQuotationState('sale', 'confirm'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextQuotationState('draft', 'setToDraft'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextQuotationState('sale', 'setToDraft'))).toBe('INVALID_TRANSITION');
    expect(() => nextQuotationState('cancelled', 'confirm')).toThrow('cannot confirm a cancelled quotation');
  });

  it('allows editing quotations only', () => {
    expect(() => assertEditable('draft')).not.toThrow();
    expect(() => assertEditable('sent')).not.toThrow();
    expect(codeOf(() => assertEditable('sale'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => assertEditable('cancelled'))).toBe('INVALID_TRANSITION');
    expect([isQuotation('draft'), isQuotation('sent'), isQuotation('sale'), isQuotation('cancelled')]).toEqual([true, true, false, false]);
  });
});

describe('booking state machine', () => {
  it('posts, then cancels or creates a work order', () => {
    expect(nextBookingState('draft', 'post')).toBe('posted');
    expect(nextBookingState('posted', 'createWorkOrder')).toBe('work_order_created');
    expect(nextBookingState('posted', 'cancel')).toBe('cancelled');
    expect(nextBookingState('draft', 'cancel')).toBe('cancelled');
    expect(codeOf(() => nextBookingState('draft', 'createWorkOrder'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextBookingState('work_order_created', 'cancel'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextBookingState('posted', 'edit'))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => nextBookingState('cancelled', 'post'))).toBe('INVALID_TRANSITION');
  });
});

describe('numbering', () => {
  it('numbers quotations S00001 …', () => {
    expect(quotationNumber(1)).toBe('S00001');
    expect(quotationNumber(42n)).toBe('S00042');
    expect(quotationNumber(123456)).toBe('S123456');
  });

  it('numbers bookings BOS-W/{branch}/{yymm}/{seq}', () => {
    expect(bookingNumber('MAN01', '2007', 1)).toBe('BOS-W/MAN01/2007/00001');
    expect(() => bookingNumber('MAN01', '20-7', 1)).toThrow();
  });
});

describe('zoned time', () => {
  it('turns a branch-local time into an instant', () => {
    expect(zonedTimeToInstant('2020-07-10', 11, 30, 'Asia/Makassar').toISOString()).toBe('2020-07-10T03:30:00.000Z');
    expect(zonedTimeToInstant('2020-07-10', 9, 0, 'Asia/Jakarta').toISOString()).toBe('2020-07-10T02:00:00.000Z');
    // Berlin in summer (UTC+2) and in winter (UTC+1)
    expect(zonedTimeToInstant('2026-07-01', 8, 0, 'Europe/Berlin').toISOString()).toBe('2026-07-01T06:00:00.000Z');
    expect(zonedTimeToInstant('2026-01-15', 8, 0, 'Europe/Berlin').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(zonedTimeToInstant('2026-03-29', 12, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-29T10:00:00.000Z');
  });

  it('reads local dates, yymm, HH:MM and time zones', () => {
    expect(localDate(new Date('2020-07-10T20:00:00Z'), 'Asia/Jakarta')).toBe('2020-07-11');
    expect(yymm(new Date('2020-07-31T18:00:00Z'), 'Asia/Jakarta')).toBe('2008');
    expect(yymm(new Date('2020-07-31T18:00:00Z'), 'UTC')).toBe('2007');
    expect(minutesOfDay('08:00')).toBe(480);
    expect(minutesOfDay('16:30')).toBe(990);
    expect(minutesOfDay('24:00')).toBe(1440);
    expect(minutesOfDay('8am')).toBeNull();
    expect(isValidTimeZone('Asia/Jakarta')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
