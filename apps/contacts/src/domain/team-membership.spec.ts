import { nextTeamIds, teamMemberIds } from './team-membership';

const T = '01934d6e-0000-7000-8000-0000000000a1';
const U1 = '01934d6e-0000-7000-8000-0000000000b1';
const U2 = '01934d6e-0000-7000-8000-0000000000b2';
const LEAD = '01934d6e-0000-7000-8000-0000000000b3';

describe('teamMemberIds', () => {
  it('is the members and the leader of an active team', () => {
    expect([...teamMemberIds({ id: T, memberIds: [U1, U2], leaderId: LEAD, active: true })].sort()).toEqual([U1, U2, LEAD].sort());
  });

  it('counts a leader who is also a member once and ignores ids that are not user ids', () => {
    expect([...teamMemberIds({ id: T, memberIds: [U1, 'not-a-user'], leaderId: U1 })]).toEqual([U1]);
  });

  it('is nobody for an archived or deleted team', () => {
    expect(teamMemberIds({ id: T, memberIds: [U1], leaderId: LEAD, active: false }).size).toBe(0);
    expect(teamMemberIds({ id: T, memberIds: [U1], leaderId: LEAD, active: true }, true).size).toBe(0);
  });
});

describe('nextTeamIds', () => {
  const OTHER = '01934d6e-0000-7000-8000-0000000000a0';

  it('adds the team to a new member, sorted', () => {
    expect(nextTeamIds([T], OTHER, true)).toEqual([OTHER, T]);
  });

  it('removes the team from a user no longer listed', () => {
    expect(nextTeamIds([OTHER, T], T, false)).toEqual([OTHER]);
  });

  it('is null when the membership is already so', () => {
    expect(nextTeamIds([T], T, true)).toBeNull();
    expect(nextTeamIds([OTHER], T, false)).toBeNull();
  });
});
