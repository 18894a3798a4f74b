import { badInput, parseDecimal } from '@crm/graphql';
import { isUuid } from '@crm/runtime';

export interface OpportunityDraft {
  name: string;
  customerId: string | null;
  expectedRevenue: string;
  currency: string;
}

export interface NewOpportunityInput {
  name?: string | null;
  customerId?: string | null;
  expectedRevenue?: string | null;
  currency?: string | null;
}

/** Validates a new opportunity; throws BAD_USER_INPUT naming the field. */
export function validateNewOpportunity(input: NewOpportunityInput, defaultCurrency: string): OpportunityDraft {
  const name = (input.name ?? '').trim();
  if (name === '') throw badInput('name', 'name must not be empty');
  if (input.customerId != null && !isUuid(input.customerId)) throw badInput('customerId', 'customerId is not an id');
  const expectedRevenue = input.expectedRevenue == null ? '0' : parseDecimal(input.expectedRevenue);
  if (expectedRevenue.startsWith('-')) throw badInput('expectedRevenue', 'expected revenue must not be negative');
  const currency = (input.currency ?? defaultCurrency).trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency', `"${input.currency}" is not an ISO 4217 currency code`);
  return { name, customerId: input.customerId ?? null, expectedRevenue, currency };
}
