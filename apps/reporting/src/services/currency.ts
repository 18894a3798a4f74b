import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { badInput } from '@crm/graphql';

const CODE = /^[A-Z]{3}$/;

export interface CurrencyRate {
  currency: string;
  rate: string;
  updatedAt: Date;
}

/** Parses the optional `currency` argument of a report: a target to convert every amount into. */
export function parseTargetCurrency(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!CODE.test(value)) throw badInput('currency', `"${value}" is not an ISO 4217 currency code`);
  return value;
}

/**
 * The rate table reports convert with: `rate` is the value of one unit of the currency in a
 * reference currency of your choice (give that one rate 1). a → b = amount × rate(a) / rate(b).
 * Amounts of a currency without a rate are never converted silently: the report says which.
 */
export class CurrencyService {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<CurrencyRate[]> {
    return this.dataSource.query(`SELECT currency, rate::text AS rate, updated_at AS "updatedAt" FROM reporting.currency_rate ORDER BY currency`);
  }

  async set(user: AuthUser, currency: string, rate: string, now: Date): Promise<CurrencyRate> {
    if (!CODE.test(currency)) throw badInput('currency', `"${currency}" is not an ISO 4217 currency code`);
    if (!/^\d+(\.\d+)?$/.test(rate) || /^0+(\.0+)?$/.test(rate)) throw badInput('rate', 'the rate must be a positive decimal');
    const [row] = await this.dataSource.query(
      `INSERT INTO reporting.currency_rate (currency, rate, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (currency) DO UPDATE SET rate = EXCLUDED.rate, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
       RETURNING currency, rate::text AS rate, updated_at AS "updatedAt"`,
      [currency, rate, now, user.id],
    );
    return row;
  }
}

/** Thrown when a conversion is asked for and some amounts are in a currency without a rate. */
export function missingRate(target: string, currencies: string[]): Error {
  return badInput('currency', `no exchange rate to convert ${currencies.join(', ')} into ${target}; set one with setCurrencyRate`, {
    missingRates: currencies,
  });
}
