import nlp from 'compromise';

/**
 * Word classes from compromise's lexicon (first and last names, cities, countries, regions,
 * demonyms, organisations, honorifics, and the ordinary English vocabulary that tells "Steel Chair"
 * from "Jane Doe"). Running compromise's tagger costs ~200 µs a call, too slow for every cell of
 * a table, so cells use its lexicon directly (a map lookup per word) and only free text runs the
 * tagger (scan-text.ts).
 */
export const enum Word {
  FirstName = 1,
  LastName = 2,
  Honorific = 4,
  City = 8,
  Country = 16,
  Region = 32,
  Place = 64,
  Demonym = 128,
  Organization = 256,
  OrgWord = 512,
  PlaceWord = 1024,
  Dictionary = 2048,
}

const TAG_BITS: Record<string, number> = {
  FirstName: Word.FirstName,
  MaleName: Word.FirstName,
  FemaleName: Word.FirstName,
  LastName: Word.LastName,
  Honorific: Word.Honorific,
  City: Word.City,
  Country: Word.Country,
  Region: Word.Region,
  Place: Word.Place,
  Demonym: Word.Demonym,
  Organization: Word.Organization,
  SportsTeam: Word.Organization,
};

// Vocabulary tags: a word carrying one of these (and no name tag) is an ordinary word.
const DICTIONARY_TAGS = new Set([
  'Adjective',
  'Comparative',
  'Superlative',
  'Infinitive',
  'PastTense',
  'PresentTense',
  'Gerund',
  'Participle',
  'PhrasalVerb',
  'Plural',
  'Singular',
  'Uncountable',
  'Adverb',
  'Preposition',
  'Determiner',
  'Conjunction',
  'Pronoun',
  'Actor',
  'Unit',
  'Currency',
  'Month',
  'WeekDay',
  'Expression',
  'Noun',
  'Verb',
  'Cardinal',
  'Ordinal',
  'TextValue',
]);

interface CompromiseModel {
  one: { lexicon: Record<string, string | string[]> };
  two: { orgWords?: Record<string, boolean>; placeWords?: Record<string, boolean> };
}

// Country names in these languages come from ICU (Intl.DisplayNames), which Node ships in full.
const COUNTRY_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'no', 'fi', 'cs', 'ro', 'tr', 'hu'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function countryNames(): Set<string> {
  const names = new Set<string>();
  const codes: string[] = [];
  for (const a of LETTERS) for (const b of LETTERS) codes.push(a + b);
  for (const language of COUNTRY_LANGUAGES) {
    const display = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of codes) {
      let name: string | undefined;
      try {
        name = display.of(code);
      } catch {
        continue;
      }
      if (name) names.add(fold(name.replace(/[.,]/g, '')));
    }
  }
  return names;
}

// Built once, on first use, then read-only: the lexicon is data, not state.
let table: Map<string, number> | undefined;

function build(): Map<string, number> {
  const model = nlp.model() as CompromiseModel;
  const out = new Map<string, number>();
  for (const [word, tags] of Object.entries(model.one.lexicon)) {
    let bits = 0;
    let dictionary = false;
    for (const tag of Array.isArray(tags) ? tags : [tags]) {
      bits |= TAG_BITS[tag] ?? 0;
      if (DICTIONARY_TAGS.has(tag)) dictionary = true;
    }
    if (dictionary && !(bits & (Word.FirstName | Word.LastName | Word.City | Word.Country | Word.Region))) bits |= Word.Dictionary;
    if (bits) out.set(fold(word), (out.get(fold(word)) ?? 0) | bits);
  }
  for (const name of countryNames()) out.set(name, (out.get(name) ?? 0) | Word.Country);
  for (const word of Object.keys(model.two.orgWords ?? {})) out.set(word, (out.get(word) ?? 0) | Word.OrgWord);
  for (const word of Object.keys(model.two.placeWords ?? {})) out.set(word, (out.get(word) ?? 0) | Word.PlaceWord);
  return out;
}

/** Lower case without diacritics, so "García" finds compromise's "garcia". */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  // Only decompose when needed: most words are ASCII and normalize() is the slow part.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

/** The word classes of a (folded) word or phrase; 0 when compromise does not know it. */
export function lookup(folded: string): number {
  table ??= build();
  return table.get(folded) ?? 0;
}
