import type { ValueMatch } from '../types';
import { creditCardScore } from './credit-card';
import { parseDate, type DateInfo } from './date';
import { emailScore } from './email';
import { ibanScore } from './iban';
import { nameMatches } from './names';
import { ipScore, macScore } from './network';
import { PhoneMatcher } from './phone';
import { secretScore } from './secret';
import { streetAddressScore } from './street-address';
import { ssnScore } from './us-ssn';
import { ninoScore, nhsScore } from './uk-ids';
import { urlScore } from './url';

/** What one cell is, taken as a whole value. */
export interface CellAnalysis {
  matches: ValueMatch[];
  /** Set when the cell is a calendar date: the column decides DATE_OF_BIRTH versus DATE_TIME. */
  date?: DateInfo;
  /** Number of whitespace-separated words (free-text columns are scanned for spans instead). */
  words: number;
}

function countWords(value: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < value.length; i++) {
    const space = value.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/**
 * Runs the whole-value detectors a cell's shape allows. A character census first routes the cell,
 * so a name never reaches libphonenumber and a number never reaches the name lexicon: that is
 * what keeps a full scan within a small multiple of bare CSV parsing.
 */
export class CellClassifier {
  private readonly phone = new PhoneMatcher();

  analyze(raw: string): CellAnalysis {
    const value = raw.trim();
    const words = countWords(value);
    const matches: ValueMatch[] = [];
    if (!value) return { matches, words };
    let digits = 0;
    let letters = 0;
    let at = false;
    let colon = false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 191) letters++;
      else if (c === 64) at = true;
      else if (c === 58) colon = true;
    }
    if (at) {
      const s = emailScore(value);
      if (s) return { matches: [{ type: 'EMAIL_ADDRESS', score: s }], words };
    }
    const url = words === 1 && letters > 3 ? urlScore(value) : 0;
    if (url) return { matches: [{ type: 'URL', score: url }], words };

    if (digits > 0 && words <= 8) {
      const date = parseDate(value);
      if (date) return { matches: [{ type: 'DATE_TIME', score: 0.9 }], date, words };
      if (colon || (digits >= 4 && value.includes('.') && words === 1)) {
        const ip = ipScore(value);
        if (ip) return { matches: [{ type: 'IP_ADDRESS', score: ip }], words };
      }
      if (words === 1 && (colon || value.includes('-') || value.includes('.'))) {
        const mac = macScore(value);
        if (mac) return { matches: [{ type: 'MAC_ADDRESS', score: mac }], words };
      }
      if (letters >= 2 && digits >= 2) {
        const iban = ibanScore(value);
        if (iban) return { matches: [{ type: 'IBAN_CODE', score: iban }], words };
        const nino = ninoScore(value);
        if (nino) return { matches: [{ type: 'UK_NINO', score: nino }], words };
      }
      if (letters <= 3 && digits >= 7) {
        // Strict formats first; a phone reading is dropped when a checksum format matched
        // (3-3-4 NHS numbers and 3-2-4 SSNs are also dialable shapes).
        const card = creditCardScore(value);
        if (card) return { matches: [{ type: 'CREDIT_CARD', score: card }], words };
        const ssn = ssnScore(value);
        const nhs = nhsScore(value);
        if (ssn >= 0.8) return { matches: [{ type: 'US_SSN', score: ssn }], words };
        if (nhs >= 0.8) return { matches: [{ type: 'UK_NHS', score: nhs }], words };
        if (ssn) matches.push({ type: 'US_SSN', score: ssn });
        if (nhs) matches.push({ type: 'UK_NHS', score: nhs });
        const phone = this.phone.score(value);
        if (phone) matches.push({ type: 'PHONE_NUMBER', score: phone });
        if (matches.length) return { matches, words };
      }
      if (letters >= 2 && words >= 2) {
        const street = streetAddressScore(value);
        if (street) return { matches: [{ type: 'STREET_ADDRESS', score: street }], words };
      }
    }
    if (words === 1) {
      const secret = secretScore(value);
      if (secret) return { matches: [{ type: 'SECRET', score: secret }], words };
    }
    if (digits === 0 && letters > 1 && words <= 9) return { matches: nameMatches(value), words };
    return { matches, words };
  }
}
