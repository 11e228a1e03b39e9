// ISO 4217 active currency codes (List One as published 2026-01-01) with their minor-unit
// exponents. Codes whose minor unit the standard gives as "N.A." (precious metals, bond-market
// units, XDR, XSU, XUA, XTS, XXX) are listed with exponent 0. Withdrawn codes (ANG, BGN, CUC,
// HRK, SLL, ZWL, ...) are not currencies.

const BY_EXPONENT: readonly (readonly [number, string])[] = [
  [
    0,
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF ' +
      'XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX',
  ],
  [
    2,
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
      'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP ' +
      'GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK ' +
      'LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO ' +
      'NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS ' +
      'SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST ' +
      'XAD XCD XCG YER ZAR ZMW ZWG',
  ],
  [3, 'BHD IQD JOD KWD LYD OMR TND'],
  [4, 'CLF UYW'],
];

// A Map, not an object: user-supplied codes like "__proto__" or "constructor" must miss.
const EXPONENTS: ReadonlyMap<string, number> = new Map(
  BY_EXPONENT.flatMap(([exp, codes]) => codes.split(' ').map((c) => [c, exp] as const)),
);

export const CURRENCY_CODES: readonly string[] = Object.freeze([...EXPONENTS.keys()].sort());

export function isCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

/** The ISO 4217 exponent of `code`, undefined when it is no currency: one lookup for both questions. */
export function currencyScale(code: string): number | undefined {
  return EXPONENTS.get(code);
}

/** The ISO 4217 exponent of `code`. Callers check isCurrency first; anything else is a bug. */
export function minorUnits(code: string): number {
  const exp = EXPONENTS.get(code);
  if (exp === undefined) throw new RangeError(`not an ISO 4217 currency: ${JSON.stringify(code)}`);
  return exp;
}
