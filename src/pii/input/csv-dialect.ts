export interface CsvDialect {
  delimiter: string;
  quote: string;
}

const DELIMITERS = [',', ';', '\t', '|', ':'];

/** Field counts of the first lines for one delimiter, honouring quotes (a quoted delimiter does not split). */
function fieldCounts(text: string, delimiter: string, quote: string, maxLines: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let inQuotes = false;
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const c = text[i];
    if (c === quote) inQuotes = !inQuotes;
    else if (!inQuotes && c === delimiter) fields++;
    else if (!inQuotes && c === '\n') {
      counts.push(fields);
      fields = 1;
    }
  }
  return counts;
}

/**
 * Picks the delimiter that splits the first lines into the same number (> 1) of fields most
 * consistently, like Python's csv.Sniffer; a single-column file falls back to ",". The quote is
 * `'` only when fields open with it and never with `"`.
 */
export function sniffDialect(head: string): CsvDialect {
  const text = head.replace(/\r\n?/g, '\n');
  const doubleOpen = (text.match(/(?:^|[,;\t|])"/gm) ?? []).length;
  const singleOpen = (text.match(/(?:^|[,;\t|])'/gm) ?? []).length;
  const quote = singleOpen > 0 && doubleOpen === 0 && singleOpen >= 2 ? "'" : '"';
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITERS) {
    const counts = fieldCounts(text, delimiter, quote, 50);
    if (!counts.length) continue;
    const header = counts[0]!;
    if (header < 2) continue;
    const agreeing = counts.filter((c) => c === header).length / counts.length;
    // Consistency first, then more columns (a ":" inside times splits less regularly than the true delimiter).
    const score = agreeing * 1000 + header;
    if (score > best.score) best = { delimiter, score };
  }
  return { delimiter: best.delimiter, quote };
}
