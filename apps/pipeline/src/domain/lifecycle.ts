import { invalidTransition } from '@crm/graphql';

/**
 * The won/lost state machine of a lead or opportunity, as Odoo runs it:
 *
 *   open ──markWon / move to a won stage──▶ won ──move to a stage that is not won──▶ open
 *   open ──markLost──▶ lost (probability 0, archived) ──restore──▶ open
 *   open/won ──archive──▶ archived ──unarchive──▶ open/won
 *
 * Lost and archived cards cannot be moved; a lead must be converted before it goes on the board.
 */
export type OpportunityType = 'lead' | 'opportunity';
export type OpportunityStatus = 'open' | 'won' | 'lost';

export interface LifecycleState {
  type: OpportunityType;
  status: OpportunityStatus;
  active: boolean;
  dateClosed: Date | null;
  lostReasonId: string | null;
  lostFeedback: string | null;
}

export type LifecycleAction = 'markWon' | 'markLost' | 'restore' | 'archive' | 'unarchive' | 'move' | 'convert';

function refuse(state: LifecycleState, action: LifecycleAction, message: string): never {
  throw invalidTransition(message, { action, status: state.status, active: state.active, type: state.type });
}

/** Throws INVALID_TRANSITION when the action is not allowed in this state. */
export function assertAllowed(state: LifecycleState, action: LifecycleAction): void {
  switch (action) {
    case 'markWon':
      if (state.type === 'lead') refuse(state, action, 'a lead must be converted to an opportunity before it is won');
      if (state.status === 'won') refuse(state, action, 'the opportunity is already won');
      if (state.status === 'lost') refuse(state, action, 'a lost opportunity must be restored before it is won');
      if (!state.active) refuse(state, action, 'an archived opportunity must be unarchived before it is won');
      return;
    case 'markLost':
      if (state.status === 'lost') refuse(state, action, 'it is already lost');
      if (state.status === 'won') refuse(state, action, 'a won opportunity must be reopened (moved out of the won stage) before it is lost');
      return;
    case 'restore':
      if (state.status !== 'lost') refuse(state, action, 'only a lost lead or opportunity can be restored');
      return;
    case 'archive':
      if (state.status === 'lost') refuse(state, action, 'a lost lead or opportunity is archived already');
      if (!state.active) refuse(state, action, 'it is archived already');
      return;
    case 'unarchive':
      if (state.status === 'lost') refuse(state, action, 'a lost lead or opportunity is restored, not unarchived');
      if (state.active) refuse(state, action, 'it is not archived');
      return;
    case 'move':
      if (state.type === 'lead') refuse(state, action, 'a lead must be converted to an opportunity before it moves on the pipeline');
      if (state.status === 'lost') refuse(state, action, 'a lost opportunity cannot be moved; restore it first');
      if (!state.active) refuse(state, action, 'an archived opportunity cannot be moved; unarchive it first');
      return;
    case 'convert':
      if (state.type === 'opportunity') refuse(state, action, 'it is already an opportunity');
      if (state.status === 'lost') refuse(state, action, 'a lost lead must be restored before it is converted');
      return;
  }
}

export type LifecyclePatch = Partial<Pick<LifecycleState, 'status' | 'active' | 'dateClosed' | 'lostReasonId' | 'lostFeedback' | 'type'>>;

export function markWon(state: LifecycleState, now: Date): LifecyclePatch {
  assertAllowed(state, 'markWon');
  return { status: 'won', dateClosed: now };
}

export function markLost(state: LifecycleState, now: Date, lostReasonId: string | null, lostFeedback: string | null): LifecyclePatch {
  assertAllowed(state, 'markLost');
  return { status: 'lost', active: false, dateClosed: now, lostReasonId, lostFeedback };
}

export function restore(state: LifecycleState): LifecyclePatch {
  assertAllowed(state, 'restore');
  return { status: 'open', active: true, dateClosed: null, lostReasonId: null, lostFeedback: null };
}

export function archive(state: LifecycleState): LifecyclePatch {
  assertAllowed(state, 'archive');
  return { active: false };
}

export function unarchive(state: LifecycleState): LifecyclePatch {
  assertAllowed(state, 'unarchive');
  return { active: true };
}

/** A move to another stage: entering a won stage wins, leaving the won stages reopens. */
export function move(state: LifecycleState, toStageIsWon: boolean, now: Date): LifecyclePatch {
  assertAllowed(state, 'move');
  if (toStageIsWon && state.status !== 'won') return { status: 'won', dateClosed: now };
  if (!toStageIsWon && state.status === 'won') return { status: 'open', dateClosed: null };
  return {};
}

export function convert(state: LifecycleState): LifecyclePatch {
  assertAllowed(state, 'convert');
  return { type: 'opportunity' };
}
