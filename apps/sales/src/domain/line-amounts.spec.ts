import { computeLine, computeTotals, discountedPrice, type TaxRate } from './line-amounts';

const vat11: TaxRate = { id: 't-vat', name: 'PPN 11%', percent: '11', priceIncluded: false };
const vat11Included: TaxRate = { id: 't-vat-inc', name: 'PPN 11% incl.', percent: '11', priceIncluded: true };
const luxury: TaxRate = { id: 't-lux', name: 'PPnBM 10%', percent: '10', priceIncluded: false };
const vat19Included: TaxRate = { id: 't-19', name: 'MwSt 19%', percent: '19', priceIncluded: true };

describe('line arithmetic', () => {
  it('seed 000: 200 Office Chairs at 500,000 IDR make 100,000,000 untaxed; 11% VAT on top', () => {
    const line = computeLine({ quantity: '200', unitPrice: '500000', discount: '0', taxes: [vat11] }, 'IDR');
    expect(line).toMatchObject({ subtotal: '100000000.00', tax: '11000000.00', total: '111000000.00' });
    expect(line.taxes).toEqual([
      { taxId: 't-vat', name: 'PPN 11%', percent: '11', priceIncluded: false, base: '100000000.00', amount: '11000000.00' },
    ]);
  });

  it('applies the discount before the quantity, without float error', () => {
    expect(discountedPrice('19.99', '15').toString()).toBe('16.9915');
    const line = computeLine({ quantity: '3', unitPrice: '19.99', discount: '15', taxes: [] }, 'USD');
    expect(line).toMatchObject({ subtotal: '50.97', tax: '0.00', total: '50.97' }); // 50.9745 → 50.97
    expect(computeLine({ quantity: '1', unitPrice: '0.1', discount: '0', taxes: [] }, 'USD').subtotal).toBe('0.10');
    expect(computeLine({ quantity: '3', unitPrice: '0.1', discount: '0', taxes: [] }, 'USD').subtotal).toBe('0.30');
  });

  it('rounds per currency: JPY has no minor unit, KWD three', () => {
    expect(computeLine({ quantity: '3', unitPrice: '333.5', discount: '0', taxes: [vat11] }, 'JPY')).toMatchObject({
      subtotal: '1001', // 1000.5 → 1001 (half up)
      tax: '110', // 110.11 → 110
      total: '1111',
    });
    expect(computeLine({ quantity: '1', unitPrice: '1.2345', discount: '0', taxes: [] }, 'KWD').subtotal).toBe('1.235');
  });

  it('takes a tax included in the price out of it, so subtotal + tax = the price', () => {
    const line = computeLine({ quantity: '1', unitPrice: '100', discount: '0', taxes: [vat19Included] }, 'EUR');
    expect(line).toMatchObject({ subtotal: '84.03', tax: '15.97', total: '100.00' });
    const idr = computeLine({ quantity: '2', unitPrice: '555000', discount: '0', taxes: [vat11Included] }, 'IDR');
    expect(idr).toMatchObject({ subtotal: '1000000.00', tax: '110000.00', total: '1110000.00' });
  });

  it('combines included and excluded taxes: excluded ones apply to the untaxed base', () => {
    const line = computeLine({ quantity: '1', unitPrice: '111', discount: '0', taxes: [vat11Included, luxury] }, 'IDR');
    expect(line).toMatchObject({ subtotal: '100.00', tax: '21.00', total: '121.00' });
    expect(line.taxes.map((t) => t.amount)).toEqual(['11.00', '10.00']);
  });

  it('keeps two included taxes summing exactly to the gross', () => {
    const other: TaxRate = { id: 't-x', name: 'X 7%', percent: '7', priceIncluded: true };
    const line = computeLine({ quantity: '1', unitPrice: '10', discount: '0', taxes: [vat19Included, other] }, 'EUR');
    // 10 / 1.26 = 7.936… → 7.94; 19 % of it 1.51; the last included tax takes the rest: 0.55
    expect(line).toMatchObject({ subtotal: '7.94', tax: '2.06', total: '10.00' });
    expect(line.taxes.map((t) => t.amount)).toEqual(['1.51', '0.55']);
  });

  it('gives 100 % discount a zero line', () => {
    expect(computeLine({ quantity: '5', unitPrice: '10', discount: '100', taxes: [vat11] }, 'USD')).toMatchObject({
      subtotal: '0.00',
      tax: '0.00',
      total: '0.00',
    });
  });

  it('sums rounded lines into totals with a per-tax breakdown', () => {
    const lines = [
      computeLine({ quantity: '1', unitPrice: '0.333', discount: '0', taxes: [vat11] }, 'USD'),
      computeLine({ quantity: '1', unitPrice: '0.333', discount: '0', taxes: [vat11] }, 'USD'),
      computeLine({ quantity: '1', unitPrice: '0.333', discount: '0', taxes: [vat11, luxury] }, 'USD'),
    ];
    const totals = computeTotals(lines, 'USD');
    // each line 0.33 untaxed, 0.04 VAT (0.0363 → 0.04), third also 0.03 luxury
    expect(totals).toMatchObject({ amountUntaxed: '0.99', amountTax: '0.15', amountTotal: '1.14' });
    expect(totals.taxTotals).toEqual([
      expect.objectContaining({ taxId: 't-vat', base: '0.99', amount: '0.12' }),
      expect.objectContaining({ taxId: 't-lux', base: '0.33', amount: '0.03' }),
    ]);
    expect(computeTotals([], 'IDR')).toEqual({ amountUntaxed: '0.00', amountTax: '0.00', amountTotal: '0.00', taxTotals: [] });
  });
});
