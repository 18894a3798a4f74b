/** Quotation / sales order numbers: S00001, S00002 … (Odoo's sale.order sequence). */
export function quotationNumber(sequence: number | bigint): string {
  return `S${String(sequence).padStart(5, '0')}`;
}

/** Booking service numbers: BOS-W/{branch}/{yymm}/{seq}, e.g. BOS-W/MAN01/2007/00001. */
export function bookingNumber(branchId: string, yymm: string, sequence: number | bigint): string {
  if (!/^\d{4}$/.test(yymm)) throw new Error(`yymm must be four digits, got "${yymm}"`);
  return `BOS-W/${branchId}/${yymm}/${String(sequence).padStart(5, '0')}`;
}

/** The booking sequence restarts each month per branch: its key. */
export function bookingSequenceKey(branchId: string, yymm: string): string {
  return `BOS-W/${branchId}/${yymm}`;
}
