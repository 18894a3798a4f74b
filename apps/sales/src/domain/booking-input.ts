import { badInput, isValidDate } from '@crm/graphql';
import { optionalId, optionalText, requiredId } from './fields';
import { minutesOfDay, zonedTimeToInstant } from './zoned-time';

export const SERVICE_TYPES = ['KPB1', 'KPB2', 'KPB3', 'KPB4', 'REGULAR'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** The free-text fields of the booking form (seed 002). */
const TEXT_FIELDS = ['mobile', 'engineNumber', 'visitReason', 'complaint', 'carrierRelation', 'pit', 'mechanic', 'serviceAdvisor'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

export interface BookingFieldsInput {
  bookingDate?: string | null;
  serviceHour?: number | null;
  serviceMinute?: number | null;
  branchId?: string | null;
  customerId?: string | null;
  serviceType?: ServiceType | null;
  mobile?: string | null;
  engineNumber?: string | null;
  visitReason?: string | null;
  complaint?: string | null;
  carrierRelation?: string | null;
  pit?: string | null;
  mechanic?: string | null;
  serviceAdvisor?: string | null;
}

export interface NewBookingInput extends BookingFieldsInput {
  opportunityId?: string | null;
}

export type BookingFieldsDraft = Partial<
  { bookingDate: string; serviceHour: number; serviceMinute: number; branchId: string; customerId: string; serviceType: ServiceType } & Record<
    TextField,
    string | null
  >
>;

/** Checks the shape of the fields given (undefined = not given). */
export function validateBookingFields(input: BookingFieldsInput): BookingFieldsDraft {
  const draft: BookingFieldsDraft = {};
  if (input.bookingDate != null) {
    if (!isValidDate(input.bookingDate)) throw badInput('bookingDate', `"${input.bookingDate}" is not a calendar date YYYY-MM-DD`);
    draft.bookingDate = input.bookingDate;
  }
  if (input.serviceHour != null) {
    if (!Number.isInteger(input.serviceHour) || input.serviceHour < 0 || input.serviceHour > 23) {
      throw badInput('serviceHour', 'the service hour is 0–23');
    }
    draft.serviceHour = input.serviceHour;
  }
  if (input.serviceMinute != null) {
    if (!Number.isInteger(input.serviceMinute) || input.serviceMinute < 0 || input.serviceMinute > 59) {
      throw badInput('serviceMinute', 'the service minute is 0–59');
    }
    draft.serviceMinute = input.serviceMinute;
  }
  if (input.branchId != null) {
    const branch = input.branchId.trim().toUpperCase();
    if (!/^[A-Z0-9-]{2,20}$/.test(branch)) throw badInput('branchId', `"${input.branchId}" is not a branch code`);
    draft.branchId = branch;
  }
  if (input.customerId != null) draft.customerId = requiredId(input.customerId, 'customerId');
  if (input.serviceType != null) {
    if (!(SERVICE_TYPES as readonly string[]).includes(input.serviceType)) {
      throw badInput('serviceType', `service type is one of ${SERVICE_TYPES.join(', ')}`);
    }
    draft.serviceType = input.serviceType;
  }
  for (const field of TEXT_FIELDS) {
    if (input[field] !== undefined) draft[field] = optionalText(input[field]);
  }
  if (draft.mobile && !/^\+?[\d\s-]{6,20}$/.test(draft.mobile)) throw badInput('mobile', `"${draft.mobile}" is not a phone number`);
  return draft;
}

export function validateNewBooking(input: NewBookingInput): BookingFieldsDraft & { opportunityId: string } {
  const opportunityId = optionalId(input.opportunityId, 'opportunityId');
  if (!opportunityId) throw badInput('opportunityId', 'a booking service is created from an opportunity');
  const draft = validateBookingFields(input);
  if (draft.bookingDate === undefined) throw badInput('bookingDate', 'the booking date is required');
  if (draft.serviceHour === undefined) throw badInput('serviceHour', 'the service hour is required');
  if (draft.serviceType === undefined) throw badInput('serviceType', 'the service type is required');
  return { ...draft, opportunityId };
}

export interface BranchFacts {
  id: string;
  name: string;
  timeZone: string;
  workshopOpensAt: string | null;
  workshopClosesAt: string | null;
  active: boolean;
}

/**
 * The booked instant, checked against the branch: open (active), inside the workshop's hours
 * (local time in the branch's zone; opening inclusive, closing exclusive), and not in the past.
 */
export function scheduleBooking(
  slot: { bookingDate: string; serviceHour: number; serviceMinute: number },
  branch: BranchFacts,
  now: Date,
): Date {
  if (!branch.active) throw badInput('branchId', `branch ${branch.id} is closed (archived)`);
  const minutes = slot.serviceHour * 60 + slot.serviceMinute;
  const opens = branch.workshopOpensAt ? minutesOfDay(branch.workshopOpensAt) : null;
  const closes = branch.workshopClosesAt ? minutesOfDay(branch.workshopClosesAt) : null;
  const time = `${String(slot.serviceHour).padStart(2, '0')}:${String(slot.serviceMinute).padStart(2, '0')}`;
  if ((opens !== null && minutes < opens) || (closes !== null && minutes >= closes)) {
    throw badInput(
      'serviceHour',
      `${time} is outside the workshop hours of ${branch.id} (${branch.workshopOpensAt ?? '00:00'}–${branch.workshopClosesAt ?? '24:00'}, ${branch.timeZone})`,
    );
  }
  const at = zonedTimeToInstant(slot.bookingDate, slot.serviceHour, slot.serviceMinute, branch.timeZone);
  if (at.getTime() < now.getTime()) {
    throw badInput('bookingDate', `${slot.bookingDate} ${time} (${branch.timeZone}) has already passed`);
  }
  return at;
}
