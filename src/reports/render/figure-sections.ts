import type { BiasReport, PredictionSummary } from '../pack/pack.types';
import { columnChart, horizontalBars } from './charts';
import { dateTime, percent } from './format';
import { COLORS, type PdfWriter } from './pdf-writer';

/** The figure-heavy sections of a model pack: prediction audit and bias. */

export function predictionsSection(w: PdfWriter, p: PredictionSummary): void {
  w.keyValues([
    ['Records in the period', p.totalRecords.toLocaleString('en-US')],
    ['Error rate', percent(p.errorRate)],
    ['Latency', `p50 ${p.latency.p50Ms} ms · p90 ${p.latency.p90Ms} ms · p99 ${p.latency.p99Ms} ms · max ${p.latency.maxMs} ms`],
  ]);
  columnChart(
    w,
    'Volume per day',
    p.volumeByDay.map((d) => ({ label: d.day.slice(5), value: d.count, highlighted: d.errors })),
    { value: 'predictions', highlighted: 'errors' },
  );
  horizontalBars(
    w,
    'Latency percentiles (ms)',
    [
      { label: 'p50', value: p.latency.p50Ms },
      { label: 'p90', value: p.latency.p90Ms },
      { label: 'p99', value: p.latency.p99Ms },
      { label: 'max', value: p.latency.maxMs },
    ],
    {},
  );
  const total = p.outputDistribution.reduce((s, b) => s + b.count, 0);
  horizontalBars(
    w,
    'Output distribution (share of records)',
    p.outputDistribution.map((b) => ({ label: b.label, value: total ? b.count / total : 0 })),
    { max: 1, format: (v) => percent(v) },
  );
  w.heading('Chain verification', 2);
  const chain = p.chain;
  w.paragraph(
    chain.valid
      ? `Valid: ${chain.checkedRecords.toLocaleString('en-US')} chained entries (request and response halves, all versions) re-hashed and linked (verified ${dateTime(chain.verifiedAt)}).`
      : `BROKEN at record ${chain.firstBrokenRecord ?? '?'}: ${chain.problem ?? 'unknown problem'} (${chain.checkedRecords.toLocaleString('en-US')} chained entries checked, ${dateTime(chain.verifiedAt)}).`,
    { color: chain.valid ? COLORS.ok : COLORS.danger, bold: true },
  );
  w.heading('Sample of records (payloads redacted)', 2);
  w.paragraph(`A reproducible sample (seed ${p.sampleSeed}); request and response bodies are replaced by their SHA-256 and size.`, { muted: true, size: 8.5 });
  w.table(
    [
      { header: 'Record', width: 2.4, value: (r) => r.recordId },
      { header: 'When', width: 2.2, value: (r) => dateTime(r.at) },
      { header: 'Status', width: 1, value: (r) => r.status },
      { header: 'Latency', width: 1.1, value: (r) => (r.status === 'ok' ? `${r.latencyMs} ms` : '—'), align: 'right' },
      { header: 'Output', width: 1.3, value: (r) => r.output ?? '—' },
      { header: 'Request', width: 2.2, value: (r) => (r.requestSha256 ? `sha256 ${r.requestSha256.slice(0, 16)}… (${r.requestBytes} B)` : 'missing') },
      { header: 'Response', width: 2.2, value: (r) => (r.responseSha256 ? `sha256 ${r.responseSha256.slice(0, 16)}… (${r.responseBytes} B)` : 'missing') },
    ],
    p.sample,
    { empty: 'no records in the period', fontSize: 7.5 },
  );
}

export function biasSection(w: PdfWriter, reports: BiasReport[]): void {
  if (reports.length === 0) w.paragraph('No bias report was recorded for this model version.', { muted: true });
  for (const report of reports) {
    w.heading(`Bias report ${report.reportId} (${report.metric}, ${dateTime(report.evaluatedAt)})`, 2);
    for (const attribute of report.attributes) {
      horizontalBars(
        w,
        `${attribute.attribute}: impact ratio against ${attribute.referenceGroup} (four-fifths rule: below 0.8 is flagged)`,
        attribute.groups.map((g) => ({ label: g.group, value: g.ratio, flagged: g.fourFifthsFlag })),
        {
          max: Math.max(1.2, ...attribute.groups.map((g) => g.ratio)),
          reference: { value: 0.8, label: 'four-fifths threshold 0.8' },
          format: (v) => v.toFixed(2),
        },
      );
      w.table(
        [
          { header: 'Group', width: 3, value: (g) => g.group },
          { header: 'Members', width: 1.4, value: (g) => g.count.toLocaleString('en-US'), align: 'right' },
          { header: 'Favourable rate', width: 1.6, value: (g) => percent(g.rate), align: 'right' },
          { header: 'Impact ratio', width: 1.4, value: (g) => g.ratio.toFixed(3), align: 'right' },
          { header: 'Four-fifths', width: 1.4, value: (g) => (g.fourFifthsFlag ? 'FLAGGED' : 'ok') },
        ],
        attribute.groups,
      );
    }
  }
}
