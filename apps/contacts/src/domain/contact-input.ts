import { badInput } from '@crm/graphql';
import { isValidEmail, normalizeEmail } from './email';

export interface ContactDraft {
  name: string;
  email: string | null;
}

/** Validates and normalises the fields of a new contact; throws BAD_USER_INPUT naming the field. */
export function validateNewContact(input: { name?: string | null; email?: string | null }): ContactDraft {
  const name = (input.name ?? '').trim();
  if (name === '') throw badInput('name', 'name must not be empty');
  if (name.length > 500) throw badInput('name', 'name is longer than 500 characters');
  const email = normalizeEmail(input.email);
  if (email !== null && !isValidEmail(email)) throw badInput('email', `"${input.email}" is not a valid e-mail address`);
  return { name, email };
}
