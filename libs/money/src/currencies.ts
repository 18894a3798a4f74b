/**
 * ISO 4217 active currency codes and their minor units (digits after the decimal point).
 * Most currencies have 2; the exceptions are listed by exponent. IDR officially has 2 minor
 * units (sen), even though cash amounts are whole rupiah.
 */
const ZERO_DECIMALS = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const THREE_DECIMALS = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
const FOUR_DECIMALS = ['CLF', 'UYW'];
const TWO_DECIMALS = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
  CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ
  GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT
  MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD
  SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UZS VED VES
  WST XCD XCG YER ZAR ZMW ZWG`
  .split(/\s+/)
  .filter(Boolean);

const MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  ...TWO_DECIMALS.map((code) => [code, 2] as const),
  ...ZERO_DECIMALS.map((code) => [code, 0] as const),
  ...THREE_DECIMALS.map((code) => [code, 3] as const),
  ...FOUR_DECIMALS.map((code) => [code, 4] as const),
]);

export class UnknownCurrencyError extends Error {
  override name = 'UnknownCurrencyError';
}

/** True for an active ISO 4217 code (upper case, e.g. "IDR"). */
export function isCurrency(code: string): boolean {
  return MINOR_UNITS.has(code);
}

/** Digits after the decimal point for the currency; throws UnknownCurrencyError. */
export function minorUnits(code: string): number {
  const digits = MINOR_UNITS.get(code);
  if (digits === undefined) throw new UnknownCurrencyError(`${code} is not an ISO 4217 currency code`);
  return digits;
}

/** Every known code, sorted. */
export function currencyCodes(): string[] {
  return [...MINOR_UNITS.keys()].sort();
}
