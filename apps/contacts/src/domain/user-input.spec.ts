import { GraphQLError } from 'graphql';
import { isTimeZone, validateAccessPatch, validateNewUser, validateProfilePatch } from './user-input';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions['field'] as string;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('user input', () => {
  it('normalises a new user: login lower-cased, branches upper-cased and de-duplicated, defaults', () => {
    expect(validateNewUser({ login: ' Rina@DayaMotor.co.id ', name: ' Rina ', branchIds: ['sam01', 'MAN01', 'SAM01'] })).toEqual({
      login: 'rina@dayamotor.co.id',
      name: 'Rina',
      contactId: null,
      timeZone: 'Asia/Jakarta',
      role: 'user_own',
      branchIds: ['MAN01', 'SAM01'],
      teamIds: [],
      password: null,
    });
    expect(validateNewUser({ login: 'a@b.co', name: 'A', role: 'ADMIN' }).role).toBe('admin');
    expect(validateNewUser({ login: 'a@b.co', name: 'A', role: 'user_team' }).role).toBe('user_team');
  });

  it.each([
    [{ login: '', name: 'A' }, 'login'],
    [{ login: 'a@b', name: 'A' }, 'login'],
    [{ login: 'a@b.co', name: '' }, 'name'],
    [{ login: 'a@b.co', name: 'A', role: 'SUPERUSER' }, 'role'],
    [{ login: 'a@b.co', name: 'A', branchIds: ['SAM/01'] }, 'branchIds'],
    [{ login: 'a@b.co', name: 'A', teamIds: ['x'] }, 'teamIds'],
    [{ login: 'a@b.co', name: 'A', timeZone: 'GMT+7' }, 'timeZone'],
    [{ login: 'a@b.co', name: 'A', contactId: '42' }, 'contactId'],
    [{ login: 'a@b.co', name: 'A', password: '123456789' }, 'password'],
  ])('rejects %j naming %s', (input, field) => {
    expect(fieldOf(() => validateNewUser(input))).toBe(field);
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Asia/Jakarta')).toBe(true);
    expect(isTimeZone('Asia/Makassar')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Atlantis')).toBe(false);
    expect(isTimeZone('+07:00')).toBe(false);
  });

  it('patches only what is given; null unlinks the contact; an empty branch list means head office', () => {
    expect(validateProfilePatch({ name: 'B' })).toEqual({ name: 'B' });
    expect(validateProfilePatch({ contactId: null })).toEqual({ contactId: null });
    expect(validateAccessPatch({ branchIds: [] })).toEqual({ branchIds: [] });
    expect(validateAccessPatch({ role: 'USER_ALL' })).toEqual({ role: 'user_all' });
  });

  it('refuses team ids: the sales team (updateSalesTeam) is the master of membership', () => {
    const team = '01934d6e-0000-7000-8000-0000000000b1';
    expect(fieldOf(() => validateAccessPatch({ role: 'USER_ALL', teamIds: [team] }))).toBe('teamIds');
    expect(fieldOf(() => validateAccessPatch({ teamIds: [] }))).toBe('teamIds');
    expect(fieldOf(() => validateNewUser({ login: 'a@b.co', name: 'A', teamIds: [team] }))).toBe('teamIds');
    expect(() => validateAccessPatch({ teamIds: [team] })).toThrow(/updateSalesTeam/);
    expect(validateNewUser({ login: 'a@b.co', name: 'A', teamIds: [] }).teamIds).toEqual([]);
    expect(validateAccessPatch({ teamIds: null })).toEqual({});
  });
});
