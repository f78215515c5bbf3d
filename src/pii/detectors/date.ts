import type { Span } from '../types';

/** A recognised date: its year, and whether it carried a time of day. */
export interface DateInfo {
  year: number;
  dateOnly: boolean;
}

const MONTHS: Record<string, number> = {};
// English, German, French, Spanish, Italian, Portuguese, Dutch month names and abbreviations.
for (const [i, names] of [
  'january jan januar janvier enero gennaio janeiro januari ene gen',
  'february feb februar fevrier febrero febbraio fevereiro februari fev',
  'march mar marz mars marzo marco maart mrz',
  'april apr avril abril aprile avr abr',
  'may mai mayo maggio maio mei mag',
  'june jun juni juin junio giugno junho',
  'july jul juli juillet julio luglio julho juil lug',
  'august aug aout agosto augustus ago',
  'september sep sept septembre septiembre settembre setembro set',
  'october oct oktober octobre octubre ottobre outubro okt ott out',
  'november nov novembre noviembre novembro',
  'december dec dezember decembre diciembre dicembre dezembro dic dez',
].entries()) {
  for (const name of names.split(' ')) MONTHS[name] = i + 1;
}

const TIME = '(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?(?:\\s?[AaPp][Mm])?(?:\\s?(?:Z|UTC|GMT|[+-]\\d{2}:?\\d{2}))?)?';
const ISO = new RegExp(`^(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(${TIME})$`);
const DMY = new RegExp(`^(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2})(${TIME})$`);
const NAMED =
  /^(?:[A-Za-zÀ-ÿ]+,?\s+)?(\d{1,2})\.?\s*(?:de\s+)?([A-Za-zÀ-ÿ]+)\.?,?\s*(?:de\s+)?(\d{4})$|^([A-Za-zÀ-ÿ]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;

function valid(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1800 || year > 2200) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function monthOf(word: string): number | undefined {
  return MONTHS[word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')];
}

/** Parses a whole value as a calendar date (with or without a time); undefined otherwise. */
export function parseDate(value: string): DateInfo | undefined {
  if (value.length < 6 || value.length > 40) return undefined;
  let m = ISO.exec(value);
  if (m) {
    const year = Number(m[1]);
    return valid(year, Number(m[3]), Number(m[4])) ? { year, dateOnly: !m[5] } : undefined;
  }
  m = DMY.exec(value);
  if (m) {
    let year = Number(m[4]);
    if (m[4]!.length === 2) year += year > 30 ? 1900 : 2000;
    const a = Number(m[1]);
    const b = Number(m[3]);
    // Day-first (most of the world) or month-first (US): either reading must be a real date.
    return valid(year, b, a) || valid(year, a, b) ? { year, dateOnly: !m[5] } : undefined;
  }
  m = NAMED.exec(value);
  if (m) {
    const day = Number(m[1] ?? m[5]);
    const month = monthOf(m[2] ?? m[4]!);
    const year = Number(m[3] ?? m[6]);
    return month && valid(year, month, day) ? { year, dateOnly: true } : undefined;
  }
  return undefined;
}

const INSIDE = /\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})\b/g;

export function findDates(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(INSIDE)) if (parseDate(m[0])) spans.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.8 });
  return spans;
}
