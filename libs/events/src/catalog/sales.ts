import { bookingState, quotationConfirmedExtra, quotationSentExtra, quotationState } from '../schemas/sales';
import { defineStateEvents } from './define';

export const SALES_EVENTS = [
  ...defineStateEvents('sales', 'quotation', 'Quotation', quotationState, {
    created: 'A quotation was created (possibly from an opportunity).',
    updated: 'A quotation changed (lines, dates, back to draft …).',
    sent: { description: 'A quotation was sent by e-mail (draft → sent); `mail` describes the message.', extra: quotationSentExtra },
    confirmed: {
      description: 'A quotation was confirmed: it is a sales order now. `marksOpportunityWon`: the team wants its opportunity marked won.',
      extra: quotationConfirmedExtra,
    },
    cancelled: 'A quotation or order was cancelled.',
  }),
  ...defineStateEvents('sales', 'booking', 'Booking', bookingState, {
    created: 'A booking service was created from a won opportunity.',
    updated: 'A draft booking service changed (date, time, pit, mechanic …); `changes` lists what.',
    posted: 'A booking service was posted.',
    cancelled: 'A booking service was cancelled.',
    work_order_created: 'The workshop created a work order for the booking.',
  }),
];
