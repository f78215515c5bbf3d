import type {
  AccessGrant,
  Approval,
  DatasetAccessPack,
  DatasetEvidence,
  LineageGraph,
  ModelAuditPack,
  ModelCardRevision,
  Pack,
  ReportPeriod,
  Section,
} from '../pack/pack.types';
import { biasSection, predictionsSection } from './figure-sections';
import { actorText, dateTime, day, periodText } from './format';
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

/** Each approval's comment in full, under who, when, which revision and whether it is signed: too long for a table cell. */
function approvalComments(w: PdfWriter, card: ModelCardRevision): void {
  const commented = card.approvals.filter((a): a is Approval & { comment: string } => Boolean(a.comment));
  if (commented.length === 0) return;
  w.heading('Approval comments', 2);
  for (const a of commented) {
    // Keeps the line about the approval on the page of the comment's first lines.
    w.ensureSpace(48);
    const signature = a.signature ? `signed (${a.signature.algorithm}, key ${a.signature.keyId ?? '—'})` : 'unsigned';
    const about = [`${actorText(a.approver)} (${a.role})`, a.decision.replace('_', ' '), `revision ${card.revision}`, dateTime(a.decidedAt), signature];
    w.paragraph(about.join(' · '), { bold: true });
    w.paragraph(a.comment);
  }
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
      approvalComments(w, card);
    }),
  );
  await section('Stage history', () =>
    whenAvailable(w, pack.stageHistory, (history) =>
      w.table(
        [
          { header: 'When', width: 2.4, value: (t) => dateTime(t.at) },
          { header: 'From', width: 2.1, value: (t) => t.from ?? '—' },
          { header: 'To', width: 2.1, value: (t) => t.to },
          { header: 'By', width: 3, value: (t) => actorText(t.by) },
          { header: 'Reason', width: 3, value: (t) => t.reason ?? '' },
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
          { header: 'Description', width: 4.2, value: (e) => e.description },
          { header: 'Until', width: 2, value: (e) => (e.expiresAt ? day(e.expiresAt) : 'open-ended') },
          { header: 'Audit #', width: 1, value: (e) => (e.auditSeq === null ? '—' : String(e.auditSeq)), align: 'right' },
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
  if (section.truncatedAt !== undefined) {
    w.paragraph(
      `Only the first ${section.truncatedAt.toLocaleString('en-US')} entries are listed; there are more in the period. Ask the API for all of them.`,
      {
        muted: true,
      },
    );
  }
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
        // The name alone (namespaces are long and listed with the datasets); the JSON keeps the full id.
        { header: 'Dataset', width: 2.8, value: (g) => g.dataset.slice(g.dataset.lastIndexOf(':') + 1) },
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

function piiText(d: DatasetEvidence): string {
  return d.piiColumns.map((c) => `${c.column}: ${c.entityTypes.join(', ')}`).join('; ') || 'none tagged';
}
