import { badInput } from '@crm/graphql';
import { currencyCode, decimalField, idList, optionalText, requiredText } from './fields';

export type ProductType = 'GOODS' | 'SERVICE';

export interface NewProductInput {
  name?: string | null;
  internalReference?: string | null;
  type?: ProductType | null;
  listPrice?: string | null;
  currency?: string | null;
  unitOfMeasure?: string | null;
  taxIds?: string[] | null;
  salesDescription?: string | null;
}

export interface ProductPatchInput extends NewProductInput {
  active?: boolean | null;
}

export interface ProductDraft {
  name: string;
  internalReference: string | null;
  type: ProductType;
  listPrice: string;
  currency: string;
  unitOfMeasure: string;
  taxIds: string[];
  salesDescription: string | null;
}

const listPrice = (value: string | null | undefined) =>
  decimalField(value, 'listPrice', { min: '0', maxDecimals: 6, label: 'list price' });

function productType(value: string | null | undefined): ProductType {
  if (value === 'GOODS' || value === 'SERVICE') return value;
  throw badInput('type', 'type must be GOODS or SERVICE');
}

/** Validates a new product; throws BAD_USER_INPUT naming the field. */
export function validateNewProduct(input: NewProductInput, defaultCurrency: string): ProductDraft {
  return {
    name: requiredText(input.name, 'name'),
    internalReference: optionalText(input.internalReference),
    type: productType(input.type ?? 'GOODS'),
    listPrice: listPrice(input.listPrice),
    currency: currencyCode(input.currency, defaultCurrency),
    unitOfMeasure: requiredText(input.unitOfMeasure ?? 'Units', 'unitOfMeasure', 'unit of measure'),
    taxIds: idList(input.taxIds, 'taxIds'),
    salesDescription: optionalText(input.salesDescription),
  };
}

/** Only the fields given change; `null` clears an optional one. */
export function validateProductPatch(input: ProductPatchInput): Partial<ProductDraft & { active: boolean }> {
  const patch: Partial<ProductDraft & { active: boolean }> = {};
  if (input.name !== undefined) patch.name = requiredText(input.name, 'name');
  if (input.internalReference !== undefined) patch.internalReference = optionalText(input.internalReference);
  if (input.type != null) patch.type = productType(input.type);
  if (input.listPrice !== undefined) patch.listPrice = listPrice(input.listPrice);
  if (input.currency !== undefined) patch.currency = currencyCode(input.currency, '');
  if (input.unitOfMeasure !== undefined) patch.unitOfMeasure = requiredText(input.unitOfMeasure, 'unitOfMeasure', 'unit of measure');
  if (input.taxIds !== undefined) patch.taxIds = idList(input.taxIds, 'taxIds');
  if (input.salesDescription !== undefined) patch.salesDescription = optionalText(input.salesDescription);
  if (input.active != null) patch.active = input.active;
  return patch;
}
