import type {
  AccessGrant,
  Actor,
  DatasetAccessPack,
  DatasetEvidence,
  LineageGraph,
  ModelAuditPack,
  Pack,
  PredictionSummary,
  ReportPeriod,
  Section,
  BiasReport,
} from '../pack/pack.types';
import { columnChart, horizontalBars } from './charts';
import { drawLineageDiagram } from './lineage-diagram';
import { COLORS, FONT, FONT_BOLD, PdfWriter, type TableColumn } from './pdf-writer';

/**
 * Renders a pack as PDF: cover, table of contents (with links) and outline, one part per section,
 * and on every page a footer with the pack hash and the page number. The same pack and pack hash
 * always give the same bytes (fixed dates, fixed layout seed, no random ids).
 */
export async function renderPackPdf(pack: Pack, packHash: string): Promise<Buffer> {
  const title = pack.kind === 'model' ? `Model audit pack: ${pack.cover.modelName} ${pack.cover.modelVersion}` : `Dataset access pack: ${pack.cover.datasetId}`;
  const w = new PdfWriter({
    title,
    subject: pack.kind === 'model' ? 'Charter model audit pack' : 'Charter dataset access pack',
    author: actorText(pack.cover.generatedBy),
    packHash,
    generatedAt: new Date(pack.cover.generatedAt),
  });
  drawCover(w, pack, title, packHash);
  w.addPage();
  const tocPage = w.pageIndex;
  const entries: { title: string; page: number; destination: string }[] = [];
  const section = async (heading: string, draw: () => void | Promise<void>, layout: 'portrait' | 'landscape' = 'portrait'): Promise<void> => {
    w.addPage(layout);
    const destination = `section-${entries.length + 1}`;
    w.doc.addNamedDestination(destination);
    w.doc.outline.addItem(heading);
    entries.push({ title: heading, page: w.pageIndex, destination });
    w.heading(`${entries.length}. ${heading}`);
    await draw();
  };
  if (pack.kind === 'model') await modelSections(w, pack, section);
  else await datasetSections(w, pack, section);
  drawToc(w, tocPage, entries);
  return w.finish(pack.kind === 'model' ? 'Charter model pack' : 'Charter dataset pack');
}

type SectionFn = (heading: string, draw: () => void | Promise<void>, layout?: 'portrait' | 'landscape') => Promise<void>;

async function modelSections(w: PdfWriter, pack: ModelAuditPack, section: SectionFn): Promise<void> {
  await section('Model card', () =>
    whenAvailable(w, pack.modelCard, (card) => {
      w.keyValues([
        ['Revision', String(card.revision)],
        ['Status', card.status],
        ['In force from', card.effectiveFrom ? dateTime(card.effectiveFrom) : 'never in force'],
        ['Content SHA-256', card.contentSha256],
      ]);
      w.keyValues(card.fields.map((f) => [f.label, f.value]));
      w.heading('Approvals and signatures', 2);
      w.table(
        [
          { header: 'Approver', width: 3, value: (a) => actorText(a.approver) },
          { header: 'Role', width: 2, value: (a) => a.role },
          { header: 'Decision', width: 2, value: (a) => a.decision },
          { header: 'When', width: 2.4, value: (a) => dateTime(a.decidedAt) },
          {
            header: 'Signature',
            width: 4,
            value: (a) => (a.signature ? `${a.signature.algorithm} key ${a.signature.keyId ?? '—'}: ${a.signature.value}` : 'unsigned'),
          },
        ],
        card.approvals,
        { empty: 'no approvals' },
      );
    }),
  );
  await section('Stage history', () =>
    whenAvailable(w, pack.stageHistory, (history) =>
      w.table(
        [
          { header: 'When', width: 2.4, value: (t) => dateTime(t.at) },
          { header: 'From', width: 1.6, value: (t) => t.from ?? '—' },
          { header: 'To', width: 1.6, value: (t) => t.to },
          { header: 'By', width: 3, value: (t) => actorText(t.by) },
          { header: 'Reason', width: 4, value: (t) => t.reason ?? '' },
        ],
        history,
        { empty: 'no stage changes' },
      ),
    ),
  );
  await section('Training data lineage', () => lineageSection(w, pack.lineage, 'Training data lineage'), 'landscape');
  await section('Training datasets', () =>
    whenAvailable(w, pack.trainingDatasets, (datasets) => {
      w.table(
        [
          { header: 'Dataset', width: 4, value: (d) => `${d.namespace}:${d.name}` },
          { header: 'Owner', width: 2.2, value: (d) => d.owner ?? '—' },
          { header: 'Sensitivity', width: 2.2, value: (d) => `${d.sensitivity}${d.sensitivityUpdatedAt ? ` (since ${day(d.sensitivityUpdatedAt)})` : ''}` },
          { header: 'PII columns', width: 4, value: (d) => piiText(d) },
          { header: 'Scans', width: 2.4, value: (d) => d.scans.map((s) => day(s.finishedAt)).join(', ') || 'never scanned' },
        ],
        datasets,
        { empty: 'no training datasets recorded' },
      );
    }),
  );
  await section('Access grants to the training data', () => grantsSection(w, pack.accessGrants, pack.cover.period));
  await section('Prediction audit', () => whenAvailable(w, pack.predictions, (p) => predictionsSection(w, p)));
  await section('Bias', () => whenAvailable(w, pack.bias, (reports) => biasSection(w, reports)));
  await section('Exceptions and overrides', () =>
    whenAvailable(w, pack.exceptions, (rows) =>
      w.table(
        [
          { header: 'When', width: 2.4, value: (e) => dateTime(e.at) },
          { header: 'Kind', width: 2, value: (e) => e.kind },
          { header: 'By', width: 2.6, value: (e) => actorText(e.by) },
          { header: 'Description', width: 5, value: (e) => e.description },
          { header: 'Until', width: 2, value: (e) => (e.expiresAt ? day(e.expiresAt) : 'open-ended') },
        ],
        rows,
        { empty: 'no exceptions or overrides in the period' },
      ),
    ),
  );
}

async function datasetSections(w: PdfWriter, pack: DatasetAccessPack, section: SectionFn): Promise<void> {
  await section('Dataset', () =>
    whenAvailable(w, pack.dataset, (d) => {
      w.keyValues([
        ['Dataset', `${d.namespace}:${d.name}`],
        ['Domain', d.domain],
        ['Owner', d.owner ?? '—'],
        ['Sensitivity', `${d.sensitivity}${d.sensitivityUpdatedAt ? ` (since ${dateTime(d.sensitivityUpdatedAt)})` : ''}`],
      ]);
      w.heading('Personal data by column', 2);
      w.table(
        [
          { header: 'Column', width: 2, value: (c) => c.column },
          { header: 'Entity types', width: 4, value: (c) => c.entityTypes.join(', ') },
        ],
        d.piiColumns,
        { empty: 'no column is tagged as personal data' },
      );
      w.heading('PII scans', 2);
      w.table(
        [
          { header: 'Finished', width: 2.4, value: (s) => dateTime(s.finishedAt) },
          { header: 'Sensitivity', width: 1.6, value: (s) => s.sensitivity },
          { header: 'Rows', width: 1.4, value: (s) => s.rows.toLocaleString('en-US'), align: 'right' },
          { header: 'File SHA-256', width: 5, value: (s) => s.fileSha256 },
        ],
        d.scans,
        { empty: 'never scanned' },
      );
    }),
  );
  await section('Who had access, when and why', () => grantsSection(w, pack.accessGrants, pack.cover.period));
  await section('Denied attempts', () =>
    whenAvailable(w, pack.deniedAttempts, (rows) =>
      w.table(
        [
          { header: 'When', width: 2.4, value: (r) => dateTime(r.at) },
          { header: 'Who', width: 2.8, value: (r) => (r.actor ? actorText(r.actor) : 'unknown') },
          { header: 'Action', width: 2, value: (r) => r.action },
          { header: 'Reason', width: 4.4, value: (r) => r.reason ?? '' },
          { header: 'Audit #', width: 1.2, value: (r) => String(r.auditSeq), align: 'right' },
        ],
        rows,
        { empty: 'no denied attempts in the period' },
      ),
    ),
  );
  await section('Sensitivity changes', () =>
    whenAvailable(w, pack.sensitivityChanges, (rows) =>
      w.table(
        [
          { header: 'When', width: 2.4, value: (r) => dateTime(r.at) },
          { header: 'Before', width: 1.6, value: (r) => r.before },
          { header: 'After', width: 1.6, value: (r) => r.after },
          { header: 'By', width: 2.8, value: (r) => (r.by ? actorText(r.by) : '—') },
          { header: 'Scan', width: 3, value: (r) => r.scanId ?? '—' },
          { header: 'Audit #', width: 1.2, value: (r) => String(r.auditSeq), align: 'right' },
        ],
        rows,
        { empty: 'no sensitivity change in the period' },
      ),
    ),
  );
  await section('Downstream lineage', () => lineageSection(w, pack.downstreamLineage, 'Downstream lineage'), 'landscape');
  await section('Downstream models', () =>
    whenAvailable(w, pack.downstreamModels, (rows) =>
      w.table(
        [
          { header: 'Model', width: 3, value: (m) => m.model },
          { header: 'Version', width: 1.6, value: (m) => m.version },
          { header: 'Stage', width: 1.6, value: (m) => m.stage },
          { header: 'Hops', width: 1, value: (m) => String(m.distance), align: 'right' },
        ],
        rows,
        { empty: 'no model is trained on this dataset or its descendants' },
      ),
    ),
  );
}

function drawCover(w: PdfWriter, pack: Pack, title: string, packHash: string): void {
  const doc = w.doc;
  doc.rect(0, 0, doc.page.width, 8).fill(COLORS.accent);
  doc.y = 140;
  doc.font(FONT).fontSize(11).fillColor(COLORS.muted).text('CHARTER · COMPLIANCE PACK', w.left, doc.y, { width: w.width, characterSpacing: 1 });
  doc.moveDown(0.6);
  doc.font(FONT_BOLD).fontSize(22).fillColor(COLORS.text).text(title, w.left, doc.y, { width: w.width });
  doc.moveDown(1.2);
  const c = pack.cover;
  const rows: [string, string][] =
    pack.kind === 'model'
      ? [
          ['Model', pack.cover.modelName],
          ['Version', pack.cover.modelVersion],
          ['Domain', c.domain],
          ['Risk tier', pack.cover.riskTier ?? 'not assessed'],
        ]
      : [
          ['Dataset', `${pack.cover.namespace}:${pack.cover.name}`],
          ['Domain', c.domain],
          ['Owner', pack.cover.owner ?? '—'],
          ['Sensitivity', pack.cover.sensitivity],
        ];
  rows.push(
    ['Period', periodText(c.period)],
    ['Generated', dateTime(c.generatedAt)],
    ['Generated by', actorText(c.generatedBy)],
    ['Report id', c.reportId],
    ['Pack hash', packHash],
  );
  w.keyValues(rows);
  doc.moveDown(1);
  w.paragraph(
    "The pack hash is the SHA-256 of this pack's manifest contents (every section and pack.json); it is printed on every page and stored in the PDF metadata. " +
      'Charter signs the manifest with its Ed25519 report key. To check that this file is the pack Charter produced, unchanged: run “npx charter verify-report <file>” or the GraphQL query verifyReport.',
    { muted: true, size: 8.5 },
  );
}

function drawToc(w: PdfWriter, page: number, entries: { title: string; page: number; destination: string }[]): void {
  const doc = w.doc;
  doc.switchToPage(page);
  doc.y = doc.page.margins.top;
  w.heading('Contents');
  doc.outline.addItem('Contents');
  for (const [i, entry] of entries.entries()) {
    const y = doc.y;
    const label = `${i + 1}. ${entry.title}`;
    const number = String(entry.page + 1);
    doc.font(FONT).fontSize(10.5).fillColor(COLORS.text).text(label, w.left, y, { lineBreak: false });
    const labelEnd = w.left + doc.widthOfString(label) + 6;
    const numberStart = w.left + w.width - doc.widthOfString(number);
    const dots = Math.max(0, Math.floor((numberStart - 6 - labelEnd) / doc.widthOfString('.')));
    doc.fillColor(COLORS.muted).text('.'.repeat(dots), labelEnd, y, { lineBreak: false });
    doc.fillColor(COLORS.text).text(number, numberStart, y, { lineBreak: false });
    doc.goTo(w.left, y, w.width, 14, entry.destination);
    doc.y = y + 20;
  }
}

function whenAvailable<T>(w: PdfWriter, section: Section<T>, draw: (data: T) => void): void {
  if (!section.available) {
    w.paragraph(`Not available in this pack: ${section.reason}`, { muted: true });
    return;
  }
  draw(section.data);
}

async function lineageSection(w: PdfWriter, section: Section<LineageGraph>, title: string): Promise<void> {
  if (!section.available) {
    w.paragraph(`Not available in this pack: ${section.reason}`, { muted: true });
    return;
  }
  const graph = section.data;
  if (graph.nodes.length === 0) {
    w.paragraph('No lineage is recorded for this node.', { muted: true });
    return;
  }
  await drawLineageDiagram(w, title, graph);
  w.addPage();
  w.heading(`${title}: nodes`, 2);
  const columns: TableColumn<LineageGraph['nodes'][number]>[] = [
    { header: 'Kind', width: 1.2, value: (n) => n.kind + (n.root ? ' (root)' : '') },
    { header: 'Namespace', width: 3, value: (n) => n.namespace },
    { header: 'Name', width: 4.5, value: (n) => n.name },
    { header: 'Sensitivity', width: 1.6, value: (n) => n.sensitivity ?? '—' },
  ];
  w.table(columns, graph.nodes, { fontSize: 8 });
}

function grantsSection(w: PdfWriter, section: Section<AccessGrant[]>, period: ReportPeriod): void {
  whenAvailable(w, section, (grants) => {
    w.paragraph(`Every grant that was in force at some time in ${periodText(period)}.`, { muted: true });
    w.table(
      [
        { header: 'Grantee', width: 2.6, value: (g) => actorText(g.grantee) },
        { header: 'Dataset', width: 2.8, value: (g) => g.dataset },
        { header: 'Basis', width: 2.6, value: (g) => (g.basis.kind === 'rule' ? `rule ${g.basis.rule}` : `approved by ${actorText(g.basis.approver)}`) },
        { header: 'Purpose', width: 2.4, value: (g) => g.purpose ?? '' },
        { header: 'From', width: 1.6, value: (g) => day(g.from) },
        { header: 'To', width: 1.8, value: (g) => (g.revokedAt ? `${day(g.revokedAt)} (revoked)` : g.to ? day(g.to) : 'open') },
      ],
      grants,
      { empty: 'no grant in the period' },
    );
  });
}

function predictionsSection(w: PdfWriter, p: PredictionSummary): void {
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
      ? `Valid: ${chain.checkedRecords.toLocaleString('en-US')} records re-hashed and linked (verified ${dateTime(chain.verifiedAt)}).`
      : `BROKEN at record ${chain.firstBrokenRecord ?? '?'}: ${chain.problem ?? 'unknown problem'} (${chain.checkedRecords.toLocaleString('en-US')} records checked, ${dateTime(chain.verifiedAt)}).`,
    { color: chain.valid ? COLORS.ok : COLORS.danger, bold: true },
  );
  w.heading('Sample of records (payloads redacted)', 2);
  w.paragraph(`A reproducible sample (seed ${p.sampleSeed}); request and response bodies are replaced by their SHA-256 and size.`, { muted: true, size: 8.5 });
  w.table(
    [
      { header: 'Record', width: 2.4, value: (r) => r.recordId },
      { header: 'When', width: 2.2, value: (r) => dateTime(r.at) },
      { header: 'Status', width: 1, value: (r) => r.status },
      { header: 'Latency', width: 1.1, value: (r) => `${r.latencyMs} ms`, align: 'right' },
      { header: 'Output', width: 1.3, value: (r) => r.output ?? '—' },
      { header: 'Request', width: 2.2, value: (r) => `sha256 ${r.requestSha256.slice(0, 16)}… (${r.requestBytes} B)` },
      { header: 'Response', width: 2.2, value: (r) => `sha256 ${r.responseSha256.slice(0, 16)}… (${r.responseBytes} B)` },
    ],
    p.sample,
    { empty: 'no records in the period', fontSize: 7.5 },
  );
}

function biasSection(w: PdfWriter, reports: BiasReport[]): void {
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

function piiText(d: DatasetEvidence): string {
  return d.piiColumns.map((c) => `${c.column}: ${c.entityTypes.join(', ')}`).join('; ') || 'none tagged';
}

function actorText(actor: Actor): string {
  return actor.label ? `${actor.label}` : actor.id;
}

function dateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function periodText(period: ReportPeriod): string {
  return `${dateTime(period.from)} to ${dateTime(period.to)}`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;
}
