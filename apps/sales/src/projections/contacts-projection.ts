import type { EntityManager } from 'typeorm';
import { TOPICS, type CloudEvent, type StateEventData } from '@crm/events';
import type { ConsumerSpec } from '@crm/service';
import type { BookingService } from '../services/booking-service';
import type { QuotationService } from '../services/quotation-service';

interface ContactState {
  id: string;
  version: number;
  name: string;
  kind?: string;
  parentId?: string | null;
  addressType?: string | null;
  street?: string | null;
  street2?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  active?: boolean;
}

interface BranchState {
  id: string;
  version: number;
  name: string;
  timeZone: string;
  workshopOpensAt?: string | null;
  workshopClosesAt?: string | null;
  active: boolean;
}

/** Customers and their addresses: names and addresses for the PDF, e-mail recipients, address checks. */
async function applyContact(event: CloudEvent, manager: EntityManager): Promise<void> {
  const { state: c } = event.data as StateEventData<ContactState>;
  await manager.query(
    `INSERT INTO sales.contact_copy AS x (id, version, name, kind, parent_id, address_type, street, street2, city, state, zip,
       country_code, email, phone, mobile, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
       parent_id = EXCLUDED.parent_id, address_type = EXCLUDED.address_type, street = EXCLUDED.street, street2 = EXCLUDED.street2,
       city = EXCLUDED.city, state = EXCLUDED.state, zip = EXCLUDED.zip, country_code = EXCLUDED.country_code,
       email = EXCLUDED.email, phone = EXCLUDED.phone, mobile = EXCLUDED.mobile, active = EXCLUDED.active
     WHERE x.version < EXCLUDED.version`,
    [
      c.id,
      c.version,
      c.name,
      c.kind ?? null,
      c.parentId ?? null,
      c.addressType ?? null,
      c.street ?? null,
      c.street2 ?? null,
      c.city ?? null,
      c.state ?? null,
      c.zip ?? null,
      c.countryCode ?? null,
      c.email ?? null,
      c.phone ?? null,
      c.mobile ?? null,
      c.active ?? true,
    ],
  );
}

/** Branches: time zone and workshop hours for booking services. */
async function applyBranch(event: CloudEvent, manager: EntityManager): Promise<void> {
  const { state: b } = event.data as StateEventData<BranchState>;
  await manager.query(
    `INSERT INTO sales.branch_copy AS x (id, version, name, time_zone, workshop_opens_at, workshop_closes_at, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
       workshop_opens_at = EXCLUDED.workshop_opens_at, workshop_closes_at = EXCLUDED.workshop_closes_at, active = EXCLUDED.active
     WHERE x.version < EXCLUDED.version`,
    [b.id, b.version, b.name, b.timeZone, b.workshopOpensAt ?? null, b.workshopClosesAt ?? null, b.active],
  );
}

/**
 * Local copies of contacts (names, addresses, e-mail, whether archived) and branches. When
 * contacts are merged, the quotations, orders and bookings of the merged ones move to the
 * contact that remains, as Odoo's partner merge re-points every reference.
 */
export function contactsProjection(quotations: QuotationService, bookings: BookingService): ConsumerSpec {
  return {
    name: 'sales.contacts',
    topics: [TOPICS.contactsContact, TOPICS.contactsBranch],
    handlers: {
      'crm.contacts.contact.created.v1': applyContact,
      'crm.contacts.contact.updated.v1': applyContact,
      'crm.contacts.contact.archived.v1': applyContact,
      'crm.contacts.contact.restored.v1': applyContact,
      'crm.contacts.contact.merged.v1': async (event, manager) => {
        await applyContact(event, manager);
        const data = event.data as StateEventData<ContactState> & { mergedIds?: string[] };
        const merged = (data.mergedIds ?? []).filter((id) => id !== data.state.id);
        if (merged.length === 0) return;
        const time = new Date(event.time);
        await quotations.reassignContact(manager, merged, data.state.id, time, event.type);
        await bookings.reassignContact(manager, merged, data.state.id, time);
      },
      'crm.contacts.branch.created.v1': applyBranch,
      'crm.contacts.branch.updated.v1': applyBranch,
    },
  };
}
