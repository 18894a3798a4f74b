import type { GraphQLError } from 'graphql';
import { scheduleBooking, validateNewBooking, type BranchFacts } from './booking-input';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.['field'];
  }
  return undefined;
}

const manado: BranchFacts = {
  id: 'MAN01',
  name: 'MANADO',
  timeZone: 'Asia/Makassar',
  workshopOpensAt: '08:00',
  workshopClosesAt: '16:00',
  active: true,
};
const now = new Date('2020-07-10T00:00:00Z'); // 08:00 in Manado

describe('booking input', () => {
  it('validates the form', () => {
    const draft = validateNewBooking({
      opportunityId: '01934d6e-0000-7000-8000-000000000001',
      bookingDate: '2020-07-10',
      serviceHour: 11,
      serviceMinute: 30,
      serviceType: 'KPB2',
      mobile: '082187479254',
      complaint: ' rem kurang pakem ',
      carrierRelation: 'Sendiri',
    });
    expect(draft).toMatchObject({ bookingDate: '2020-07-10', serviceHour: 11, serviceMinute: 30, complaint: 'rem kurang pakem' });
    expect(fieldOf(() => validateNewBooking({ bookingDate: '2020-07-10', serviceHour: 9, serviceType: 'KPB1' }))).toBe('opportunityId');
    const base = { opportunityId: '01934d6e-0000-7000-8000-000000000001', bookingDate: '2020-07-10', serviceType: 'KPB1' as const };
    expect(fieldOf(() => validateNewBooking({ ...base, serviceHour: 24 }))).toBe('serviceHour');
    expect(fieldOf(() => validateNewBooking({ ...base, serviceHour: 9, serviceMinute: 60 }))).toBe('serviceMinute');
    expect(fieldOf(() => validateNewBooking({ ...base, serviceHour: 9, serviceType: 'KPB5' as never }))).toBe('serviceType');
    expect(fieldOf(() => validateNewBooking({ ...base, serviceHour: 9, mobile: 'call me' }))).toBe('mobile');
  });

  it('books inside the workshop hours in the branch time zone', () => {
    expect(scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 11, serviceMinute: 30 }, manado, now).toISOString()).toBe(
      '2020-07-10T03:30:00.000Z',
    );
    expect(scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 8, serviceMinute: 0 }, manado, now).toISOString()).toBe(
      '2020-07-10T00:00:00.000Z',
    );
    expect(fieldOf(() => scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 16, serviceMinute: 0 }, manado, now))).toBe('serviceHour');
    expect(fieldOf(() => scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 7, serviceMinute: 59 }, manado, now))).toBe('serviceHour');
    expect(fieldOf(() => scheduleBooking({ bookingDate: '2020-07-09', serviceHour: 9, serviceMinute: 0 }, manado, now))).toBe('bookingDate');
    expect(fieldOf(() => scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 9, serviceMinute: 0 }, { ...manado, active: false }, now))).toBe(
      'branchId',
    );
    const open = { ...manado, workshopOpensAt: null, workshopClosesAt: null };
    expect(scheduleBooking({ bookingDate: '2020-07-10', serviceHour: 22, serviceMinute: 0 }, open, now).toISOString()).toBe(
      '2020-07-10T14:00:00.000Z',
    );
  });
});
