import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Span } from '../types';

// National numbers carry no country, so they are tried against these in turn. The `max`
// metadata validates each country's real number plan, not only lengths.
const DEFAULT_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'PT',
  'IE',
  'CA',
  'AU',
  'IN',
  'BR',
  'MX',
  'PL',
  'SE',
];

// Dates are dialable digit groups too; the date detector owns them.
const DATE_SHAPE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/;
const PHONE_CHARS = /^[+(]?[\d][\d ().\-/]*(?:\s*(?:x|ext\.?|#)\s*\d{1,6})?$/i;

/**
 * Scores cells as phone numbers. Keeps the countries that matched recently first: a column
 * usually holds numbers of one or two countries, so most cells then cost one parse.
 */
export class PhoneMatcher {
  private readonly order: CountryCode[] = [...DEFAULT_COUNTRIES];
  // Set once a number was valid for the country now first in `order`.
  private confirmed = false;

  private prefer(country: CountryCode | undefined): void {
    const i = country ? this.order.indexOf(country) : -1;
    if (i > 0) this.order.unshift(...this.order.splice(i, 1));
    if (i >= 0) this.confirmed = true;
  }

  score(value: string): number {
    if (value.length < 7 || value.length > 32 || !PHONE_CHARS.test(value) || DATE_SHAPE.test(value)) return 0;
    // E.164 numbers have at most 15 digits (an extension comes after "x"/"ext"/"#").
    const main = value.replace(/\s*(?:x|ext\.?|#)\s*\d+$/i, '');
    let digits = 0;
    for (let i = 0; i < main.length; i++) if (main.charCodeAt(i) >= 48 && main.charCodeAt(i) <= 57) digits++;
    if (digits < 6 || digits > 15) return 0;
    const international = value.startsWith('+') || value.startsWith('00');
    if (international) {
      const parsed = parsePhoneNumberFromString(value.startsWith('00') ? `+${value.slice(2)}` : value);
      if (!parsed) return 0;
      if (!parsed.isValid()) return parsed.isPossible() ? 0.6 : 0;
      // National numbers in the same column are most likely from the same country.
      this.prefer(parsed.country);
      return 0.95;
    }
    // Bare digit runs are as often ids or amounts: weak evidence that needs a header or neighbours.
    const formatted = /[\s().\-/]/.test(value);
    // Countries are tried until one finds the number valid. Once the column's country is known
    // (a number was valid for it), a number it finds possible but unassigned (a made-up area
    // code) stops the search: one parse a cell instead of nineteen.
    let possible = false;
    for (let i = 0; i < this.order.length; i++) {
      const country = this.order[i]!;
      const parsed = parsePhoneNumberFromString(value, country);
      if (!parsed) continue;
      if (parsed.isValid()) {
        this.prefer(country);
        return formatted ? 0.85 : 0.4;
      }
      if (parsed.isPossible()) {
        possible = true;
        if (i === 0 && this.confirmed) break;
      }
    }
    return possible && formatted ? 0.55 : 0;
  }
}

// Digit runs that could be dialled: an optional "+" or "(", digits with separators, 7+ digits.
const CANDIDATE = /(?<![\w+])(?:\+|00)?\(?\d[\d ().\-/]{5,20}\d(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?![\w])/gi;

/** Phone numbers in free text: candidates found by shape, each scored like a cell. */
export function findPhones(text: string, matcher = new PhoneMatcher()): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const candidate = m[0].trim();
    const score = matcher.score(candidate);
    // Bare digit runs in prose are more often amounts or ids: only formatted or international ones.
    if (score >= 0.55) spans.push({ type: 'PHONE_NUMBER', start: m.index, end: m.index + candidate.length, score });
  }
  return spans;
}
