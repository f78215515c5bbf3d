/**
 * Where JSON values sit in a text that JSON.parse has already accepted, so a payload can be stored
 * exactly as the logger wrote it (key order, whitespace, `1.0`) instead of re-serialised. The text
 * is known to be valid, so this only finds boundaries: strings are skipped with indexOf, everything
 * else by bracket depth.
 */

const QUOTE = 34;
const BACKSLASH = 92;

export function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `at` is an opening quote; returns the index after the closing one. */
function stringEnd(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** `at` is the first character of a value; returns the index after it. */
export function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first === 123 || first === 91) {
    let depth = 0;
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  let i = at + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 44 || c === 125 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9) return i;
    i++;
  }
}

/**
 * The members of the object starting at `at` (after whitespace) whose names are in `names`, as
 * [start, end) of their values; a repeated name keeps its last value, as JSON.parse does.
 */
export function memberSpans(text: string, at: number, names: readonly string[]): Map<string, [number, number]> {
  const found = new Map<string, [number, number]>();
  let i = skipSpace(text, at) + 1;
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) === 125) return found;
    const keyEnd = stringEnd(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const name = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, start);
    if (names.includes(name)) found.set(name, [start, end]);
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === 44) i++;
  }
}

/** The start of each element of the array starting at `at` (after whitespace). */
export function elementStarts(text: string, at: number): number[] {
  const starts: number[] = [];
  let i = skipSpace(text, at) + 1;
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) === 93) return starts;
    starts.push(i);
    i = skipSpace(text, valueEnd(text, i));
    if (text.charCodeAt(i) === 44) i++;
  }
}
