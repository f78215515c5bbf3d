import type { Span } from '../types';
import { digitsOnly, luhnValid } from './checksums';

// Issuer identification ranges (IIN prefixes) and lengths of the major networks. A number must
// pass Luhn *and* fall in a range: Luhn alone accepts one random number in ten.
const RANGES: readonly { from: number; to: number; digits: number; lengths: readonly number[] }[] = [
  { from: 4, to: 4, digits: 1, lengths: [13, 16, 19] }, // Visa
  { from: 51, to: 55, digits: 2, lengths: [16] }, // Mastercard
  { from: 2221, to: 2720, digits: 4, lengths: [16] }, // Mastercard 2-series
  { from: 34, to: 34, digits: 2, lengths: [15] }, // American Express
  { from: 37, to: 37, digits: 2, lengths: [15] },
  { from: 6011, to: 6011, digits: 4, lengths: [16, 19] }, // Discover
  { from: 644, to: 649, digits: 3, lengths: [16, 19] },
  { from: 65, to: 65, digits: 2, lengths: [16, 19] },
  { from: 300, to: 305, digits: 3, lengths: [14, 16, 19] }, // Diners Club
  { from: 36, to: 36, digits: 2, lengths: [14, 16, 19] },
  { from: 38, to: 39, digits: 2, lengths: [16, 19] },
  { from: 3528, to: 3589, digits: 4, lengths: [16, 17, 18, 19] }, // JCB
  { from: 62, to: 62, digits: 2, lengths: [16, 17, 18, 19] }, // UnionPay
  { from: 2200, to: 2204, digits: 4, lengths: [16, 17, 18, 19] }, // Mir
  { from: 50, to: 50, digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { from: 56, to: 58, digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { from: 639, to: 639, digits: 3, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { from: 67, to: 67, digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

export function issuerKnown(digits: string): boolean {
  for (const r of RANGES) {
    if (!r.lengths.includes(digits.length)) continue;
    const prefix = Number(digits.slice(0, r.digits));
    if (prefix >= r.from && prefix <= r.to) return true;
  }
  return false;
}

export function cardNumberValid(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && issuerKnown(digits) && luhnValid(digits);
}

export function creditCardScore(value: string): number {
  if (value.length < 12 || value.length > 23) return 0;
  const digits = digitsOnly(value, ' -');
  if (!digits || !cardNumberValid(digits)) return 0;
  // Grouped like a card (4-4-4-4, 4-6-5) is stronger evidence than a bare run of digits.
  return digits.length === value.length ? 0.85 : 0.95;
}

const CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g;

export function findCreditCards(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const score = creditCardScore(m[0]);
    if (score) spans.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + m[0].length, score });
  }
  return spans;
}
