import type { GraphQLError } from 'graphql';
import { addDays, checkDates, resolveLine, validateHeader, validateLineShapes, type ProductFacts, type TaxFacts } from './quotation-input';
import { validateNewProduct } from './product-input';
import { validateNewTax } from './tax-input';

function errorOf(fn: () => unknown): { code?: unknown; field?: unknown } {
  try {
    fn();
  } catch (error) {
    const e = error as GraphQLError;
    return { code: e.extensions?.['code'], field: e.extensions?.['field'] };
  }
  return {};
}

const chair: ProductFacts = {
  id: '01934d6e-0000-7000-8000-000000000001',
  name: 'Office Chair',
  internalReference: 'FURN-0001',
  listPrice: '500000.00',
  currency: 'IDR',
  active: true,
  taxIds: ['01934d6e-0000-7000-8000-0000000000f1'],
  salesDescription: null,
};
const vat: TaxFacts = { id: '01934d6e-0000-7000-8000-0000000000f1', name: 'PPN 11%', percent: '11', priceIncluded: false, active: true };
const products = new Map([[chair.id, chair]]);
const taxes = new Map([[vat.id, vat]]);

describe('quotation lines', () => {
  it('fills description, price and taxes from the product', () => {
    const [shape] = validateLineShapes([{ productId: chair.id, quantity: '200' }]);
    const line = resolveLine(shape!, 0, products, taxes, 'IDR');
    expect(line).toEqual({
      id: null,
      productId: chair.id,
      description: '[FURN-0001] Office Chair',
      quantity: '200',
      unitPrice: '500000',
      discount: '0',
      taxes: [{ id: vat.id, name: 'PPN 11%', percent: '11', priceIncluded: false }],
    });
  });

  it.each([
    [{ productId: chair.id, quantity: '0' }, 'lines.0.quantity'],
    [{ productId: chair.id, quantity: '-3' }, 'lines.0.quantity'],
    [{ productId: chair.id, discount: '100.5' }, 'lines.0.discount'],
    [{ productId: chair.id, discount: '-1' }, 'lines.0.discount'],
    [{ productId: chair.id, unitPrice: '-1' }, 'lines.0.unitPrice'],
    [{ productId: 'chair' }, 'lines.0.productId'],
    [{ productId: chair.id, quantity: 'ten' }, 'lines.0.quantity'],
  ])('rejects %j on %s', (line, field) => {
    expect(errorOf(() => validateLineShapes([line]))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('rejects archived or unknown products and taxes, and foreign-currency list prices', () => {
    const archived = new Map([[chair.id, { ...chair, active: false }]]);
    const [shape] = validateLineShapes([{ productId: chair.id }]);
    expect(errorOf(() => resolveLine(shape!, 0, archived, taxes, 'IDR'))).toEqual({ code: 'BAD_USER_INPUT', field: 'lines.0.productId' });
    expect(errorOf(() => resolveLine(shape!, 0, new Map(), taxes, 'IDR')).field).toBe('lines.0.productId');
    expect(errorOf(() => resolveLine(shape!, 0, products, new Map(), 'IDR')).field).toBe('lines.0.taxIds');
    expect(errorOf(() => resolveLine(shape!, 0, products, taxes, 'USD')).field).toBe('lines.0.unitPrice');
    const [priced] = validateLineShapes([{ productId: chair.id, unitPrice: '35' }]);
    expect(resolveLine(priced!, 0, products, taxes, 'USD').unitPrice).toBe('35');
    const [free] = validateLineShapes([{ quantity: '1' }]);
    expect(errorOf(() => resolveLine(free!, 0, products, taxes, 'IDR')).field).toBe('lines.0.description');
  });

  it('checks header fields and dates', () => {
    expect(errorOf(() => validateHeader({ customerId: null }))).toEqual({ code: 'BAD_USER_INPUT', field: 'customerId' });
    expect(errorOf(() => validateHeader({ currency: 'RUPIAH' })).field).toBe('currency');
    expect(errorOf(() => validateHeader({ validityDate: '2026-02-30' })).field).toBe('validityDate');
    expect(errorOf(() => checkDates('2026-11-23', '2026-11-22')).field).toBe('validityDate');
    expect(addDays('2026-11-23', 30)).toBe('2026-12-23');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('products and taxes', () => {
  it('validates a product', () => {
    expect(validateNewProduct({ name: ' Office Chair ', listPrice: '500000', internalReference: ' FURN-0001 ' }, 'IDR')).toEqual({
      name: 'Office Chair',
      internalReference: 'FURN-0001',
      type: 'GOODS',
      listPrice: '500000',
      currency: 'IDR',
      unitOfMeasure: 'Units',
      taxIds: [],
      salesDescription: null,
    });
    expect(errorOf(() => validateNewProduct({ name: 'x', listPrice: '-1' }, 'IDR')).field).toBe('listPrice');
    expect(errorOf(() => validateNewProduct({ name: 'x', listPrice: '1', currency: 'XXX' }, 'IDR')).field).toBe('currency');
    expect(errorOf(() => validateNewProduct({ name: ' ', listPrice: '1' }, 'IDR')).field).toBe('name');
  });

  it('validates a tax', () => {
    expect(validateNewTax({ name: 'PPN 11%', percent: '11.00' })).toEqual({ name: 'PPN 11%', percent: '11', priceIncluded: false });
    expect(errorOf(() => validateNewTax({ name: 'x', percent: '101' })).field).toBe('percent');
    expect(errorOf(() => validateNewTax({ name: 'x', percent: '-5' })).field).toBe('percent');
  });
});
