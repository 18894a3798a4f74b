import { GraphQLError } from 'graphql';
import { validateNewContact } from './contact-input';
import { isValidEmail, normalizeEmail } from './email';

describe('contact input', () => {
  it('trims and lower-cases e-mail addresses; empty becomes null', () => {
    expect(normalizeEmail('  Pepper.Potts@Stark.COM ')).toBe('pepper.potts@stark.com');
    expect(normalizeEmail('   ')).toBeNull();
    expect(isValidEmail('pepper.potts@stark.com')).toBe(true);
    expect(isValidEmail('pepper@localhost')).toBe(false);
    expect(isValidEmail('pepper..potts@stark.com')).toBe(false);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x', email: 'x@' }, 'email'],
  ])('rejects %j naming %s', (input, field) => {
    try {
      validateNewContact(input);
      throw new Error('expected an error');
    } catch (error) {
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
