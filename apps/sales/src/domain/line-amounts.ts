import { Decimal, minorUnits } from '@crm/money';

/** A tax as a line applies it: percent of the base, included in the unit price or added on top. */
export interface TaxRate {
  id: string;
  name: string;
  /** e.g. "11" for 11 %. */
  percent: string;
  priceIncluded: boolean;
}

export interface LineFigures {
  quantity: string;
  unitPrice: string;
  /** Discount in percent, 0–100. */
  discount: string;
  taxes: TaxRate[];
}

export interface TaxAmount {
  taxId: string;
  name: string;
  percent: string;
  priceIncluded: boolean;
  base: string;
  amount: string;
}

export interface LineAmounts {
  /** Untaxed amount of the line. */
  subtotal: string;
  tax: string;
  total: string;
  taxes: TaxAmount[];
}

export interface QuotationTotals {
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  /** Per tax, in the order first met: the base it applied to and its amount. */
  taxTotals: TaxAmount[];
}

/** unitPrice × (1 − discount/100), exact. */
export function discountedPrice(unitPrice: string, discount: string): Decimal {
  const product = Decimal.of(unitPrice).times(Decimal.HUNDRED.minus(discount));
  return Decimal.fromUnits(product.units, product.scale + 2);
}

/**
 * One line's amounts, rounded per line to the currency's minor units (Odoo's default
 * "round per line"): the gross price × quantity is rounded first; taxes included in the
 * price are taken out of it (the last included tax absorbs the rounding difference, so
 * subtotal + included taxes = gross exactly); taxes on top apply to the subtotal.
 */
export function computeLine(line: LineFigures, currency: string): LineAmounts {
  const digits = minorUnits(currency);
  const gross = discountedPrice(line.unitPrice, line.discount).times(line.quantity).round(digits);
  const included = line.taxes.filter((t) => t.priceIncluded);
  const includedPercent = Decimal.sum(included.map((t) => t.percent));
  const subtotal = included.length
    ? gross.times(Decimal.HUNDRED).dividedBy(Decimal.HUNDRED.plus(includedPercent), digits)
    : gross;
  const percentOfSubtotal = (percent: string) => subtotal.times(percent).dividedBy(Decimal.HUNDRED, digits);

  const amounts = new Map<string, Decimal>();
  let includedSoFar = Decimal.ZERO;
  included.forEach((tax, index) => {
    const amount = index === included.length - 1 ? gross.minus(subtotal).minus(includedSoFar) : percentOfSubtotal(tax.percent);
    includedSoFar = includedSoFar.plus(amount);
    amounts.set(tax.id, amount);
  });
  for (const tax of line.taxes) if (!tax.priceIncluded) amounts.set(tax.id, percentOfSubtotal(tax.percent));

  const taxes = line.taxes.map((tax) => ({
    taxId: tax.id,
    name: tax.name,
    percent: Decimal.of(tax.percent).toString(),
    priceIncluded: tax.priceIncluded,
    base: subtotal.toFixed(digits),
    amount: amounts.get(tax.id)!.toFixed(digits),
  }));
  const tax = Decimal.sum(taxes.map((t) => t.amount));
  return { subtotal: subtotal.toFixed(digits), tax: tax.toFixed(digits), total: subtotal.plus(tax).toFixed(digits), taxes };
}

/** The quotation's totals: sums of the (already rounded) line amounts, and the per-tax breakdown. */
export function computeTotals(lines: LineAmounts[], currency: string): QuotationTotals {
  const digits = minorUnits(currency);
  const untaxed = Decimal.sum(lines.map((l) => l.subtotal));
  const tax = Decimal.sum(lines.map((l) => l.tax));
  const byTax = new Map<string, { first: TaxAmount; base: Decimal; amount: Decimal }>();
  for (const line of lines) {
    for (const t of line.taxes) {
      const entry = byTax.get(t.taxId);
      if (entry) {
        entry.base = entry.base.plus(t.base);
        entry.amount = entry.amount.plus(t.amount);
      } else {
        byTax.set(t.taxId, { first: t, base: Decimal.of(t.base), amount: Decimal.of(t.amount) });
      }
    }
  }
  return {
    amountUntaxed: untaxed.toFixed(digits),
    amountTax: tax.toFixed(digits),
    amountTotal: untaxed.plus(tax).toFixed(digits),
    taxTotals: [...byTax.values()].map(({ first, base, amount }) => ({
      ...first,
      base: base.toFixed(digits),
      amount: amount.toFixed(digits),
    })),
  };
}
