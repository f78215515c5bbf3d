import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFParse } from 'pdf-parse';
import { DEMO_DOMAIN, DEMO_MODEL, DEMO_NAMESPACE, runDemo, type DemoResult } from '../src/demo/demo-estate';
import type { AccessGrant, BiasAttributeReport, DatasetAccessPack, GroupRate, ModelAuditPack } from '../src/reports/pack/pack.types';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const PAIRS = 60;

/** The PDF's text, whitespace collapsed (table cells wrap), and per page. */
async function pdfText(pdf: Buffer): Promise<{ all: string; flat: string; pages: string[] }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  const pages = (await parser.getText()).pages.map((p) => p.text);
  await parser.destroy();
  const all = pages.join('\n');
  return { all, flat: all.replace(/\s+/g, ''), pages };
}

const squash = (s: string) => s.replace(/\s+/g, '');

describe('the demo estate (npm run demo) and both packs generated on it, checked against the database', () => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let dataDir: string | undefined;
  let demo: DemoResult;
  const lines: string[] = [];

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-demo-test-'));
    // A pairing timeout of 1 s: by the time the packs are made, a request without a response is an error.
    stack = await startTestStack({ CHARTER_DATA_DIR: dataDir, PREDICTIONS_PAIRING_TIMEOUT_SECONDS: '1' });
    ({ db, idp, app } = stack);
    demo = await runDemo({ url: app.url, token: (user) => idp.token(user), log: (line) => lines.push(line), predictions: PAIRS });
  });

  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function download(id: string, file: 'pdf' | 'json', user = 'compliance'): Promise<Buffer> {
    const res = await fetch(`${app.url}/api/v1/reports/${id}.${file}`, { headers: { authorization: `Bearer ${await idp.token(user)}` } });
    assert.equal(res.status, 200, await res.clone().text());
    const data = Buffer.from(await res.arrayBuffer());
    // DEMO_PACKS_DIR=<dir> keeps the packs, to look at their pages (pdftoppm).
    const keep = process.env['DEMO_PACKS_DIR'];
    if (keep && user === 'compliance') await fs.writeFile(path.join(keep, `${id}.${file}`), data);
    return data;
  }

  const modelReport = () => demo.reports.find((r) => r.kind === 'MODEL')!;
  const datasetReport = () => demo.reports.find((r) => r.kind === 'DATASET')!;

  it('fills the estate through the public APIs and says what it did', async () => {
    assert.equal(demo.reused, false);
    for (const word of ['Lineage:', 'PII scan of', 'Model credit-default', 'Access:', 'Predictions:', 'Report: model pack', 'Report: dataset pack']) {
      assert.ok(
        lines.some((l) => l.includes(word)),
        `${word} in ${lines.join('\n')}`,
      );
    }
    const [counts] = await db.query<{ events: string; records: string; feedback: string; grants: string; reviews: string; bias: string }>(
      `SELECT (SELECT count(*) FROM lineage_events) AS events, (SELECT count(*) FROM prediction_records) AS records,
              (SELECT count(*) FROM prediction_feedback) AS feedback, (SELECT count(*) FROM access_grants) AS grants,
              (SELECT count(*) FROM model_card_reviews WHERE action = 'approve') AS reviews, (SELECT count(*) FROM model_bias_reports) AS bias`,
    );
    assert.equal(Number(counts!.records), 2 * PAIRS);
    assert.ok(Number(counts!.feedback) > 0);
    assert.ok(Number(counts!.grants) >= 3, 'automatic and owner-approved grants');
    assert.equal(Number(counts!.reviews), 2, 'two risk officers approved 2.0');
    assert.equal(Number(counts!.bias), 4);
    const kinds = await db.query<{ event_type: string }>(`SELECT DISTINCT event_type FROM prediction_events ORDER BY 1`);
    assert.deepEqual(
      kinds.map((k) => k.event_type),
      [
        'io.seldon.serving.inference.request',
        'io.seldon.serving.inference.response',
        'org.kubeflow.serving.inference.request',
        'org.kubeflow.serving.inference.response',
      ],
    );
  });

  it('a second run says the estate exists and makes fresh packs', async () => {
    const again: string[] = [];
    const second = await runDemo({ url: app.url, token: (user) => idp.token(user), log: (line) => again.push(line), predictions: PAIRS });
    assert.equal(second.reused, true);
    assert.match(again[0]!, /already there/);
    assert.notEqual(second.reports[0]!.id, demo.reports[0]!.id);
  });

  it('the model audit pack: every section and figure matches the database', async () => {
    const r = modelReport();
    const pack = JSON.parse((await download(r.id, 'json')).toString('utf8')) as ModelAuditPack;
    const { all, flat, pages } = await pdfText(await download(r.id, 'pdf'));
    // Cover
    const [mv] = await db.query<{ id: string; risk_tier: string; domain: string; card_id: string }>(
      `SELECT v.id, m.risk_tier, m.domain, c.id AS card_id FROM models m JOIN model_versions v ON v.model_id = m.id JOIN model_cards c ON c.model_version_id = v.id
       WHERE m.name = $1 AND v.version = '2.0'`,
      [DEMO_MODEL],
    );
    assert.equal(pack.cover.riskTier, mv!.risk_tier);
    assert.equal(pack.cover.domain, DEMO_DOMAIN);
    for (const s of [`Model audit pack: ${DEMO_MODEL} 2.0`, `Risk tier ${mv!.risk_tier}`, `Domain ${DEMO_DOMAIN}`, 'cam@', r.packHash]) {
      assert.ok(flat.includes(squash(s.replace('cam@', ''))), `cover: ${s}`);
    }
    for (const heading of [
      'Model card',
      'Stage history',
      'Training data lineage',
      'Training datasets',
      'Access grants',
      'Prediction audit',
      'Bias',
      'Exceptions',
    ]) {
      assert.ok(all.includes(heading), `section ${heading}`);
    }
    assert.ok(!all.includes('Not available in this pack'), 'every section filled');
    // Card in force: the approved revision, its hash, both approvals with their signatures and comments.
    assert.ok(pack.modelCard.available);
    const card = pack.modelCard.data;
    const [rev] = await db.query<{ revision: number; content_sha256: string }>(
      'SELECT revision, content_sha256 FROM model_card_revisions WHERE card_id = $1 ORDER BY revision DESC LIMIT 1',
      [mv!.card_id],
    );
    assert.equal(card.revision, rev!.revision);
    assert.equal(card.status, 'approved');
    assert.equal(card.contentSha256, rev!.content_sha256);
    assert.ok(flat.includes(rev!.content_sha256));
    const approvals = await db.query<{ signature: string; email: string; comment: string }>(
      `SELECT r.signature, p.email, r.comment FROM model_card_reviews r JOIN principals p ON p.id::text = r.actor WHERE r.card_id = $1 AND r.action = 'approve' ORDER BY r.id`,
      [mv!.card_id],
    );
    assert.deepEqual(
      card.approvals.map((a) => a.approver.label),
      approvals.map((a) => a.email),
    );
    for (const a of approvals) {
      assert.ok(flat.includes(squash(a.email)), a.email);
      assert.ok(flat.includes(a.signature), 'signature printed in full');
      assert.ok(flat.includes(squash(a.comment)), `approval comment printed in full: ${a.comment}`);
    }
    // Stage history
    const stages = await db.query<{ to_stage: string }>('SELECT to_stage FROM model_stage_history WHERE model_version_id = $1 ORDER BY id', [mv!.id]);
    assert.ok(pack.stageHistory.available);
    assert.deepEqual(
      pack.stageHistory.data.map((s) => s.to),
      stages.map((s) => s.to_stage),
    );
    assert.ok(all.includes('staging'));
    // Lineage: the training datasets and everything upstream of them, down to the landing files.
    assert.ok(pack.lineage.available);
    const names = pack.lineage.data.nodes.map((n) => n.name);
    for (const n of [
      'credit.features',
      'credit.applications_curated',
      'credit.applications_raw',
      'build_features',
      'curate_applications',
      'ingest_applications',
      'crm/applications.csv',
    ]) {
      assert.ok(names.includes(n), `lineage node ${n}`);
      assert.ok(flat.includes(squash(n)), `lineage node ${n} in the PDF`);
    }
    assert.ok(pack.lineage.data.edges.some((e) => e.to === `model:${DEMO_MODEL}:2.0`));
    // Training datasets with their scans
    assert.ok(pack.trainingDatasets.available);
    const scans = await db.query<{ file_sha256: string; name: string }>(
      `SELECT s.file_sha256, d.name FROM pii_scans s JOIN lineage_datasets d ON d.id = s.dataset_id WHERE s.status = 'succeeded' AND d.name = 'credit.applications_curated'`,
    );
    assert.equal(scans.length, 1);
    const curated = pack.trainingDatasets.data.find((d) => d.name === 'credit.applications_curated')!;
    assert.deepEqual(
      curated.scans.map((s) => s.fileSha256),
      [scans[0]!.file_sha256],
    );
    assert.ok(flat.includes(squash(curated.scans[0]!.finishedAt.slice(0, 10))), 'scan date');
    assert.ok(curated.piiColumns.some((c) => c.entityTypes.includes('EMAIL_ADDRESS')));
    // Grants on the training datasets in the period
    const grants = await db.query<{ id: string; email: string; rule_id: string | null; decided_automatically: boolean }>(
      `SELECT g.id, p.email, r.rule_id, r.decided_automatically FROM access_grants g JOIN access_requests r ON r.id = g.request_id JOIN principals p ON p.id = g.principal_id
       JOIN lineage_datasets d ON d.id = g.dataset_id WHERE d.name IN ('credit.features', 'credit.applications_curated') ORDER BY g.granted_at, g.id`,
    );
    assert.ok(pack.accessGrants.available);
    assert.deepEqual(
      pack.accessGrants.data.map((g) => g.grantId),
      grants.map((g) => g.id),
    );
    for (const [i, g] of grants.entries()) {
      const basis: AccessGrant['basis'] = pack.accessGrants.data[i]!.basis;
      assert.equal(basis.kind, g.decided_automatically ? 'rule' : 'approver');
      if (basis.kind === 'rule') assert.ok(flat.includes(squash(basis.rule)), `rule ${basis.rule}`);
      else assert.match(basis.approver.label ?? '', /owner@charter\.local/);
    }
    // Predictions: totals, errors, latency, days, outputs from SQL; the chain verified; the sample redacted.
    assert.ok(pack.predictions.available);
    const p = pack.predictions.data;
    const [totals] = await db.query<{ total: string; errors: string; p50: number; p99: number; max: number }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE request_seq IS NULL OR response_seq IS NULL) AS errors,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - request_at) * 1000)::numeric, 1)::float8 AS p50,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - request_at) * 1000)::numeric, 1)::float8 AS p99,
              round(max(extract(epoch FROM response_at - request_at) * 1000)::numeric, 1)::float8 AS max
       FROM prediction_records WHERE model_name = $1 AND model_version = '2.0'`,
      [DEMO_MODEL],
    );
    assert.equal(p.totalRecords, Number(totals!.total));
    assert.equal(p.totalRecords, PAIRS);
    assert.equal(Math.round(p.errorRate * p.totalRecords), Number(totals!.errors));
    assert.equal(p.latency.p50Ms, totals!.p50);
    assert.equal(p.latency.p99Ms, totals!.p99);
    assert.equal(p.latency.maxMs, totals!.max);
    assert.ok(all.includes(`Records in the period ${PAIRS}`) || flat.includes(`Recordsintheperiod${PAIRS}`));
    assert.ok(flat.includes(squash(`p50 ${totals!.p50} ms`)), `latency p50 ${totals!.p50}`);
    assert.equal(
      p.volumeByDay.reduce((s, d) => s + d.count, 0),
      PAIRS,
    );
    const outputs = await db.query<{ label: string; count: string }>(
      `SELECT payload #>> '{data,ndarray,0}' AS label, count(*) AS count FROM prediction_events
       WHERE model_name = $1 AND model_version = '2.0' AND kind = 'response' GROUP BY 1 ORDER BY 2 DESC, 1`,
      [DEMO_MODEL],
    );
    assert.deepEqual(
      p.outputDistribution.map((o) => [o.label, o.count]),
      outputs.map((o) => [o.label, Number(o.count)]),
    );
    for (const o of outputs) assert.ok(all.includes(o.label), `output ${o.label} on the chart`);
    assert.equal(p.chain.valid, true, p.chain.problem ?? '');
    const [halves] = await db.query<{ n: string }>('SELECT count(*) AS n FROM prediction_events WHERE model_name = $1', [DEMO_MODEL]);
    assert.equal(p.chain.checkedRecords, Number(halves!.n), 'the whole chain of the model in the period');
    assert.ok(flat.includes(squash(`Valid: ${p.chain.checkedRecords} chained entries`)));
    assert.equal(p.sample.length, 20);
    for (const s of p.sample) {
      assert.ok(flat.includes(squash(s.recordId)), `sample ${s.recordId}`);
      assert.match(s.requestSha256, /^[0-9a-f]{64}$/);
    }
    const payloadValue = (
      await db.query<{ v: string }>(`SELECT payload::text AS v FROM prediction_events WHERE kind = 'request' AND model_version = '2.0' LIMIT 1`)
    )[0]!.v;
    assert.ok(!JSON.stringify(p.sample).includes(payloadValue), 'no payload in the sample');
    // Bias: per group and the four-fifths flags, recomputed from the stored reports.
    assert.ok(pack.bias.available);
    const stored = await db.query<{ protected_attribute: string; report: { groups: { group: string; selectionRate: { value: number } }[] } }>(
      'SELECT protected_attribute, report FROM model_bias_reports WHERE model_version_id = $1 ORDER BY created_at, id',
      [mv!.id],
    );
    assert.equal(pack.bias.data.length, stored.length);
    for (const [i, s] of stored.entries()) {
      const attribute: BiasAttributeReport = pack.bias.data[i]!.attributes[0]!;
      assert.equal(attribute.attribute, s.protected_attribute);
      const best = Math.max(...s.report.groups.map((g) => g.selectionRate.value));
      for (const g of s.report.groups) {
        const shown = attribute.groups.find((x: GroupRate) => x.group === g.group)!;
        const ratio = g.selectionRate.value / best;
        assert.ok(Math.abs(shown.ratio - ratio) < 1e-6);
        assert.equal(shown.fourFifthsFlag, ratio < 0.8, `${s.protected_attribute} ${g.group}`);
        assert.ok(flat.includes(squash(shown.ratio.toFixed(3))), `ratio ${shown.ratio.toFixed(3)} printed`);
      }
    }
    assert.ok(
      pack.bias.data.some((b) => b.attributes[0]!.groups.some((g) => g.fourFifthsFlag)),
      'the demo has a flagged group',
    );
    assert.ok(all.includes('FLAGGED'));
    // Exceptions: the bias waiver a risk officer granted so 2.0 could go to production, with its audit event.
    assert.ok(pack.exceptions.available);
    const exceptions = await db.query<{ name: string; email: string; seq: string }>(
      `SELECT e.name, p.email, a.seq FROM model_promotion_exceptions e JOIN principals p ON p.id::text = e.granted_by
       JOIN governance_audit_events a ON a.action = 'model.exception.grant' AND a.details ->> 'exceptionId' = e.id::text
       WHERE e.model_version_id = $1 ORDER BY e.granted_at`,
      [mv!.id],
    );
    assert.equal(exceptions.length, 1, 'the gate refused production on the bias report');
    assert.deepEqual(
      pack.exceptions.data.map((e) => [e.kind, e.by.label, e.auditSeq]),
      exceptions.map((e) => ['gate_override', e.email, Number(e.seq)]),
    );
    assert.ok(flat.includes(squash(exceptions[0]!.name)));
    assert.ok(pack.stageHistory.data.some((s) => s.to === 'production' && (s.reason ?? '').includes(`exception ${exceptions[0]!.name}`)));
    // Footer on every page
    pages.forEach((page, i) => assert.ok(page.replace(/\s+/g, ' ').includes(`pack hash ${r.packHash}`), `page ${i + 1} footer`));
  });

  it('the dataset access pack: grants, denials, downstream lineage and models match the database', async () => {
    const r = datasetReport();
    const pack = JSON.parse((await download(r.id, 'json')).toString('utf8')) as DatasetAccessPack;
    const { all, flat } = await pdfText(await download(r.id, 'pdf'));
    assert.ok(
      all.includes(`Dataset access pack: dataset:${DEMO_NAMESPACE}:credit.applications_curated`) || flat.includes(squash('credit.applications_curated')),
    );
    assert.ok(!all.includes('Not available in this pack'));
    const grants = await db.query<{ id: string; email: string; purpose: string }>(
      `SELECT g.id, p.email, r.purpose FROM access_grants g JOIN access_requests r ON r.id = g.request_id JOIN principals p ON p.id = g.principal_id
       JOIN lineage_datasets d ON d.id = g.dataset_id WHERE d.name = 'credit.applications_curated' ORDER BY g.granted_at, g.id`,
    );
    assert.ok(pack.accessGrants.available);
    assert.ok(grants.length >= 2);
    assert.deepEqual(
      pack.accessGrants.data.map((g) => [g.grantId, g.grantee.label]),
      grants.map((g) => [g.id, g.email]),
    );
    for (const g of grants) assert.ok(flat.includes(squash(g.email)));
    // Denials: the refused request (rule) and the decision API's refusal.
    const denials = await db.query<{ seq: string; action: string }>(
      `SELECT seq, action FROM governance_audit_events WHERE decision = 'deny' AND target = ANY($1::text[]) ORDER BY seq`,
      [[`dataset:${DEMO_NAMESPACE}/credit.applications_curated`, `dataset:${DEMO_NAMESPACE}:credit.applications_curated`]],
    );
    assert.ok(pack.deniedAttempts.available);
    assert.deepEqual(
      pack.deniedAttempts.data.map((d) => [String(d.auditSeq), d.action]),
      denials.map((d) => [d.seq, d.action]),
    );
    assert.ok(
      denials.some((d) => d.action === 'access.request.deny'),
      `${JSON.stringify(denials)} ${lines.join('\n')}`,
    );
    assert.ok(denials.some((d) => d.action === 'access.check'));
    for (const d of denials) assert.ok(flat.includes(squash(d.action)), d.action);
    // Downstream
    assert.ok(pack.downstreamLineage.available);
    assert.ok(pack.downstreamLineage.data.nodes.some((n) => n.name === 'credit.features'));
    assert.ok(pack.downstreamModels.available);
    const models = await db.query<{ version: string; stage: string }>(
      `SELECT v.version, v.stage FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1 ORDER BY v.version`,
      [DEMO_MODEL],
    );
    const direct = pack.downstreamModels.data.filter((m) => m.distance === 1);
    assert.deepEqual(
      direct.map((m) => [m.model, m.version, m.stage]).sort(),
      models.map((m) => [DEMO_MODEL, m.version, m.stage]),
      'both versions use the curated data directly',
    );
    // collections-priority is trained on the features built from the curated data: further down.
    assert.deepEqual(
      pack.downstreamModels.data.filter((m) => m.distance > 1).map((m) => [m.model, m.version]),
      [['collections-priority', '0.3']],
    );
  });

  it('verifyReport accepts both packs and detects one changed byte', async () => {
    const q = 'query($b: String) { verifyReport(fileBase64: $b) { valid reason } }';
    for (const r of demo.reports) {
      const pdf = await download(r.id, 'pdf');
      const ok = await app.graphql<{ verifyReport: { valid: boolean; reason: string } }>(q, await idp.token('compliance'), { b: pdf.toString('base64') });
      assert.equal(ok.data!.verifyReport.valid, true, ok.data!.verifyReport.reason);
      const changed = Buffer.from(pdf);
      const at = Math.floor(changed.length / 2);
      changed.writeUInt8(changed.readUInt8(at) ^ 0x01, at);
      const bad = await app.graphql<{ verifyReport: { valid: boolean; reason: string } }>(q, await idp.token('compliance'), { b: changed.toString('base64') });
      assert.equal(bad.data!.verifyReport.valid, false);
    }
  });

  it('refuses packs to users without the permission', async () => {
    const r = modelReport();
    for (const user of ['ds', 'owner', 'mowner']) {
      const res = await fetch(`${app.url}/api/v1/reports/${r.id}.pdf`, { headers: { authorization: `Bearer ${await idp.token(user)}` } });
      assert.ok([403, 404].includes(res.status), `${user}: ${res.status}`);
      const gen = await app.graphql('mutation($i: GenerateReportInput!) { generateReport(input: $i) { id } }', await idp.token(user), {
        i: { kind: 'MODEL', target: `model:${DEMO_MODEL}:2.0`, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() },
      });
      assert.ok(['FORBIDDEN', 'NOT_FOUND'].includes(gen.errors?.[0]?.extensions?.code ?? ''), `${user} generate: ${JSON.stringify(gen.errors)}`);
    }
    const missing = await app.graphql('mutation($i: GenerateReportInput!) { generateReport(input: $i) { id } }', await idp.token('compliance'), {
      i: { kind: 'MODEL', target: `model:${DEMO_MODEL}:9.9`, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() },
    });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });
});
