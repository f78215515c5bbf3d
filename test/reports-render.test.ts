import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import { PDFParse } from 'pdf-parse';
import { MANIFEST_FORMAT, PACK_JSON, PACK_PDF, manifestProblem, type SignedManifest } from '../src/reports/integrity/manifest';
import { pdfPackHash, verifyPackFile, type ManifestLookup } from '../src/reports/integrity/verify';
import { buildPackFiles, type PackFiles } from '../src/reports/pack/pack-files';
import { availableCapped } from '../src/reports/pack/pack.types';
import { summariseGraph } from '../src/reports/render/lineage-diagram';
import { FIXTURE_REPORT_ID, syntheticDatasetPack, syntheticLineage, syntheticModelPack } from './fixtures/report-packs';

const key = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: 'test-key' };
})();

async function extract(pdf: Buffer): Promise<{ pages: string[]; outline: string[]; info: Record<string, unknown> }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const text = await parser.getText();
    const info = await parser.getInfo();
    const titles = (nodes: { title: string; items?: unknown[] }[] | null | undefined): string[] =>
      (nodes ?? []).flatMap((n) => [n.title, ...titles(n.items as { title: string; items?: unknown[] }[] | undefined)]);
    return {
      pages: text.pages.map((p) => p.text),
      outline: titles(info.outline),
      info: (info.info ?? {}) as Record<string, unknown>,
    };
  } finally {
    await parser.destroy();
  }
}

function lookupFor(files: PackFiles): ManifestLookup {
  return (by) => Promise.resolve(('packHash' in by ? by.packHash === files.packHash : by.reportId === files.manifest.reportId) ? files.manifest : null);
}

/** A PDF from pdfkit that Charter did not produce. */
function foreignPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('An audit pack, honestly.');
    doc.end();
  });
}

describe('compliance pack rendering and integrity', () => {
  let model: PackFiles;
  let text: Awaited<ReturnType<typeof extract>>;

  it('renders a model audit pack with every section, figure, outline entry and the footer hash on each page', async () => {
    model = await buildPackFiles(syntheticModelPack(), key);
    text = await extract(model.pdf);
    const all = text.pages.join('\n');
    for (const heading of [
      'Contents',
      '1. Model card',
      'Approvals and signatures',
      '2. Stage history',
      '3. Training data lineage',
      '4. Training datasets',
      '5. Access grants to the training data',
      '6. Prediction audit',
      'Chain verification',
      'Sample of records (payloads redacted)',
      '7. Bias',
      '8. Exceptions and overrides',
    ])
      assert.ok(all.includes(heading), `missing ${heading}`);
    // Figures: chart titles, axis and value labels are text, not images.
    for (const figure of [
      'Volume per day',
      'Latency percentiles (ms)',
      'Output distribution (share of records)',
      'four-fifths threshold 0.8',
      '0.66 flagged',
      '61.0%',
    ])
      assert.ok(all.includes(figure), `missing figure text ${figure}`);
    assert.ok(all.includes('Valid: 986,952 chained entries'));
    assert.ok(all.includes('60 nodes, 68 edges; data flows left to right.'));
    assert.ok(all.includes('table_l2_1_loans'), 'lineage node names print (diagram and node list)');
    assert.equal(text.pages.length > 10, true);
    text.pages.forEach((page, i) => {
      assert.ok(page.replace(/\s+/g, ' ').includes(`pack hash ${model.packHash}`), `page ${i + 1} lacks the footer hash`);
      assert.ok(page.includes(`page ${i + 1} of ${text.pages.length}`), `page ${i + 1} lacks its number`);
    });
    assert.deepEqual(text.outline, [
      'Model card',
      'Stage history',
      'Training data lineage',
      'Training datasets',
      'Access grants to the training data',
      'Prediction audit',
      'Bias',
      'Exceptions and overrides',
      'Contents',
    ]);
    assert.ok(String(text.info.Keywords).includes(model.packHash));
    assert.equal(pdfPackHash(model.pdf), model.packHash);
    // Redaction: no payload, only hashes and sizes.
    assert.ok(all.includes('sha256 '));
  });

  it('prints accented and Cyrillic names exactly (shipped DejaVu Sans fonts)', () => {
    const all = text.pages.join('\n');
    for (const name of ['Zoë Ærøskøbing (compliance)', 'Иван Петров', 'Amélie Dubois', 'José Müller'])
      assert.ok(all.includes(name), `${name} did not round-trip`);
  });

  it('prints each approval comment under its approver, decision, revision, time and signature status', () => {
    const all = text.pages.join('\n').replace(/\s+/g, ' ');
    assert.ok(all.includes('Approval comments'));
    assert.ok(all.includes('Amélie Dubois (compliance) · approved · revision 3 · 2026-02-14 16:20 UTC · unsigned'));
    assert.ok(all.includes('Fairness section checked against the validation report; the 26–40 age band is monitored monthly.'));
  });

  it('wraps a comment longer than a page over the next pages instead of cropping it', async () => {
    const pack = syntheticModelPack();
    if (!pack.modelCard.available) throw new Error('fixture: model card expected');
    const words = Array.from({ length: 1_400 }, (_, i) => `w${i}`);
    const [first, ...others] = pack.modelCard.data.approvals;
    const long = {
      ...pack,
      modelCard: { ...pack.modelCard, data: { ...pack.modelCard.data, approvals: [{ ...first!, comment: words.join(' ') }, ...others] } },
    };
    const { pages } = await extract((await buildPackFiles(long, key)).pdf);
    const all = pages.join(' ').replace(/\s+/g, ' ');
    assert.ok(all.includes('Иван Петров (risk_officer) · approved · revision 3 · 2026-02-15 10:00 UTC · signed (Ed25519, key a1b2c3d4e5f60718)'));
    const printed = new Set(all.split(' '));
    assert.deepEqual(
      words.filter((w) => !printed.has(w)),
      [],
      'every word of the comment is printed',
    );
  });

  it('is deterministic: the same pack and generation time give the same bytes', async () => {
    const again = await buildPackFiles(syntheticModelPack(), key);
    assert.equal(again.packHash, model.packHash);
    assert.ok(again.pdf.equals(model.pdf), 'PDF bytes differ');
    assert.ok(again.packJson.equals(model.packJson));
    // The signature is over the same bytes with the same key: Ed25519 is deterministic too.
    assert.deepEqual(again.manifest, model.manifest);
  });

  it('lists every part with its SHA-256 and signs the manifest', () => {
    const names = model.manifest.parts.map((p) => p.name);
    assert.deepEqual(names, [
      'sections/cover.json',
      'sections/modelCard.json',
      'sections/stageHistory.json',
      'sections/lineage.json',
      'sections/trainingDatasets.json',
      'sections/accessGrants.json',
      'sections/predictions.json',
      'sections/bias.json',
      'sections/exceptions.json',
      PACK_JSON,
      PACK_PDF,
    ]);
    assert.equal(model.manifest.format, MANIFEST_FORMAT);
    assert.equal(model.manifest.reportId, FIXTURE_REPORT_ID);
    assert.equal(manifestProblem(model.manifest, key.publicKey), null);
    const forged: SignedManifest = { ...model.manifest, parts: model.manifest.parts.map((p) => (p.name === PACK_PDF ? { ...p, sha256: '0'.repeat(64) } : p)) };
    assert.match(manifestProblem(forged, key.publicKey)!, /signature does not verify/);
    const otherKey = generateKeyPairSync('ed25519').publicKey;
    assert.match(manifestProblem(model.manifest, otherKey)!, /signature does not verify/);
  });

  it('verifies an unchanged PDF, pack.json and manifest', async () => {
    const lookup = lookupFor(model);
    const pdf = await verifyPackFile(model.pdf, lookup, key.publicKey);
    assert.equal(pdf.valid, true, pdf.reason);
    assert.equal(pdf.part, PACK_PDF);
    assert.equal(pdf.packHash, model.packHash);
    assert.equal((await verifyPackFile(model.packJson, lookup, key.publicKey)).valid, true);
    assert.equal((await verifyPackFile(model.manifestJson, lookup, key.publicKey)).valid, true);
  });

  it('fails a PDF with one changed byte anywhere, with the reason', async () => {
    const lookup = lookupFor(model);
    for (const offset of [200, Math.floor(model.pdf.length / 2), model.pdf.length - 10]) {
      const changed = Buffer.from(model.pdf);
      changed[offset] = changed[offset]! ^ 0x01;
      const result = await verifyPackFile(changed, lookup, key.publicKey);
      assert.equal(result.valid, false, `a change at byte ${offset} went unnoticed`);
      assert.ok(/changed|no pack with hash|not a Charter pack/.test(result.reason), result.reason);
    }
    const json = Buffer.from(model.packJson);
    json[json.length - 3] = json[json.length - 3]! ^ 0x01;
    assert.equal((await verifyPackFile(json, lookup, key.publicKey)).valid, false);
  });

  it('fails a PDF Charter did not produce, and a pack signed with another key', async () => {
    const foreign = await verifyPackFile(await foreignPdf(), lookupFor(model), key.publicKey);
    assert.equal(foreign.valid, false);
    assert.match(foreign.reason, /not a Charter pack: the PDF carries no Charter pack hash/);
    const other = generateKeyPairSync('ed25519');
    const elsewhere = await buildPackFiles(syntheticModelPack(), { privateKey: other.privateKey, keyId: 'other' });
    const result = await verifyPackFile(elsewhere.pdf, lookupFor(elsewhere), key.publicKey);
    assert.equal(result.valid, false);
    assert.match(result.reason, /signature does not verify/);
    assert.match((await verifyPackFile(Buffer.from('hello'), lookupFor(model), key.publicKey)).reason, /neither a PDF nor JSON/);
  });

  it('renders a dataset access pack, marking sections whose module is missing as not available', async () => {
    const files = await buildPackFiles(syntheticDatasetPack(), key);
    const { pages, outline } = await extract(files.pdf);
    const all = pages.join('\n');
    assert.deepEqual(outline.slice(0, 6), [
      'Dataset',
      'Who had access, when and why',
      'Denied attempts',
      'Sensitivity changes',
      'Downstream lineage',
      'Downstream models',
    ]);
    assert.ok(all.includes('Not available in this pack: the access requests module is not installed'));
    assert.ok(all.includes('李小龙 access.request restricted data 17'), 'a CJK name prints (fallback font) in the denied attempt row');
    assert.ok(all.includes('confidential restricted pipeline key scan-2 311'), 'sensitivity change row');
    assert.ok(all.includes('iban IBAN_CODE'), 'PII column');
    assert.ok(all.includes('1,204,332'), 'scan rows');
  });

  it('says when a list section holds only the first rows of more', async () => {
    const pack = syntheticDatasetPack();
    if (!pack.deniedAttempts.available) throw new Error('fixture: denied attempts expected');
    const capped = { ...pack, deniedAttempts: availableCapped([...pack.deniedAttempts.data, ...pack.deniedAttempts.data], pack.deniedAttempts.data.length) };
    assert.equal(capped.deniedAttempts.truncatedAt, pack.deniedAttempts.data.length);
    const { pages } = await extract((await buildPackFiles(capped, key)).pdf);
    assert.ok(pages.join('\n').includes(`Only the first ${pack.deniedAttempts.data.length} entries are listed; there are more in the period.`));
  });

  it('summarises a 500-node lineage instead of cropping it, and lists every node', async () => {
    const graph = syntheticLineage(500);
    const summary = summariseGraph(graph);
    assert.ok(summary.nodes.length <= 80, `${summary.nodes.length} boxes`);
    assert.equal(
      summary.nodes.reduce((s, n) => s + n.members, 0),
      500,
      'every node is counted in some box',
    );
    assert.match(summary.summary!, /500 nodes, summarised/);
    const files = await buildPackFiles(syntheticModelPack({ lineageNodes: 500, grants: 200, records: 1_000_000 }), key);
    const all = (await extract(files.pdf)).pages.join('\n');
    for (const node of graph.nodes.slice(-3)) assert.ok(all.includes(node.name), `${node.name} missing from the node list`);
    // 200 grants span several pages; each continues under a repeated header.
    assert.ok((all.match(/Grantee\s+Dataset\s+Basis/g) ?? []).length >= 3, 'the grants table header repeats on every page');
  });
});
