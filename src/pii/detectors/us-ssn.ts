import type { Span } from '../types';

// SSA rules: area 001-899 except 666, group 01-99, serial 0001-9999; plus numbers the SSA
// voided after they were printed in advertising (078-05-1120, 219-09-9999).
const VOID = new Set(['078051120', '219099999', '123456789']);

export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !VOID.has(area + group + serial);
}

const FORMATTED = /^(\d{3})([- ])(\d{2})\2(\d{4})$/;
const BARE = /^(\d{3})(\d{2})(\d{4})$/;

export function ssnScore(value: string): number {
  let m = FORMATTED.exec(value);
  if (m) return ssnValid(m[1]!, m[3]!, m[4]!) ? 0.85 : 0;
  // Nine bare digits are as likely an account or order number: weak alone, decided by context.
  m = BARE.exec(value);
  if (m) return ssnValid(m[1]!, m[2]!, m[3]!) ? 0.3 : 0;
  return 0;
}

const INSIDE = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;

export function findSsns(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(INSIDE)) {
    if (ssnValid(m[1]!, m[3]!, m[4]!)) spans.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  return spans;
}
