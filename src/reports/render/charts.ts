import { COLORS, FONT, FONT_BOLD, drawText, type PdfWriter } from './pdf-writer';

/**
 * Vector charts drawn with pdfkit primitives: no raster images, so they stay sharp when printed
 * and their labels remain extractable text.
 */

export interface Bar {
  label: string;
  value: number;
  /** Drawn in the danger colour (e.g. a four-fifths flag). */
  flagged?: boolean;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatTick(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(value % 1_000_000 === 0 ? 0 : 1)}M`;
  if (value >= 1000) return `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * Horizontal bars, one per label, with an optional vertical reference line (the 0.8 four-fifths
 * threshold). Horizontal so that long group names stay readable.
 */
export function horizontalBars(
  w: PdfWriter,
  title: string,
  bars: Bar[],
  options: { max?: number; reference?: { value: number; label: string }; format?: (v: number) => string },
): void {
  const doc = w.doc;
  const barHeight = 14;
  const gap = 5;
  const labelWidth = Math.min(170, w.width * 0.35);
  const valueWidth = 50;
  const plotWidth = w.width - labelWidth - valueWidth;
  const height = 22 + bars.length * (barHeight + gap) + (options.reference ? 36 : 24);
  w.ensureSpace(height);
  const top = doc.y;
  doc.font(FONT_BOLD).fontSize(9).fillColor(COLORS.text).text(title, w.left, top, { width: w.width });
  const plotTop = top + 18;
  const max = options.max ?? niceMax(Math.max(...bars.map((b) => b.value), options.reference?.value ?? 0));
  const x0 = w.left + labelWidth;
  const format = options.format ?? formatTick;
  bars.forEach((bar, i) => {
    const y = plotTop + i * (barHeight + gap);
    doc.font(FONT).fontSize(8).fillColor(COLORS.text);
    drawText(doc, bar.label, w.left, y + 3, { width: labelWidth - 6, align: 'right', lineBreak: false, ellipsis: true, height: barHeight });
    const length = Math.max(0, Math.min(1, bar.value / max)) * plotWidth;
    doc.rect(x0, y, length, barHeight).fill(bar.flagged ? COLORS.danger : COLORS.accent);
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor(bar.flagged ? COLORS.danger : COLORS.text)
      .text(`${format(bar.value)}${bar.flagged ? '  flagged' : ''}`, x0 + length + 4, y + 3, { width: valueWidth + plotWidth - length - 4, lineBreak: false });
  });
  const plotBottom = plotTop + bars.length * (barHeight + gap);
  doc
    .moveTo(x0, plotTop - 2)
    .lineTo(x0, plotBottom)
    .lineWidth(0.7)
    .strokeColor(COLORS.muted)
    .stroke();
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const x = x0 + tick * plotWidth;
    doc
      .moveTo(x, plotBottom)
      .lineTo(x, plotBottom + 3)
      .strokeColor(COLORS.muted)
      .stroke();
    doc
      .font(FONT)
      .fontSize(7)
      .fillColor(COLORS.muted)
      .text(format(tick * max), x - 20, plotBottom + 5, { width: 40, align: 'center', lineBreak: false });
  }
  if (options.reference) {
    const x = x0 + (options.reference.value / max) * plotWidth;
    doc
      .save()
      .moveTo(x, plotTop - 3)
      .lineTo(x, plotBottom + 14)
      .lineWidth(1)
      .dash(3, { space: 2 })
      .strokeColor(COLORS.danger)
      .stroke()
      .restore();
    // Below the tick labels, so it never covers a bar's value or the title.
    doc
      .font(FONT)
      .fontSize(7)
      .fillColor(COLORS.danger)
      .text(options.reference.label, x + 3, plotBottom + 16, { lineBreak: false });
  }
  doc.fillColor(COLORS.text);
  doc.x = w.left;
  doc.y = top + height;
}

export interface SeriesPoint {
  label: string;
  value: number;
  /** Part of `value` drawn on top in the danger colour (errors within volume). */
  highlighted?: number;
}

/**
 * Vertical bars over time (volume per day, errors stacked in red). With many points the x labels
 * are thinned so they never overlap.
 */
export function columnChart(w: PdfWriter, title: string, points: SeriesPoint[], legend: { value: string; highlighted?: string }): void {
  const doc = w.doc;
  const plotHeight = 140;
  const axisWidth = 40;
  const height = 18 + plotHeight + 40;
  w.ensureSpace(height);
  const top = doc.y;
  doc.font(FONT_BOLD).fontSize(9).fillColor(COLORS.text).text(title, w.left, top, { width: w.width });
  const plotTop = top + 18;
  const plotBottom = plotTop + plotHeight;
  const x0 = w.left + axisWidth;
  const plotWidth = w.width - axisWidth;
  const max = niceMax(Math.max(1, ...points.map((p) => p.value)));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = plotBottom - tick * plotHeight;
    doc
      .moveTo(x0, y)
      .lineTo(x0 + plotWidth, y)
      .lineWidth(0.3)
      .strokeColor(COLORS.rule)
      .stroke();
    doc
      .font(FONT)
      .fontSize(7)
      .fillColor(COLORS.muted)
      .text(formatTick(tick * max), w.left, y - 4, { width: axisWidth - 4, align: 'right', lineBreak: false });
  }
  const slot = plotWidth / Math.max(1, points.length);
  const barWidth = Math.max(0.8, slot * 0.75);
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.floor(plotWidth / 48)));
  points.forEach((p, i) => {
    const x = x0 + i * slot + (slot - barWidth) / 2;
    const h = (p.value / max) * plotHeight;
    doc.rect(x, plotBottom - h, barWidth, h).fill(COLORS.accent);
    if (p.highlighted) {
      const hh = (p.highlighted / max) * plotHeight;
      doc.rect(x, plotBottom - hh, barWidth, hh).fill(COLORS.danger);
    }
    if (i % labelEvery === 0) {
      doc
        .font(FONT)
        .fontSize(6.5)
        .fillColor(COLORS.muted)
        .text(p.label, x0 + i * slot + slot / 2 - 24, plotBottom + 4, { width: 48, align: 'center', lineBreak: false });
    }
  });
  doc
    .moveTo(x0, plotBottom)
    .lineTo(x0 + plotWidth, plotBottom)
    .lineWidth(0.7)
    .strokeColor(COLORS.muted)
    .stroke();
  const legendY = plotBottom + 18;
  doc.rect(x0, legendY, 8, 8).fill(COLORS.accent);
  doc
    .font(FONT)
    .fontSize(7.5)
    .fillColor(COLORS.text)
    .text(legend.value, x0 + 12, legendY, { lineBreak: false });
  if (legend.highlighted) {
    const offset = x0 + 24 + doc.widthOfString(legend.value);
    doc.rect(offset, legendY, 8, 8).fill(COLORS.danger);
    doc.fillColor(COLORS.text).text(legend.highlighted, offset + 12, legendY, { lineBreak: false });
  }
  doc.fillColor(COLORS.text);
  doc.x = w.left;
  doc.y = top + height;
}
