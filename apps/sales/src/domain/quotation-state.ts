import { invalidTransition } from '@crm/graphql';

/** Odoo's sale.order states: quotation (draft), quotation sent, sales order, cancelled. */
export type QuotationState = 'draft' | 'sent' | 'sale' | 'cancelled';
export type QuotationAction = 'send' | 'confirm' | 'cancel' | 'setToDraft';

const TRANSITIONS: Record<QuotationAction, Partial<Record<QuotationState, QuotationState>>> = {
  // Sending again is allowed; a sales order can be e-mailed and stays an order.
  send: { draft: 'sent', sent: 'sent', sale: 'sale' },
  confirm: { draft: 'sale', sent: 'sale' },
  cancel: { draft: 'cancelled', sent: 'cancelled', sale: 'cancelled' },
  // "Set to Quotation": a cancelled (or sent) quotation becomes a draft again.
  setToDraft: { cancelled: 'draft', sent: 'draft' },
};

const VERBS: Record<QuotationAction, string> = {
  send: 'send',
  confirm: 'confirm',
  cancel: 'cancel',
  setToDraft: 'set back to draft',
};

const LABELS: Record<QuotationState, string> = {
  draft: 'a draft quotation',
  sent: 'a sent quotation',
  sale: 'a sales order',
  cancelled: 'a cancelled quotation',
};

/** The state after `action`; INVALID_TRANSITION when the action is not possible from `state`. */
export function nextQuotationState(state: QuotationState, action: QuotationAction): QuotationState {
  const next = TRANSITIONS[action][state];
  if (!next) {
    throw invalidTransition(`cannot ${VERBS[action]} ${LABELS[state]}`, { from: state, action });
  }
  return next;
}

export function canQuotation(state: QuotationState, action: QuotationAction): boolean {
  return TRANSITIONS[action][state] !== undefined;
}

/** Lines, prices, customer and currency can change while it is a quotation, not once it is an order or cancelled. */
export function assertEditable(state: QuotationState): void {
  if (state !== 'draft' && state !== 'sent') {
    throw invalidTransition(`cannot edit ${LABELS[state]}${state === 'sale' ? ' (cancel it and set it back to draft first)' : ''}`, {
      from: state,
      action: 'edit',
    });
  }
}

/** Quotations (draft, sent) vs. sales orders (sale) — how the opportunity counts them. */
export function isQuotation(state: QuotationState): boolean {
  return state === 'draft' || state === 'sent';
}
