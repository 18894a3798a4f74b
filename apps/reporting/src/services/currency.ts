import { badInput } from '@crm/graphql';

const CODE = /^[A-Z]{3}$/;

/** Parses the optional `currency` argument of a report: a target to convert every amount into. */
export function parseTargetCurrency(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!CODE.test(value)) throw badInput('currency', `"${value}" is not an ISO 4217 currency code`);
  return value;
}

// The rate table reports convert with is reporting.currency_rate, kept from the pipeline's
// crm.pipeline.currency_rate events: `rate` is the value of one unit in the reference
// currency; a → b = amount × rate(a) / rate(b). Amounts of a currency without a rate are
// never converted silently: the report says which.

/** Thrown when a conversion is asked for and some amounts are in a currency without a rate. */
export function missingRate(target: string, currencies: string[]): Error {
  return badInput('currency', `no exchange rate to convert ${currencies.join(', ')} into ${target}; an administrator sets it with the pipeline's setCurrencyRate`, {
    missingRates: currencies,
  });
}
