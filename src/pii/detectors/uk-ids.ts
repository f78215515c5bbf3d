import type { Span } from '../types';
import { nhsValid } from './checksums';

// HMRC NIM39110: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; prefixes
// BG, GB, KN, NK, NT, TN, ZZ never issued; suffix A-D.
const NINO = /^([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])$/i;
const NINO_INSIDE = /\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])\b/g;
const NINO_UNISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export function ninoScore(value: string): number {
  const m = NINO.exec(value);
  return m && !NINO_UNISSUED.has(m[1]!.toUpperCase()) ? 0.9 : 0;
}

const NHS_GROUPED = /^(\d{3})([ -])(\d{3})\2(\d{4})$/;
const NHS_BARE = /^\d{10}$/;

export function nhsScore(value: string): number {
  const m = NHS_GROUPED.exec(value);
  if (m) return nhsValid(m[1]! + m[3]! + m[4]!) ? 0.85 : 0;
  // One random ten-digit number in eleven passes mod 11: bare digits need context.
  if (NHS_BARE.test(value)) return nhsValid(value) ? 0.4 : 0;
  return 0;
}

const NHS_INSIDE = /(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d-])/g;

export function findUkIds(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(NINO_INSIDE)) {
    if (!NINO_UNISSUED.has(m[1]!.toUpperCase())) spans.push({ type: 'UK_NINO', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  for (const m of text.matchAll(NHS_INSIDE)) {
    if (m[2] && nhsValid(m[1]! + m[3]! + m[4]!)) spans.push({ type: 'UK_NHS', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
  return spans;
}
