import type { ValueMatch } from '../types';
import { Word, fold, lookup } from './lexicon';
import { HONORIFICS, NAME_PARTICLES, NRP_WORDS, ORG_CONNECTORS, ORG_SUFFIXES, PLACE_PREFIXES } from './name-words';

/**
 * Person, place, organisation and NRP (nationality, religious or political group) scores for a
 * short cell of words, from compromise's lexicon plus the morphology of names: a lexicon alone
 * misses most non-English names, so unknown capitalised words count as weak evidence that the
 * column decision (classify.ts) weighs with the header and the neighbouring columns.
 */

const PLACE_SUFFIX =
  /(?:ville|town|ton|burg|burgh|borough|boro|bury|view|port|mouth|stad|stadt|furt|chester|caster|haven|side|shire|field|dale|ford|land|dorf|heim|hausen|ingen|bach|feld|hagen|leben|kirchen|münster|brück|berg|stein|hafen|see|ham|wick|wich|minster|pool|by|thorpe|ley|worth)$/;

const UPPER_START = /^\p{Lu}/u;
const NAME_TOKEN = /^[\p{L}][\p{L}'’.-]*$/u;

export interface NameScores {
  person: number;
  location: number;
  organization: number;
  nrp: number;
}

function strip(token: string): string {
  return token.replace(/^[("']+|[)"',;:.]+$/g, '');
}

/** Scores for a short, digit-free cell; all zero when it is not shaped like a name. */
export function nameScores(value: string): NameScores {
  const scores: NameScores = { person: 0, location: 0, organization: 0, nrp: 0 };
  const raw = value.split(/\s+/);
  if (raw.length > 9 || value.length > 100) return scores;

  const whole = fold(value.replace(/[.,]/g, ''));
  const wholeBits = lookup(whole);
  if (wholeBits & (Word.City | Word.Country | Word.Region)) scores.location = 0.9;
  if (wholeBits & Word.Demonym || NRP_WORDS.has(whole)) scores.nrp = 0.85;
  if (wholeBits & Word.Organization && raw.length > 1) scores.organization = 0.8;

  let first = 0;
  let last = 0;
  let unknownCap = 0;
  let dictionary = 0;
  let honorific = false;
  let lowerOther = 0;
  let orgMarker = false;
  let placeMarker = false;
  let words = 0;
  for (let i = 0; i < raw.length; i++) {
    const token = raw[i]!;
    if (ORG_CONNECTORS.has(token.toLowerCase()) && i > 0 && i < raw.length - 1) {
      orgMarker = true;
      continue;
    }
    const bare = strip(token);
    if (!bare) continue;
    if (!NAME_TOKEN.test(bare)) return { person: 0, location: 0, organization: 0, nrp: 0 };
    const folded = fold(bare.replace(/\.$/, ''));
    const bits = lookup(folded);
    words++;
    if (ORG_SUFFIXES.has(folded.replace(/\./g, '')) && i > 0) orgMarker = true;
    else if (bits & Word.OrgWord && i > 0) orgMarker = true;
    if (i === 0 && (HONORIFICS.has(folded) || bits & Word.Honorific)) {
      honorific = true;
      continue;
    }
    if (!UPPER_START.test(bare)) {
      if (!NAME_PARTICLES.has(folded)) lowerOther++;
      continue;
    }
    if (i === 0 && PLACE_PREFIXES.has(folded) && raw.length > 1) placeMarker = true;
    if (bits & Word.PlaceWord && i > 0) placeMarker = true;
    if (bits & Word.FirstName) first++;
    if (bits & Word.LastName) last++;
    if (bits & (Word.City | Word.Country | Word.Region)) placeMarker = true;
    if (!(bits & (Word.FirstName | Word.LastName))) {
      if (bits & Word.Dictionary) dictionary++;
      else if (!bits) unknownCap++;
    }
  }
  if (words === 0) return scores;
  if (orgMarker && !(first > 0 && words <= 3 && !honorific && dictionary === 0 && raw.length <= 3)) {
    scores.organization = Math.max(scores.organization, 0.85);
    return scores;
  }
  // Lower-case words other than particles, or too many words: a phrase, not a name.
  if (lowerOther > 0 || raw.length > 6) return scores;

  const nameWords = first + last + unknownCap;
  if (dictionary === 0 || honorific) {
    if (honorific && nameWords > 0) scores.person = 0.9;
    else if (first > 0 && nameWords >= 2) scores.person = 0.9;
    else if (first > 0 && words === 1) scores.person = 0.75;
    else if (last > 0 && nameWords >= 2) scores.person = 0.75;
    else if (last > 0 && words === 1) scores.person = 0.55;
    else if (nameWords >= 2 && words <= 4) scores.person = 0.45;
    else if (unknownCap === 1 && words === 1) scores.person = 0.3;
  } else if (first > 0 && dictionary === 1 && words >= 2) {
    // "Rose Brown", "Mark Young": first names that are also words.
    scores.person = 0.5;
  }

  if (scores.location < 0.9) {
    const lastWord = fold(strip(raw[raw.length - 1]!));
    if (placeMarker) scores.location = Math.max(scores.location, dictionary > 1 ? 0.3 : 0.65);
    // Only the word's end can match: testing a short tail keeps the regex from scanning every position.
    else if (PLACE_SUFFIX.test(lastWord.slice(-9)) && dictionary === 0 && words <= 3) scores.location = 0.45;
  }
  if (scores.location >= 0.65 && scores.person < 0.9) scores.person = Math.min(scores.person, 0.3);
  // Capitalised words unknown to the lexicon are a proper noun of some kind: weak evidence for
  // both a person and a place, which a header or a neighbouring column can settle.
  if (dictionary === 0 && words <= 4 && scores.person > 0 && scores.location === 0) scores.location = 0.3;
  return scores;
}

export function nameMatches(value: string): ValueMatch[] {
  const s = nameScores(value);
  const out: ValueMatch[] = [];
  if (s.person) out.push({ type: 'PERSON', score: s.person });
  if (s.location) out.push({ type: 'LOCATION', score: s.location });
  if (s.organization) out.push({ type: 'ORGANIZATION', score: s.organization });
  if (s.nrp) out.push({ type: 'NRP', score: s.nrp });
  return out;
}
