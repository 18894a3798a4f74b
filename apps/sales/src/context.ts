import DataLoader from 'dataloader';
import type { BaseContext } from '@crm/service';
import type { BookingRow } from './services/booking-rows';
import type { BookingService } from './services/booking-service';
import type { ProductRow, ProductService } from './services/product-service';
import type { QuotationMailing } from './services/quotation-mailing';
import type { QuotationLineRow, QuotationRow } from './services/quotation-rows';
import type { OpportunitySales, QuotationService } from './services/quotation-service';
import type { TaxRow, TaxService } from './services/tax-service';

export interface SalesServices {
  taxes: TaxService;
  products: ProductService;
  quotations: QuotationService;
  mailing: QuotationMailing;
  bookings: BookingService;
}

/** Per-request batching: one SQL query per kind of look-up, whatever the number of records asked. */
export interface SalesLoaders {
  tax: DataLoader<string, TaxRow | null>;
  product: DataLoader<string, ProductRow | null>;
  quotation: DataLoader<string, QuotationRow | null>;
  quotationLines: DataLoader<string, QuotationLineRow[]>;
  opportunitySales: DataLoader<string, OpportunitySales>;
  /** Key: `${first}|${after ?? ''}|${opportunityId}` — one query per distinct page size and cursor. */
  opportunityQuotations: DataLoader<string, QuotationRow[]>;
  opportunityBookings: DataLoader<string, { rows: BookingRow[]; total: number }>;
  booking: DataLoader<string, BookingRow | null>;
}

export interface SalesContext extends BaseContext, SalesServices {
  loaders: SalesLoaders;
}

/** Splits `${first}|${after}|${id}` keys into groups of one page shape each. */
async function byPage<T>(
  keys: readonly string[],
  load: (ids: string[], first: number, after: string | null) => Promise<T[]>,
): Promise<T[]> {
  const groups = new Map<string, { first: number; after: string | null; ids: string[] }>();
  for (const key of keys) {
    const [first, after, id] = key.split('|') as [string, string, string];
    const group = groups.get(`${first}|${after}`) ?? { first: Number(first), after: after || null, ids: [] };
    group.ids.push(id);
    groups.set(`${first}|${after}`, group);
  }
  const results = new Map<string, T>();
  for (const [prefix, group] of groups) {
    const rows = await load(group.ids, group.first, group.after);
    group.ids.forEach((id, i) => results.set(`${prefix}|${id}`, rows[i]!));
  }
  return keys.map((key) => results.get(key)!);
}

export function createContext(base: BaseContext, services: SalesServices): SalesContext {
  const user = base.user;
  const { taxes, products, quotations, bookings } = services;
  return {
    ...base,
    ...services,
    loaders: {
      tax: new DataLoader((ids: readonly string[]) => taxes.findByIds(ids)),
      product: new DataLoader((ids: readonly string[]) => products.findByIds(ids)),
      quotation: new DataLoader((ids: readonly string[]) => quotations.findVisibleByIds(ids, user)),
      quotationLines: new DataLoader((ids: readonly string[]) => quotations.linesByQuotationIds(ids)),
      opportunitySales: new DataLoader((ids: readonly string[]) => quotations.salesOfOpportunities(ids, user)),
      opportunityQuotations: new DataLoader((keys: readonly string[]) =>
        byPage(keys, (ids, first, after) => quotations.quotationsOfOpportunities(ids, first, after, user)),
      ),
      opportunityBookings: new DataLoader((keys: readonly string[]) =>
        byPage(keys, (ids, first, after) => bookings.bookingsOfOpportunities(ids, first, after, user)),
      ),
      booking: new DataLoader((ids: readonly string[]) => bookings.findVisibleByIds(ids, user)),
    },
  };
}
