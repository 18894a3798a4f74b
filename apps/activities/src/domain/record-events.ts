import { formatDecimal } from './tracking';

/** Which record type an event of another subgraph is about. */
export const EVENT_PREFIXES: Record<string, string> = {
  'crm.pipeline.opportunity.': 'Opportunity',
  'crm.contacts.contact.': 'Contact',
  'crm.sales.quotation.': 'Quotation',
  'crm.sales.booking.': 'BookingService',
};

export function recordEventOf(type: string): { resourceType: string; event: string } | null {
  for (const [prefix, resourceType] of Object.entries(EVENT_PREFIXES)) {
    if (type.startsWith(prefix)) return { resourceType, event: type.slice(prefix.length).replace(/\.v\d+$/, '') };
  }
  return null;
}

/**
 * The line the chatter shows for a record event besides its tracked changes ("Opportunity
 * created", "Quotation S00042 sent by email" …); null when the tracked changes say it all.
 */
export function eventHeadline(resourceType: string, event: string, data: Record<string, unknown>): { kind: 'tracking' | 'message'; body: string } | null {
  const state = (data['state'] ?? {}) as Record<string, unknown>;
  const number = typeof state['number'] === 'string' ? state['number'] : null;
  const t = (body: string) => ({ kind: 'tracking' as const, body });
  switch (`${resourceType}.${event}`) {
    case 'Opportunity.created':
      return t(state['type'] === 'lead' ? 'Lead created' : 'Opportunity created');
    case 'Opportunity.won':
      return t('Marked as won');
    case 'Opportunity.lost': {
      const reason = typeof state['lostReasonName'] === 'string' ? `: ${state['lostReasonName']}` : '';
      const feedback = typeof state['lostFeedback'] === 'string' && state['lostFeedback'] ? ` — ${state['lostFeedback']}` : '';
      return t(`Marked as lost${reason}${feedback}`);
    }
    case 'Opportunity.restored':
      return t('Restored');
    case 'Opportunity.converted':
      return t('Converted to an opportunity');
    case 'Opportunity.merged': {
      const n = Array.isArray(data['mergedIds']) ? data['mergedIds'].filter((id) => id !== state['id']).length : 0;
      return t(`Merged with ${n} other lead${n === 1 ? '' : 's'}/opportunit${n === 1 ? 'y' : 'ies'}`);
    }
    case 'Opportunity.archived':
      return t('Archived');
    case 'Opportunity.unarchived':
      return t('Unarchived');
    case 'Opportunity.deleted':
      return t('Deleted');
    case 'Contact.created':
      return t('Contact created');
    case 'Quotation.created': {
      const from = state['opportunityId'] ? ' from an opportunity' : '';
      return t(`Quotation ${number ?? ''} created${from}`.replace('  ', ' '));
    }
    case 'Quotation.sent':
      return { kind: 'message', body: `Quotation ${number ?? ''} sent by email`.replace('  ', ' ') };
    case 'Quotation.confirmed': {
      const total = typeof state['amountTotal'] === 'string' ? ` (${formatDecimal(state['amountTotal'])} ${state['currency'] ?? ''})`.trimEnd() : '';
      return t(`Quotation confirmed: Sales Order ${number ?? ''}${total}`.replace('  ', ' '));
    }
    case 'Quotation.cancelled':
      return t('Cancelled');
    case 'BookingService.created':
      return t(`Booking service ${number ?? ''} created`.replace('  ', ' '));
    case 'BookingService.posted':
      return t('Booking service posted');
    case 'BookingService.cancelled':
      return t('Booking service cancelled');
    case 'BookingService.work_order_created':
      return t(`Work order ${typeof state['workOrderNumber'] === 'string' ? state['workOrderNumber'] : ''} created`.replace('  ', ' '));
    default:
      return null;
  }
}
