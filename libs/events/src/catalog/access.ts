import { accessDenied } from '../schemas/access';
import { define } from './define';

/** Services that record refused requests, each on its own topic crm.<service>.access. */
export const ACCESS_AUDIT_SERVICES = ['gateway', 'contacts', 'pipeline', 'activities', 'sales', 'reporting'] as const;
export type AccessAuditService = (typeof ACCESS_AUDIT_SERVICES)[number];

export function accessTopicOf(service: string): string {
  return `crm.${service}.access`;
}

export const ACCESS_EVENTS = ACCESS_AUDIT_SERVICES.map((service) =>
  define(service, 'access', 'denied', `The ${service} service refused a request (UNAUTHENTICATED or FORBIDDEN).`, accessDenied),
);
