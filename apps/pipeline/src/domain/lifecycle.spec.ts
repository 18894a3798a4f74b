import type { GraphQLError } from 'graphql';
import { archive, convert, markLost, markWon, move, restore, unarchive, type LifecycleState } from './lifecycle';

const now = new Date('2026-11-23T08:00:00Z');
const open: LifecycleState = { type: 'opportunity', status: 'open', active: true, dateClosed: null, lostReasonId: null, lostFeedback: null };

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.['code'];
  }
  return 'no error';
}

describe('the won/lost state machine', () => {
  it('wins an open opportunity once', () => {
    const won = { ...open, ...markWon(open, now) };
    expect(won).toMatchObject({ status: 'won', dateClosed: now });
    expect(codeOf(() => markWon(won, now))).toBe('INVALID_TRANSITION');
  });

  it('loses with reason and feedback, archives, and restores', () => {
    const lost = { ...open, ...markLost(open, now, 'r1', 'too slow') };
    expect(lost).toMatchObject({ status: 'lost', active: false, dateClosed: now, lostReasonId: 'r1', lostFeedback: 'too slow' });
    expect(codeOf(() => markLost(lost, now, null, null))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => markWon(lost, now))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => move(lost, false, now))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => archive(lost))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => unarchive(lost))).toBe('INVALID_TRANSITION');
    const restored = { ...lost, ...restore(lost) };
    expect(restored).toEqual(open);
    expect(codeOf(() => restore(restored))).toBe('INVALID_TRANSITION');
  });

  it('wins by a move into a won stage and reopens by a move out of it', () => {
    const won = { ...open, ...move(open, true, now) };
    expect(won.status).toBe('won');
    expect(move(won, true, now)).toEqual({});
    const reopened = { ...won, ...move(won, false, now) };
    expect(reopened).toMatchObject({ status: 'open', dateClosed: null });
    expect(move(open, false, now)).toEqual({});
  });

  it('refuses to lose a won opportunity before it is reopened', () => {
    const won = { ...open, ...markWon(open, now) };
    expect(codeOf(() => markLost(won, now, null, null))).toBe('INVALID_TRANSITION');
  });

  it('archives and unarchives; archived cards do not move or win', () => {
    const archived = { ...open, ...archive(open) };
    expect(archived.active).toBe(false);
    expect(codeOf(() => archive(archived))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => move(archived, false, now))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => markWon(archived, now))).toBe('INVALID_TRANSITION');
    expect(markLost(archived, now, null, null).status).toBe('lost');
    expect({ ...archived, ...unarchive(archived) }).toEqual(open);
    expect(codeOf(() => unarchive(open))).toBe('INVALID_TRANSITION');
  });

  it('converts a lead once; leads neither move nor win', () => {
    const lead: LifecycleState = { ...open, type: 'lead' };
    expect(codeOf(() => move(lead, false, now))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => markWon(lead, now))).toBe('INVALID_TRANSITION');
    expect(convert(lead)).toEqual({ type: 'opportunity' });
    expect(codeOf(() => convert(open))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => convert({ ...lead, ...markLost(lead, now, null, null) }))).toBe('INVALID_TRANSITION');
  });
});
