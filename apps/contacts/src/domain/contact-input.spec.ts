import { GraphQLError } from 'graphql';
import { diffFields, normalizePhones, validateContactPatch } from './contact-input';
import { isValidEmail, normalizeEmail } from './email';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect((error as GraphQLError).extensions?.['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions?.['field'] as string;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('contact input', () => {
  it('trims and lower-cases e-mail addresses; empty becomes null', () => {
    expect(normalizeEmail('  Pepper.Potts@Stark.COM ')).toBe('pepper.potts@stark.com');
    expect(normalizeEmail('   ')).toBeNull();
    expect(isValidEmail('pepper.potts@stark.com')).toBe(true);
    expect(isValidEmail('pepper@localhost')).toBe(false);
    expect(isValidEmail('pepper..potts@stark.com')).toBe(false);
  });

  it('normalises what is present, keeping the entered e-mail', () => {
    const patch = validateContactPatch({
      name: '  PANGESTU,   Budi ',
      kind: 'PERSON',
      email: ' Budi@Example.CO.ID ',
      nationalId: '3204 0708 0596 0001',
      instagram: 'https://www.instagram.com/budi.pangestu/',
      twitter: '@budi_p',
      website: 'dayamotor.co.id',
      countryCode: 'id',
      code: ' bpa/2004/1720353',
      tagIds: ['01934D6E-0000-7000-8000-0000000000AA', '01934d6e-0000-7000-8000-0000000000aa'],
      branchId: 'sam01',
    });
    expect(patch).toEqual({
      name: 'PANGESTU, Budi',
      kind: 'person',
      email: 'budi@example.co.id',
      emailEntered: 'Budi@Example.CO.ID',
      nationalId: '3204070805960001',
      instagram: 'budi.pangestu',
      twitter: 'budi_p',
      website: 'https://dayamotor.co.id',
      countryCode: 'ID',
      code: 'BPA/2004/1720353',
      tagIds: ['01934d6e-0000-7000-8000-0000000000aa'],
      branchId: 'SAM01',
    });
    expect(validateContactPatch({ street: undefined, city: null })).toEqual({ city: null });
  });

  it('normalises phones with the default country and keeps what was entered', () => {
    expect(normalizePhones({ phoneRaw: '0852-9423-3849', mobileRaw: null }, 'ID')).toEqual({
      phone: '+6285294233849',
      phoneEntered: '0852-9423-3849',
      mobile: null,
      mobileEntered: null,
    });
    expect(fieldOf(() => normalizePhones({ mobileRaw: '0' }, 'ID'))).toBe('mobile');
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x', email: 'x@' }, 'email'],
    [{ kind: 'robot' }, 'kind'],
    [{ addressType: 'home' }, 'addressType'],
    [{ nationalId: '12345' }, 'nationalId'],
    [{ countryCode: 'XX' }, 'countryCode'],
    [{ parentId: 'not-a-uuid' }, 'parentId'],
    [{ occupationId: 'Ojek' }, 'occupationId'],
    [{ tagIds: ['vip'] }, 'tagIds'],
    [{ instagram: 'not a handle!' }, 'instagram'],
    [{ website: 'ftp://x.y' }, 'website'],
    [{ zip: '1'.repeat(21) }, 'zip'],
  ])('rejects %j naming %s', (input, field) => {
    expect(fieldOf(() => validateContactPatch(input))).toBe(field);
  });

  it('lists changed fields only', () => {
    expect(diffFields({ name: 'a', tagIds: ['1', '2'], city: null }, { name: 'a', tagIds: ['2', '1'], city: 'Bandung' })).toEqual({
      city: { from: null, to: 'Bandung' },
    });
  });
});
