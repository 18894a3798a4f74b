import { eventHeadline, recordEventOf } from './record-events';

describe('record events in the chatter', () => {
  it('maps other subgraphs’ event types to record types', () => {
    expect(recordEventOf('crm.pipeline.opportunity.stage_changed.v1')).toEqual({ resourceType: 'Opportunity', event: 'stage_changed' });
    expect(recordEventOf('crm.sales.booking.work_order_created.v1')).toEqual({ resourceType: 'BookingService', event: 'work_order_created' });
    expect(recordEventOf('crm.contacts.user.created.v1')).toBeNull();
  });

  it('writes a headline for lifecycle events, none for plain updates', () => {
    expect(eventHeadline('Opportunity', 'created', { state: { type: 'opportunity' } })).toEqual({ kind: 'tracking', body: 'Opportunity created' });
    expect(eventHeadline('Opportunity', 'lost', { state: { lostReasonName: 'Too expensive', lostFeedback: 'Budget cut' } })?.body).toBe('Marked as lost: Too expensive — Budget cut');
    expect(eventHeadline('Quotation', 'sent', { state: { number: 'S00042' } })).toEqual({ kind: 'message', body: 'Quotation S00042 sent by email' });
    expect(eventHeadline('Quotation', 'confirmed', { state: { number: 'S00042', amountTotal: '111000000.00', currency: 'IDR' } })?.body).toBe(
      'Quotation confirmed: Sales Order S00042 (111,000,000 IDR)',
    );
    expect(eventHeadline('Opportunity', 'updated', { state: {} })).toBeNull();
    expect(eventHeadline('Opportunity', 'merged', { state: { id: 'a' }, mergedIds: ['a', 'b', 'c'] })?.body).toBe('Merged with 2 other leads/opportunities');
    expect(eventHeadline('Opportunity', 'merged', { state: { id: 'a' }, mergedIds: ['b'] })?.body).toBe('Merged with 1 other lead/opportunity');
  });
});
