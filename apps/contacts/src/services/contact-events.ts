import { stateEvent, type CloudEvent } from '@crm/events';
import type { ContactRecord } from './contact-sql';

export function contactState(c: ContactRecord): { id: string } & Record<string, unknown> {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    parentId: c.parentId,
    addressType: c.addressType,
    street: c.street,
    street2: c.street2,
    city: c.city,
    state: c.state,
    zip: c.zip,
    countryCode: c.countryCode,
    email: c.email,
    emailEntered: c.emailEntered,
    phone: c.phone,
    phoneEntered: c.phoneEntered,
    mobile: c.mobile,
    mobileEntered: c.mobileEntered,
    website: c.website,
    jobPosition: c.jobPosition,
    title: c.title,
    taxId: c.taxId,
    nationalId: c.nationalId,
    occupationId: c.occupationId,
    occupationName: c.occupationName,
    instagram: c.instagram,
    facebook: c.facebook,
    twitter: c.twitter,
    tagIds: c.tagIds,
    salespersonId: c.salespersonId,
    branchId: c.branchId,
    notes: c.notes,
    code: c.code,
    mergedIntoId: c.mergedIntoId,
    active: c.active,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
  };
}

export type ContactEventName = 'created' | 'updated' | 'archived' | 'restored' | 'merged';

export function contactEvent(
  event: ContactEventName,
  contact: ContactRecord,
  options: {
    time: Date;
    traceparent?: string;
    changes?: Record<string, { from: unknown; to: unknown }>;
    extra?: Record<string, unknown>;
  },
): CloudEvent {
  return stateEvent({ subgraph: 'contacts', aggregate: 'contact', event, state: contactState(contact), ...options });
}
