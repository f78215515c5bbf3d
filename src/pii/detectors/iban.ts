import { ValidationErrorsIBAN, electronicFormatIBAN, validateIBAN } from 'ibantools';
import type { Span } from '../types';

/**
 * ibantools checks the country's length and BBAN format and the mod-97 check digits, which a
 * regex cannot, and some countries' national check digits too. A number that passes mod-97 in
 * the right format but fails only the national check is still an account number in IBAN form
 * (test data, a typo): reported with a lower score.
 */
export function ibanScore(value: string): number {
  if (value.length < 15 || value.length > 42) return 0;
  // Country letters then two check digits, before anything costlier.
  if (!/^[A-Za-z]{2}\d{2}/.test(value)) return 0;
  const electronic = electronicFormatIBAN(value);
  if (!electronic) return 0;
  const { valid, errorCodes } = validateIBAN(electronic);
  if (valid) return 0.99;
  return errorCodes.length === 1 && errorCodes[0] === ValidationErrorsIBAN.WrongAccountBankBranchChecksum ? 0.8 : 0;
}

const CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

export function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    // The greedy match may swallow a following word; shrink until it validates.
    let candidate = m[0];
    while (candidate.length >= 15) {
      const score = ibanScore(candidate);
      if (score) {
        spans.push({ type: 'IBAN_CODE', start: m.index, end: m.index + candidate.length, score });
        break;
      }
      const cut = candidate.lastIndexOf(' ');
      if (cut < 0) break;
      candidate = candidate.slice(0, cut);
    }
  }
  return spans;
}
