import { existsSync } from 'node:fs';
import * as path from 'node:path';
import PDFDocument from 'pdfkit';

export const FONT = 'Body';
export const FONT_BOLD = 'Bold';
/** Han, Hiragana, Katakana, Hangul...: DejaVu Sans has none of them; Droid Sans Fallback has no Latin. */
export const FONT_FALLBACK = 'Fallback';

interface GlyphSource {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

/**
 * Writes text that may mix scripts: runs of characters the body font lacks are set in the fallback
 * font, as `continued` pdfkit text so wrapping still works. Measurements use the body font, whose
 * widths are close enough for the few CJK names a pack holds.
 */
export function drawText(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number | undefined,
  y: number | undefined,
  options: PDFKit.Mixins.TextOptions,
  bold = false,
): void {
  const main = bold ? FONT_BOLD : FONT;
  const runs = scriptRuns(doc, text, main);
  if (runs.length <= 1) {
    doc.font(runs[0]?.font ?? main).text(text, x, y, options);
    doc.font(main);
    return;
  }
  runs.forEach((run, i) => {
    doc.font(run.font);
    const last = i === runs.length - 1;
    if (i === 0) doc.text(run.text, x, y, { ...options, continued: !last });
    else doc.text(run.text, { ...options, continued: !last });
  });
  doc.font(main);
}

function scriptRuns(doc: PDFKit.PDFDocument, text: string, main: string): { font: string; text: string }[] {
  // Plain ASCII (most cells) needs no glyph lookups.
  if (!/[^ -~\t\n\r]/.test(text)) return [{ font: main, text }];
  const primary = glyphs(doc, main);
  const fallback = glyphs(doc, FONT_FALLBACK);
  const runs: { font: string; text: string }[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const font = !primary.hasGlyphForCodePoint(code) && fallback.hasGlyphForCodePoint(code) ? FONT_FALLBACK : main;
    const last = runs.at(-1);
    if (last && last.font === font) last.text += char;
    else runs.push({ font, text: char });
  }
  return runs;
}

function glyphs(doc: PDFKit.PDFDocument, name: string): GlyphSource {
  const current = (doc as unknown as { _font: unknown })._font;
  doc.font(name);
  // pdfkit keeps the fontkit font of an embedded TTF at `_font.font`.
  const source = (doc as unknown as { _font: { font: GlyphSource } })._font.font;
  (doc as unknown as { _font: unknown })._font = current;
  return source;
}

export const COLORS = {
  text: '#1f2328',
  muted: '#59636e',
  rule: '#d0d7de',
  headerFill: '#eef2f6',
  accent: '#0b5cad',
  danger: '#b42318',
  ok: '#1a7f37',
  dataset: '#e6f0fb',
  job: '#fdf3e1',
  model: '#eaf6ec',
  group: '#f1f1f4',
} as const;

/** reports/fonts, found from the compiled file (dist/src/reports/render) or the source tree. */
export function fontsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    const candidate = path.join(dir, 'reports', 'fonts');
    if (existsSync(path.join(candidate, 'DejaVuSans.ttf'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('reports/fonts/DejaVuSans.ttf not found: the report fonts ship with Charter');
}

export interface TableColumn<R> {
  header: string;
  /** Share of the table width; shares are normalised. */
  width: number;
  value: (row: R) => string;
  align?: 'left' | 'right';
}

export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  packHash: string;
  /** The pack's generation time: both PDF dates are set to it, so the same input gives the same bytes. */
  generatedAt: Date;
}

/**
 * A thin layer over pdfkit with the few layout rules packs need: flowing text that starts a page
 * when it would not fit, tables that break across pages with their header repeated, and a footer
 * stamped on every page at the end (pages are buffered).
 */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(private readonly info: DocumentInfo) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: 56, bottom: 64, left: 56, right: 56 },
      bufferPages: true,
      autoFirstPage: true,
      pdfVersion: '1.7',
      info: {
        Title: info.title,
        Subject: `${info.subject} (Charter pack hash ${info.packHash})`,
        Author: info.author,
        Creator: 'Charter',
        Producer: 'Charter (pdfkit)',
        Keywords: `charter-pack-hash:${info.packHash}`,
        CreationDate: info.generatedAt,
        ModDate: info.generatedAt,
      },
    });
    // pdfkit types its info dictionary narrowly; a custom key is plain PDF and what verify.ts reads.
    (this.doc.info as unknown as Record<string, string>).CharterPackHash = info.packHash;
    const dir = fontsDir();
    this.doc.registerFont(FONT, path.join(dir, 'DejaVuSans.ttf'));
    this.doc.registerFont(FONT_BOLD, path.join(dir, 'DejaVuSans-Bold.ttf'));
    this.doc.registerFont(FONT_FALLBACK, path.join(dir, 'DroidSansFallbackFull.ttf'));
    this.doc.font(FONT).fontSize(9.5).fillColor(COLORS.text);
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** The 0-based index of the current page. */
  get pageIndex(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  addPage(layout: 'portrait' | 'landscape' = 'portrait'): void {
    this.doc.addPage({ size: 'A4', layout, margins: { top: 56, bottom: 64, left: 56, right: 56 } });
    this.doc.font(FONT).fontSize(9.5).fillColor(COLORS.text);
  }

  /** Starts a page unless `height` still fits under the cursor. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.addPage();
  }

  heading(text: string, level: 1 | 2 = 1): void {
    const size = level === 1 ? 16 : 12;
    this.ensureSpace(size * 3);
    if (level === 2) this.doc.moveDown(0.6);
    this.doc
      .font(FONT_BOLD)
      .fontSize(size)
      .fillColor(level === 1 ? COLORS.accent : COLORS.text);
    this.doc.text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.35);
    this.doc.font(FONT).fontSize(9.5).fillColor(COLORS.text);
  }

  paragraph(text: string, options: { muted?: boolean; size?: number; color?: string; bold?: boolean } = {}): void {
    const color = options.color ?? (options.muted ? COLORS.muted : COLORS.text);
    this.doc
      .font(options.bold ? FONT_BOLD : FONT)
      .fontSize(options.size ?? 9.5)
      .fillColor(color);
    // A paragraph taller than a page (a long comment) starts where it is and flows on: pdfkit
    // continues it on new pages, in the same size and margins; only the colour must be set again.
    const height = this.doc.heightOfString(text, { width: this.width });
    const page = this.bottom - this.doc.page.margins.top;
    this.ensureSpace(height <= page ? height : 3 * this.doc.currentLineHeight(true));
    const recolor = (): void => void this.doc.fillColor(color);
    this.doc.on('pageAdded', recolor);
    drawText(this.doc, text, this.left, this.doc.y, { width: this.width }, options.bold);
    this.doc.off('pageAdded', recolor);
    this.doc.moveDown(0.4);
    this.doc.font(FONT).fillColor(COLORS.text).fontSize(9.5);
  }

  /** Label/value pairs in two columns. */
  keyValues(pairs: [string, string][]): void {
    const labelWidth = 150;
    for (const [label, value] of pairs) {
      const height = Math.max(
        this.doc
          .font(FONT)
          .fontSize(9.5)
          .heightOfString(value, { width: this.width - labelWidth }),
        12,
      );
      this.ensureSpace(height + 3);
      const y = this.doc.y;
      this.doc
        .font(FONT_BOLD)
        .fillColor(COLORS.muted)
        .text(label, this.left, y, { width: labelWidth - 8 });
      this.doc
        .font(FONT)
        .fillColor(COLORS.text)
        .text(value, this.left + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = y + height + 3;
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.3);
  }

  /** A table that continues on the next page with its header repeated; cells wrap, never overflow. */
  table<R>(columns: TableColumn<R>[], rows: readonly R[], options: { empty?: string; fontSize?: number } = {}): void {
    const size = options.fontSize ?? 8.5;
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const pad = 3;
    const rowHeight = (cells: string[], font: string): number =>
      Math.max(
        ...cells.map((cell, i) =>
          this.doc
            .font(font)
            .fontSize(size)
            .heightOfString(cell || ' ', { width: widths[i]! - 2 * pad }),
        ),
      ) +
      2 * pad;
    const drawRow = (cells: string[], font: string, fill: string | null): void => {
      const height = rowHeight(cells, font);
      const y = this.doc.y;
      if (fill) this.doc.rect(this.left, y, this.width, height).fill(fill);
      let x = this.left;
      cells.forEach((cell, i) => {
        const w = widths[i]!;
        this.doc.fontSize(size).fillColor(COLORS.text);
        drawText(this.doc, cell, x + pad, y + pad, { width: w - 2 * pad, align: columns[i]!.align ?? 'left' }, font === FONT_BOLD);
        x += w;
      });
      this.doc
        .moveTo(this.left, y + height)
        .lineTo(this.left + this.width, y + height)
        .lineWidth(0.5)
        .strokeColor(COLORS.rule)
        .stroke();
      this.doc.y = y + height;
    };
    const headers = columns.map((c) => c.header);
    const headerHeight = rowHeight(headers, FONT_BOLD);
    this.ensureSpace(headerHeight * 2 + 4);
    drawRow(headers, FONT_BOLD, COLORS.headerFill);
    if (rows.length === 0) {
      // One line across the table, rather than squeezed into the first column.
      const y = this.doc.y + pad;
      this.doc
        .font(FONT)
        .fontSize(size)
        .fillColor(COLORS.muted)
        .text(options.empty ?? 'none', this.left + pad, y, { width: this.width - 2 * pad });
      this.doc.fillColor(COLORS.text);
      this.doc.y += pad;
    }
    for (const row of rows) {
      const cells = columns.map((c) => c.value(row));
      if (this.doc.y + rowHeight(cells, FONT) > this.bottom) {
        this.addPage();
        drawRow(headers, FONT_BOLD, COLORS.headerFill);
      }
      drawRow(cells, FONT, null);
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.8);
    this.doc.font(FONT).fontSize(9.5);
  }

  /** Writes the footer (pack hash, page i of n) on every page, then closes the document. */
  async finish(footerLabel: string): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      this.doc.switchToPage(i);
      const page = this.doc.page;
      // Writing below the bottom margin would make pdfkit start a new page: lift it while stamping.
      const bottom = page.margins.bottom;
      page.margins.bottom = 0;
      const y = page.height - 40;
      const left = page.margins.left;
      const width = page.width - page.margins.left - page.margins.right;
      this.doc
        .moveTo(left, y - 6)
        .lineTo(left + width, y - 6)
        .lineWidth(0.5)
        .strokeColor(COLORS.rule)
        .stroke();
      this.doc.font(FONT).fontSize(6.5).fillColor(COLORS.muted);
      this.doc.text(`${footerLabel} · pack hash ${this.info.packHash}`, left, y, { width: width - 60, lineBreak: false });
      this.doc.text(`page ${i + 1} of ${range.count}`, left + width - 60, y, { width: 60, align: 'right', lineBreak: false });
      page.margins.bottom = bottom;
    }
    this.doc.end();
    return this.done;
  }
}
