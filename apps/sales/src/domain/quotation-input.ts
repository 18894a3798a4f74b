import { badInput, isValidDate } from '@crm/graphql';
import { Decimal } from '@crm/money';
import { currencyCode, decimalField, idList, optionalId, optionalText } from './fields';
import type { TaxRate } from './line-amounts';

/** At most this many lines per quotation. */
export const MAX_LINES = 500;

export interface QuotationLineInput {
  /** Keeps a line's id stable when the lines are replaced. */
  id?: string | null;
  productId?: string | null;
  description?: string | null;
  quantity?: string | null;
  unitPrice?: string | null;
  discount?: string | null;
  /** Omitted: the product's taxes. */
  taxIds?: string[] | null;
}

export interface QuotationHeaderInput {
  customerId?: string | null;
  invoiceAddressId?: string | null;
  deliveryAddressId?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  branchId?: string | null;
  currency?: string | null;
  quotationDate?: string | null;
  validityDate?: string | null;
  clientOrderRef?: string | null;
  note?: string | null;
}

/** A line checked for shape (no look-ups yet). */
export interface LineShape {
  id: string | null;
  productId: string | null;
  description: string | null;
  quantity: string;
  unitPrice: string | null;
  discount: string;
  taxIds: string[] | null;
}

/** A line with defaults from its product and its taxes resolved: ready for arithmetic. */
export interface ResolvedLine {
  id: string | null;
  productId: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxes: TaxRate[];
}

export interface ProductFacts {
  id: string;
  name: string;
  internalReference: string | null;
  listPrice: string;
  currency: string;
  active: boolean;
  taxIds: string[];
  salesDescription: string | null;
}

export interface TaxFacts extends TaxRate {
  active: boolean;
}

export function validateLineShapes(lines: readonly QuotationLineInput[]): LineShape[] {
  if (lines.length > MAX_LINES) throw badInput('lines', `a quotation has at most ${MAX_LINES} lines`);
  const shapes = lines.map((line, i) => validateLineShape(line, i));
  const ids = shapes.map((s) => s.id).filter((id): id is string => id !== null);
  if (new Set(ids).size !== ids.length) throw badInput('lines', 'two lines carry the same id');
  return shapes;
}

export function validateLineShape(input: QuotationLineInput, index: number): LineShape {
  const at = (field: string) => `lines.${index}.${field}`;
  return {
    id: optionalId(input.id, at('id')),
    productId: optionalId(input.productId, at('productId')),
    description: optionalText(input.description),
    quantity: decimalField(input.quantity ?? '1', at('quantity'), { min: '0', minExclusive: true, maxDecimals: 4, label: 'quantity' }),
    unitPrice:
      input.unitPrice == null ? null : decimalField(input.unitPrice, at('unitPrice'), { min: '0', maxDecimals: 6, label: 'unit price' }),
    discount: decimalField(input.discount ?? '0', at('discount'), { min: '0', max: '100', maxDecimals: 2, label: 'discount (%)' }),
    taxIds: input.taxIds == null ? null : idList(input.taxIds, at('taxIds')),
  };
}

/** Odoo's line label: "[FURN-0001] Office Chair", then the product's sales description. */
export function productLineDescription(product: ProductFacts): string {
  const name = product.internalReference ? `[${product.internalReference}] ${product.name}` : product.name;
  return product.salesDescription ? `${name}\n${product.salesDescription}` : name;
}

/**
 * Fills a line from its product (description, unit price, taxes) and checks the references:
 * an unknown or archived product or tax is BAD_USER_INPUT on that line.
 */
export function resolveLine(
  shape: LineShape,
  index: number,
  products: ReadonlyMap<string, ProductFacts>,
  taxes: ReadonlyMap<string, TaxFacts>,
  currency: string,
): ResolvedLine {
  const at = (field: string) => `lines.${index}.${field}`;
  let product: ProductFacts | null = null;
  if (shape.productId) {
    product = products.get(shape.productId) ?? null;
    if (!product) throw badInput(at('productId'), `product ${shape.productId} does not exist`);
    if (!product.active) throw badInput(at('productId'), `product "${product.name}" is archived`);
  }
  const description = shape.description ?? (product ? productLineDescription(product) : null);
  if (!description) throw badInput(at('description'), 'a line without a product needs a description');
  let unitPrice = shape.unitPrice;
  if (unitPrice === null) {
    if (!product) throw badInput(at('unitPrice'), 'a line without a product needs a unit price');
    if (product.currency !== currency) {
      throw badInput(at('unitPrice'), `"${product.name}" is priced in ${product.currency}; give the unit price in ${currency}`);
    }
    unitPrice = Decimal.of(product.listPrice).toString();
  }
  const taxIds = shape.taxIds ?? product?.taxIds ?? [];
  const lineTaxes = taxIds.map((id) => {
    const tax = taxes.get(id);
    if (!tax) throw badInput(at('taxIds'), `tax ${id} does not exist`);
    if (!tax.active) throw badInput(at('taxIds'), `tax "${tax.name}" is archived`);
    return { id: tax.id, name: tax.name, percent: tax.percent, priceIncluded: tax.priceIncluded };
  });
  return { id: shape.id, productId: shape.productId, description, quantity: shape.quantity, unitPrice, discount: shape.discount, taxes: lineTaxes };
}

export interface HeaderDraft {
  customerId?: string;
  invoiceAddressId?: string | null;
  deliveryAddressId?: string | null;
  salespersonId?: string | null;
  teamId?: string | null;
  branchId?: string | null;
  currency?: string;
  quotationDate?: string;
  validityDate?: string | null;
  clientOrderRef?: string | null;
  note?: string | null;
}

function dateField(value: string, field: string): string {
  if (!isValidDate(value)) throw badInput(field, `"${value}" is not a calendar date YYYY-MM-DD`);
  return value;
}

/** The header fields given (undefined = unchanged), checked for shape. */
export function validateHeader(input: QuotationHeaderInput): HeaderDraft {
  const draft: HeaderDraft = {};
  if (input.customerId !== undefined) {
    const id = optionalId(input.customerId, 'customerId');
    if (!id) throw badInput('customerId', 'a quotation needs a customer');
    draft.customerId = id;
  }
  if (input.invoiceAddressId !== undefined) draft.invoiceAddressId = optionalId(input.invoiceAddressId, 'invoiceAddressId');
  if (input.deliveryAddressId !== undefined) draft.deliveryAddressId = optionalId(input.deliveryAddressId, 'deliveryAddressId');
  if (input.salespersonId !== undefined) draft.salespersonId = optionalId(input.salespersonId, 'salespersonId');
  if (input.teamId !== undefined) draft.teamId = optionalId(input.teamId, 'teamId');
  if (input.branchId !== undefined) {
    const branch = optionalText(input.branchId);
    if (branch !== null && !/^[A-Z0-9-]{2,20}$/.test(branch)) throw badInput('branchId', `"${branch}" is not a branch code`);
    draft.branchId = branch;
  }
  if (input.currency !== undefined) draft.currency = currencyCode(input.currency, '');
  if (input.quotationDate != null) draft.quotationDate = dateField(input.quotationDate, 'quotationDate');
  if (input.validityDate !== undefined) draft.validityDate = input.validityDate === null ? null : dateField(input.validityDate, 'validityDate');
  if (input.clientOrderRef !== undefined) draft.clientOrderRef = optionalText(input.clientOrderRef);
  if (input.note !== undefined) draft.note = optionalText(input.note);
  return draft;
}

/** The validity date must not be before the quotation date. */
export function checkDates(quotationDate: string, validityDate: string | null): void {
  if (validityDate !== null && validityDate < quotationDate) {
    throw badInput('validityDate', `the quotation is valid until ${validityDate}, before its date ${quotationDate}`);
  }
}

/** date + days, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
