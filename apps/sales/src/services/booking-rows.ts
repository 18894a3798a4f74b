import { stateEvent, type CloudEvent } from '@crm/events';
import type { ServiceType } from '../domain/booking-input';
import type { BookingState } from '../domain/booking-state';

export interface BookingRow {
  id: string;
  number: string;
  state: BookingState;
  bookingDate: string;
  serviceHour: number;
  serviceMinute: number;
  scheduledAt: Date;
  timeZone: string;
  branchId: string;
  opportunityId: string;
  leadNumber: string | null;
  customerId: string;
  mobile: string | null;
  engineNumber: string | null;
  serviceType: ServiceType;
  visitReason: string | null;
  complaint: string | null;
  carrierRelation: string | null;
  pit: string | null;
  mechanic: string | null;
  serviceAdvisor: string | null;
  workOrderNumber: string | null;
  salespersonId: string | null;
  teamId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export const BOOKING_COLUMNS = `b.id, b.number, b.state, b.booking_date::text AS "bookingDate", b.service_hour AS "serviceHour",
  b.service_minute AS "serviceMinute", b.scheduled_at AS "scheduledAt", b.time_zone AS "timeZone", b.branch_id AS "branchId",
  b.opportunity_id AS "opportunityId", b.lead_number AS "leadNumber", b.customer_id AS "customerId", b.mobile,
  b.engine_number AS "engineNumber", b.service_type AS "serviceType", b.visit_reason AS "visitReason", b.complaint,
  b.carrier_relation AS "carrierRelation", b.pit, b.mechanic, b.service_advisor AS "serviceAdvisor",
  b.work_order_number AS "workOrderNumber", b.salesperson_id AS "salespersonId", b.team_id AS "teamId", b.version,
  b.created_at AS "createdAt", b.updated_at AS "updatedAt", b.created_by AS "createdBy", b.updated_by AS "updatedBy"`;

export const mapBooking = (raw: Record<string, unknown>): BookingRow => raw as unknown as BookingRow;

/** The aggregate's full state as events carry it (crm.sales.booking). */
export function bookingState(b: BookingRow): { id: string } & Record<string, unknown> {
  return {
    id: b.id,
    number: b.number,
    state: b.state,
    bookingDate: b.bookingDate,
    serviceHour: b.serviceHour,
    serviceMinute: b.serviceMinute,
    scheduledAt: b.scheduledAt.toISOString(),
    timeZone: b.timeZone,
    branchId: b.branchId,
    opportunityId: b.opportunityId,
    leadNumber: b.leadNumber,
    customerId: b.customerId,
    mobile: b.mobile,
    engineNumber: b.engineNumber,
    serviceType: b.serviceType,
    visitReason: b.visitReason,
    complaint: b.complaint,
    carrierRelation: b.carrierRelation,
    pit: b.pit,
    mechanic: b.mechanic,
    serviceAdvisor: b.serviceAdvisor,
    workOrderNumber: b.workOrderNumber,
    salespersonId: b.salespersonId,
    teamId: b.teamId,
    version: b.version,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    createdBy: b.createdBy,
    updatedBy: b.updatedBy,
  };
}

export type BookingEventName = 'created' | 'posted' | 'cancelled' | 'work_order_created';

export function bookingEvent(
  event: BookingEventName | 'updated',
  b: BookingRow,
  options: { time: Date; traceparent?: string; changes?: Record<string, { from: unknown; to: unknown }> },
): CloudEvent {
  return stateEvent({ subgraph: 'sales', aggregate: 'booking', event, state: bookingState(b), ...options });
}
