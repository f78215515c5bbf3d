import type { Span } from '../types';

const WHOLE = /^(?:(?:https?|ftp):\/\/|www\.)[^\s/$.?#].[^\s]*$/i;
const INSIDE = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"']+[^\s<>"'.,;:!?)]/gi;

/** URLs are reported but not personal: a link identifies a page, not a person. */
export function urlScore(value: string): number {
  return WHOLE.test(value) ? 0.9 : 0;
}

export function findUrls(text: string): Span[] {
  if (!text.includes('://') && !/www\./i.test(text)) return [];
  const spans: Span[] = [];
  for (const m of text.matchAll(INSIDE)) spans.push({ type: 'URL', start: m.index, end: m.index + m[0].length, score: 0.9 });
  return spans;
}
