import nlp from 'compromise';
import { findCreditCards } from './detectors/credit-card';
import { findDates } from './detectors/date';
import { findEmails } from './detectors/email';
import { findIbans } from './detectors/iban';
import { Word, fold, lookup } from './detectors/lexicon';
import { findNetworkIds } from './detectors/network';
import { findPhones } from './detectors/phone';
import { findSecrets } from './detectors/secret';
import { findStreetAddresses } from './detectors/street-address';
import { findSsns } from './detectors/us-ssn';
import { findUkIds } from './detectors/uk-ids';
import { findUrls } from './detectors/url';
import type { EntityType, Span } from './types';

// When two detections overlap, the more specific kind wins before the score is compared:
// a card number is also a digit run libphonenumber would accept.
const PRIORITY: Partial<Record<EntityType, number>> = {
  SECRET: 9,
  EMAIL_ADDRESS: 8,
  URL: 8,
  IBAN_CODE: 7,
  CREDIT_CARD: 7,
  MAC_ADDRESS: 7,
  US_SSN: 6,
  UK_NINO: 6,
  UK_NHS: 5,
  IP_ADDRESS: 5,
  DATE_TIME: 4,
  STREET_ADDRESS: 4,
  PHONE_NUMBER: 3,
};

/** Drops spans overlapping a stronger one; the result is sorted by start. */
export function resolveOverlaps(spans: Span[]): Span[] {
  const ranked = [...spans].sort((a, b) => (PRIORITY[b.type] ?? 1) - (PRIORITY[a.type] ?? 1) || b.score - a.score || b.end - b.start - (a.end - a.start));
  const kept: Span[] = [];
  for (const s of ranked) if (!kept.some((k) => k.start < s.end && s.start < k.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Pattern and checksum detectors. Most need digits (or "@", "://"), so one count of the text's
 * digits skips the rest: prose without numbers costs a couple of regex scans, not a dozen.
 */
export function patternSpans(text: string): Span[] {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  const spans: Span[] = [];
  const add = (found: Span[]) => {
    for (const s of found) spans.push(s);
  };
  if (text.includes('@')) add(findEmails(text));
  add(findUrls(text));
  if (/[_-]|eyJ|BEGIN|AKIA|ASIA|AIza/.test(text)) add(findSecrets(text));
  if (digits >= 2) {
    add(findIbans(text));
    add(findUkIds(text));
    add(findNetworkIds(text));
    add(findDates(text));
    add(findStreetAddresses(text));
  }
  if (digits >= 7) {
    add(findCreditCards(text));
    add(findSsns(text));
    add(findPhones(text));
  }
  return spans;
}

const NAME_PARTICLE = /^(?:van|von|der|den|de|del|la|le|da|di|du|dos|bin|al|el)$/;

interface CompromiseSpan {
  text: string;
  offset: { start: number; length: number };
}

/** People, places, organisations and demonyms from compromise's tagger, which reads context. */
export function nlpSpans(text: string): Span[] {
  const doc = nlp(text);
  const spans: Span[] = [];
  // compromise also guesses from capitalisation alone, which turns Latin filler text or foreign
  // words into "people": keep a span only if one of its words is in the lexicon as that kind.
  const add = (type: EntityType, score: number, found: CompromiseSpan[], evidence: number) => {
    for (const f of found) {
      const trimmed = f.text.replace(/[\s.,;:!?'"()]+$/, '').replace(/^[\s'"(]+/, '');
      const start = f.offset.start + f.text.indexOf(trimmed);
      const words = trimmed.split(/\s+/);
      const known = words.some((w) => lookup(fold(w.replace(/[.,']+$/, ''))) & evidence) || lookup(fold(trimmed)) & evidence;
      // Names are capitalised; a lone capitalised word opening a sentence is only a sentence start.
      const capitalised = words.every((w) => /^\p{Lu}/u.test(w) || NAME_PARTICLE.test(w));
      const sentenceStart = words.length === 1 && /(?:^|[.!?]\s+)$/.test(text.slice(0, start));
      if (trimmed.length > 1 && known && capitalised && !sentenceStart) spans.push({ type, start, end: start + trimmed.length, score });
    }
  };
  add('PERSON', 0.8, doc.people().json({ offset: true }) as CompromiseSpan[], Word.FirstName | Word.LastName | Word.Honorific);
  add('LOCATION', 0.75, doc.places().json({ offset: true }) as CompromiseSpan[], Word.City | Word.Country | Word.Region | Word.Place);
  add('ORGANIZATION', 0.7, doc.organizations().json({ offset: true }) as CompromiseSpan[], Word.Organization | Word.OrgWord);
  add('NRP', 0.7, doc.match('#Demonym').json({ offset: true }) as CompromiseSpan[], Word.Demonym);
  return spans;
}

const TRAILING = '.,;:!?)"\'';

function isUpper(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 192 && code <= 222 && code !== 215);
}

/**
 * The cheap stand-in for nlpSpans on long columns: a run of two or three capitalised words
 * opening with a first name from compromise's lexicon is a person; a known place is a place.
 * A hand-written word scan: a Unicode regex over every cell of a text column is the slow part.
 */
export function lexiconSpans(text: string): Span[] {
  const spans: Span[] = [];
  const words: { start: number; end: number }[] = [];
  const flush = () => {
    for (let k = 0; k + 1 < words.length; k++) {
      const start = words[k]!.start;
      const bits = lookup(fold(text.slice(start, words[k]!.end)));
      if (bits & Word.FirstName && !(bits & Word.Dictionary)) {
        const last = Math.min(k + 2, words.length - 1);
        spans.push({ type: 'PERSON', start, end: words[last]!.end, score: 0.7 });
        k = last;
      } else if (lookup(fold(text.slice(start, words[k + 1]!.end))) & (Word.City | Word.Country | Word.Region)) {
        spans.push({ type: 'LOCATION', start, end: words[k + 1]!.end, score: 0.75 });
        k++;
      }
    }
    words.length = 0;
  };
  let i = 0;
  while (i < text.length) {
    while (i < text.length && text.charCodeAt(i) <= 32) i++;
    const start = i;
    while (i < text.length && text.charCodeAt(i) > 32) i++;
    let end = i;
    while (end > start && TRAILING.includes(text[end - 1]!)) end--;
    if (end > start + 1 && isUpper(text.charCodeAt(start))) {
      words.push({ start, end });
      if (end < i) flush(); // punctuation ends the run
    } else flush();
  }
  flush();
  return spans;
}
