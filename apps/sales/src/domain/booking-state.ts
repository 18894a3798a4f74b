import { invalidTransition } from '@crm/graphql';

/** The workshop's booking service: draft → posted → cancelled | work order created. */
export type BookingState = 'draft' | 'posted' | 'cancelled' | 'work_order_created';
export type BookingAction = 'post' | 'cancel' | 'createWorkOrder' | 'edit';

const TRANSITIONS: Record<BookingAction, Partial<Record<BookingState, BookingState>>> = {
  post: { draft: 'posted' },
  cancel: { draft: 'cancelled', posted: 'cancelled' },
  createWorkOrder: { posted: 'work_order_created' },
  edit: { draft: 'draft' },
};

const VERBS: Record<BookingAction, string> = {
  post: 'post',
  cancel: 'cancel',
  createWorkOrder: 'create a work order for',
  edit: 'edit',
};

export function nextBookingState(state: BookingState, action: BookingAction): BookingState {
  const next = TRANSITIONS[action][state];
  if (!next) {
    throw invalidTransition(`cannot ${VERBS[action]} a booking service that is ${state.replace(/_/g, ' ')}`, { from: state, action });
  }
  return next;
}
