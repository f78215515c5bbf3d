import { maskValue } from './mask';
import { nlpSpans, patternSpans, resolveOverlaps } from './text-spans';
import type { Span } from './types';

export interface TextSpan extends Span {
  /** The matched text, masked (see mask.ts): safe to log or show. */
  masked: string;
}

/**
 * Finds personal data (and the non-personal types, told apart by `isPersonal`) in free text,
 * e.g. a prediction payload before it is stored. Offsets are UTF-16 indexes into `text`.
 */
export function scanText(text: string): TextSpan[] {
  if (!text) return [];
  const spans = resolveOverlaps([...patternSpans(text), ...nlpSpans(text)]);
  return spans.map((s) => ({ ...s, masked: maskValue(s.type, text.slice(s.start, s.end)) }));
}
