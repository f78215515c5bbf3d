import type { Span } from '../types';

// Pragmatic RFC 5322 subset: what real exports contain, not every legal address (no quoted locals).
// Local parts may be internationalised (RFC 6531), hence the non-ASCII range.
const LOCAL = "[A-Za-z0-9\\u00C0-\\uFFFF!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9\\u00C0-\\uFFFF!#$%&'*+/=?^_`{|}~-]+)*";
const DOMAIN = '(?:[A-Za-z0-9\\u00C0-\\uFFFF](?:[A-Za-z0-9\\u00C0-\\uFFFF-]{0,61}[A-Za-z0-9\\u00C0-\\uFFFF])?\\.)+[A-Za-z\\u00C0-\\uFFFF]{2,63}';
const WHOLE = new RegExp(`^(?:mailto:)?${LOCAL}@${DOMAIN}$`);
const INSIDE = new RegExp(`${LOCAL}@${DOMAIN}`, 'g');

export function emailScore(value: string): number {
  return value.includes('@') && WHOLE.test(value) ? 0.95 : 0;
}

export function findEmails(text: string): Span[] {
  if (!text.includes('@')) return [];
  const spans: Span[] = [];
  for (const m of text.matchAll(INSIDE)) spans.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.95 });
  return spans;
}
