import { badInput, parseDecimal } from '@crm/graphql';
import type { ProductType } from '../entities/product.entity';

export interface NewProductInput {
  name?: string | null;
  internalReference?: string | null;
  type?: ProductType | null;
  listPrice?: string | null;
  currency?: string | null;
  unitOfMeasure?: string | null;
}

export interface ProductDraft {
  name: string;
  internalReference: string | null;
  type: ProductType;
  listPrice: string;
  currency: string;
  unitOfMeasure: string;
}

/** Validates a new product; throws BAD_USER_INPUT naming the field. */
export function validateNewProduct(input: NewProductInput, defaultCurrency: string): ProductDraft {
  const name = (input.name ?? '').trim();
  if (name === '') throw badInput('name', 'name must not be empty');
  const listPrice = parseDecimal(input.listPrice ?? '');
  if (listPrice.startsWith('-')) throw badInput('listPrice', 'list price must not be negative');
  const currency = (input.currency ?? defaultCurrency).trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency', `"${input.currency}" is not an ISO 4217 currency code`);
  const unitOfMeasure = (input.unitOfMeasure ?? 'Units').trim();
  if (unitOfMeasure === '') throw badInput('unitOfMeasure', 'unit of measure must not be empty');
  const reference = input.internalReference?.trim() || null;
  return { name, internalReference: reference, type: input.type ?? 'GOODS', listPrice, currency, unitOfMeasure };
}
