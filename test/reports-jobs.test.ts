import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PDFParse } from 'pdf-parse';
import { GovernanceAuditService } from '../src/governance-audit/governance-audit.service';
import { startTestApp, type TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const NS = 'postgres://crm';
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const TARGET = `dataset:${NS}:customers`;
const REPORT_FIELDS =
  'id kind target domain status progress requestedBy requestedByLabel packHash error files { name sha256 bytes url } downloads { file principalId }';

interface ReportView {
  id: string;
  kind: string;
  target: string;
  status: string;
  progress: number;
  requestedByLabel: string | null;
  packHash: string | null;
  error: string | null;
  files: { name: string; sha256: string; bytes: number; url: string }[];
  downloads: { file: string; principalId: string }[];
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('compliance report jobs (generateReport, report, reports, verifyReport, GET /api/v1/reports/:id.pdf|.json)', () => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let apiKey: string;
  let dataDir: string | undefined;
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-reports-test-'));
    stack = await startTestStack({ CHARTER_DATA_DIR: dataDir });
    ({ db, idp, app } = stack);
    const created = await app.graphql<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "pipeline", roles: ["service"] }) { secret } }',
      await idp.token('admin'),
    );
    apiKey = created.data!.createApiKey.secret;
    // import → customers → clean_customers (job clean) → credit_features (job features)
    await ingest('import', [], ['customers']);
    await ingest('clean', ['customers'], ['clean_customers']);
    await ingest('features', ['clean_customers'], ['credit_features']);
    const csv = ['id,email,score', ...Array.from({ length: 40 }, (_, i) => `${i},person${i}.zoe@example.org,${i / 10}`)].join('\n') + '\n';
    const scan = await fetch(`${app.url}/api/v1/datasets/${encodeURIComponent(NS)}/customers/scans`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${apiKey}` },
      body: csv,
    });
    const scanBody = await scan.text();
    assert.equal(scan.status, 202, scanBody);
    const { scanId } = JSON.parse(scanBody) as { scanId: string };
    let status = 'queued';
    for (let i = 0; i < 300 && status !== 'succeeded'; i++) {
      const rows = await db.query<{ status: string; error: string | null }>('SELECT status, error FROM pii_scans WHERE id = $1', [scanId]);
      status = rows[0]!.status;
      assert.notEqual(status, 'failed', rows[0]!.error ?? '');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 'succeeded');
    // What the access requests module (issue 7) records for a refused request on a dataset.
    await app.app.get(GovernanceAuditService).recordIndependently({
      action: 'access.request',
      decision: 'deny',
      actorId: 'user-li',
      actorLabel: '李小龙',
      target: TARGET,
      reason: 'restricted data needs an owner approval',
    });
  });
  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function ingest(job: string, inputs: string[], outputs: string[]) {
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      producer: PRODUCER,
      schemaURL: SCHEMA_URL,
      run: { runId: randomUUID(), facets: {} },
      job: { namespace: 'spark', name: job },
      inputs: inputs.map((name) => ({ namespace: NS, name })),
      outputs: outputs.map((name) => ({
        namespace: NS,
        name,
        facets: {
          schema: {
            _producer: PRODUCER,
            _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json',
            fields: ['id', 'email', 'score'].map((f) => ({ name: f, type: 'TEXT' })),
          },
        },
      })),
    };
    const res = await fetch(`${app.url}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(event),
    });
    assert.equal(res.status, 201, await res.text());
  }

  async function gql<T>(query: string, user = 'compliance', variables?: Record<string, unknown>): Promise<T> {
    const res = await app.graphql<T>(query, await idp.token(user), variables);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data!;
  }

  async function generate(user = 'compliance'): Promise<ReportView> {
    const data = await gql<{ generateReport: ReportView }>(
      `mutation($input: GenerateReportInput!) { generateReport(input: $input) { ${REPORT_FIELDS} } }`,
      user,
      { input: { kind: 'DATASET', target: TARGET, from, to } },
    );
    return data.generateReport;
  }

  async function waitFor(id: string, using: TestApp = app): Promise<ReportView> {
    for (let i = 0; i < 1200; i++) {
      const res = await using.graphql<{ report: ReportView }>(`{ report(id: "${id}") { ${REPORT_FIELDS} } }`, await idp.token('compliance'));
      const report = res.data!.report;
      if (report.status === 'SUCCEEDED' || report.status === 'FAILED') return report;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `report ${id} did not finish: ${JSON.stringify(await db.query('SELECT status, progress, error, runner FROM report_jobs WHERE id = $1', [id]))}`,
    );
  }

  async function download(id: string, format: 'pdf' | 'json' | 'manifest.json', user = 'compliance') {
    const res = await fetch(`${app.url}/api/v1/reports/${id}.${format}`, { headers: { authorization: `Bearer ${await idp.token(user)}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  }

  let report: ReportView;
  let pdf: Buffer;

  it('generateReport returns a queued job at once; it runs to a signed pack with progress 100', async () => {
    const job = await generate();
    assert.equal(job.kind, 'DATASET');
    assert.equal(job.target, TARGET);
    assert.ok(['QUEUED', 'RUNNING', 'SUCCEEDED'].includes(job.status));
    assert.equal(job.packHash === null || job.status === 'SUCCEEDED', true);
    report = await waitFor(job.id);
    assert.equal(report.status, 'SUCCEEDED', report.error ?? '');
    assert.equal(report.progress, 100);
    assert.match(report.packHash!, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      report.files.map((f) => [f.name, f.url]),
      [
        ['pack.pdf', `/api/v1/reports/${report.id}.pdf`],
        ['pack.json', `/api/v1/reports/${report.id}.json`],
        ['manifest.json', `/api/v1/reports/${report.id}.manifest.json`],
      ],
    );
    const events = await db.query<{ action: string }>(`SELECT action FROM governance_audit_events WHERE details->>'reportId' = $1 ORDER BY seq`, [report.id]);
    assert.deepEqual(
      events.map((e) => e.action),
      ['report.generate', 'report.complete'],
    );
  });

  it('the PDF holds the evidence recorded in the database, and the footer hash on every page', async () => {
    const res = await download(report.id, 'pdf');
    assert.equal(res.status, 200);
    assert.equal(res.type, 'application/pdf');
    pdf = res.body;
    assert.equal(sha256(pdf), report.files[0]!.sha256);
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const pages = (await parser.getText()).pages.map((p) => p.text);
    await parser.destroy();
    const all = pages.join('\n');
    const dataset = (
      await db.query<{ sensitivity: string; owner: string | null }>('SELECT sensitivity, owner FROM lineage_datasets WHERE namespace = $1 AND name = $2', [
        NS,
        'customers',
      ])
    )[0]!;
    assert.ok(all.includes(`Sensitivity ${dataset.sensitivity}`), `sensitivity ${dataset.sensitivity} not printed`);
    const change = (
      await db.query<{ seq: string; details: { before: string; after: string } }>(
        `SELECT seq, details FROM governance_audit_events WHERE action = 'pii.sensitivity.change' AND target = $1`,
        [TARGET],
      )
    )[0]!;
    assert.ok(all.includes(`${change.details.before} ${change.details.after}`), 'sensitivity change row');
    const scan = (await db.query<{ file_sha256: string }>(`SELECT file_sha256 FROM pii_scans WHERE status = 'succeeded'`))[0]!;
    assert.ok(all.replace(/\s+/g, '').includes(scan.file_sha256), 'scan printed with its file hash');
    assert.ok(all.includes('email EMAIL_ADDRESS'), 'PII column');
    const denial = (await db.query<{ seq: string }>(`SELECT seq FROM governance_audit_events WHERE action = 'access.request' AND target = $1`, [TARGET]))[0]!;
    assert.ok(all.includes(`李小龙 access.request restricted data needs an owner`), 'denied attempt with a CJK name');
    assert.ok(all.includes(denial.seq));
    for (const node of ['clean_customers', 'credit_features', 'clean', 'features']) assert.ok(all.includes(node), `downstream ${node}`);
    assert.ok(!all.includes('Not available in this pack'), 'every section is filled');
    pages.forEach((page, i) => assert.ok(page.replace(/\s+/g, ' ').includes(`pack hash ${report.packHash}`), `page ${i + 1} footer`));
  });

  it('downloads are recorded and audited, and listed on the report', async () => {
    const json = await download(report.id, 'json');
    assert.equal(json.status, 200);
    const pack = JSON.parse(json.body.toString('utf8')) as { kind: string; cover: { reportId: string; generatedBy: { label: string } } };
    assert.equal(pack.kind, 'dataset');
    assert.equal(pack.cover.reportId, report.id);
    const rows = await db.query<{ file: string }>('SELECT file FROM report_downloads WHERE report_id = $1 ORDER BY id', [report.id]);
    assert.deepEqual(
      rows.map((r) => r.file),
      ['pdf', 'json'],
    );
    const audited = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM governance_audit_events WHERE action = 'report.download' AND details->>'reportId' = $1`,
      [report.id],
    );
    assert.equal(audited[0]!.n, '2');
    const listed = await gql<{ reports: { nodes: ReportView[] } }>(`{ reports(first: 5, kind: DATASET, target: "${TARGET}") { nodes { ${REPORT_FIELDS} } } }`);
    const mine = listed.reports.nodes.find((r) => r.id === report.id)!;
    assert.deepEqual(mine.downloads.map((d) => d.file).sort(), ['JSON', 'PDF']);
    assert.ok(mine.requestedByLabel);
  });

  it('refuses users without the permission: generate, read, list and download', async () => {
    const denied = await app.graphql(
      `mutation { generateReport(input: { kind: DATASET, target: "${TARGET}", from: "${from}", to: "${to}" }) { id } }`,
      await idp.token('ds'),
    );
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const read = await app.graphql(`{ report(id: "${report.id}") { id } }`, await idp.token('ds'));
    assert.equal(read.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await download(report.id, 'pdf', 'ds')).status, 403);
    assert.equal((await download(report.id, 'pdf', 'owner')).status, 403);
    const res = await fetch(`${app.url}/api/v1/reports/${report.id}.pdf`);
    assert.equal(res.status, 401);
    const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM report_downloads WHERE report_id = $1', [report.id]);
    assert.equal(rows[0]!.n, '2', 'refused downloads are not recorded as downloads');
  });

  it('rejects bad input with the field at fault', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ kind: 'MODEL', target: 'credit-1', from, to }, 'input.target', /model:<model name>:<version>/],
      [{ kind: 'DATASET', target: TARGET, from: to, to: from }, 'input.to', /after input.from/],
      [{ kind: 'DATASET', target: 'job:spark:clean', from, to }, 'input.target', /dataset:/],
      [{ kind: 'DATASET', target: 'nonsense', from, to }, 'input.target', /./],
    ];
    for (const [input, field, message] of cases) {
      const res = await app.graphql(`mutation($input: GenerateReportInput!) { generateReport(input: $input) { id } }`, await idp.token('compliance'), {
        input,
      });
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(res.errors));
      assert.equal(res.errors?.[0]?.extensions?.field, field);
      assert.match(res.errors[0].message, message);
    }
    const missing = await app.graphql(
      `mutation { generateReport(input: { kind: DATASET, target: "dataset:${NS}:nope", from: "${from}", to: "${to}" }) { id } }`,
      await idp.token('compliance'),
    );
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const notFound = await app.graphql(`{ report(id: "${randomUUID()}") { id } }`, await idp.token('compliance'));
    assert.equal(notFound.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.equal((await download(report.id + 'x', 'pdf')).status, 400);
  });

  it('verifyReport: a stored report and an unchanged upload verify; one changed byte and a foreign PDF fail', async () => {
    const q = `query($reportId: ID, $fileBase64: String) { verifyReport(reportId: $reportId, fileBase64: $fileBase64) { valid reason fileKind part reportId packHash } }`;
    type V = { verifyReport: { valid: boolean; reason: string; reportId: string | null; packHash: string | null } };
    const byId = await gql<V>(q, 'compliance', { reportId: report.id });
    assert.equal(byId.verifyReport.valid, true, byId.verifyReport.reason);
    const upload = await gql<V>(q, 'ciso', { fileBase64: pdf.toString('base64') });
    assert.equal(upload.verifyReport.valid, true);
    assert.equal(upload.verifyReport.reportId, report.id);
    assert.equal(upload.verifyReport.packHash, report.packHash);
    const changed = Buffer.from(pdf);
    const at = Math.floor(changed.length / 3);
    changed[at] = changed[at]! ^ 0x20;
    const tampered = await gql<V>(q, 'compliance', { fileBase64: changed.toString('base64') });
    assert.equal(tampered.verifyReport.valid, false);
    assert.match(tampered.verifyReport.reason, /the file was changed/);
    const foreign = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const notOurs = await gql<V>(q, 'compliance', { fileBase64: foreign.toString('base64') });
    assert.equal(notOurs.verifyReport.valid, false);
    assert.match(notOurs.verifyReport.reason, /not a Charter pack/);
    const both = await app.graphql(q, await idp.token('compliance'), { reportId: report.id, fileBase64: 'AAAA' });
    assert.equal(both.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const ds = await app.graphql(q, await idp.token('ds'), { fileBase64: pdf.toString('base64') });
    assert.equal(ds.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('npx charter verify-report: exit 0 for the pack, 1 with the reason for a changed byte', async () => {
    const run = promisify(execFile);
    const cli = path.join(__dirname, '..', 'src', 'cli', 'charter.js');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-verify-'));
    try {
      const file = path.join(dir, 'pack.pdf');
      await fs.writeFile(file, pdf);
      const env = { ...process.env, CHARTER_DATA_DIR: dataDir!, REPORTS_DIR: '', DATABASE_URL: '' };
      const ok = await run(process.execPath, [cli, 'verify-report', file], { env });
      assert.match(ok.stdout, /^VERIFIED: .*pack\.pdf of report/);
      // An auditor elsewhere: the pack's files and the public key, no access to this Charter's data.
      const manifest = await download(report.id, 'manifest.json');
      assert.equal(manifest.status, 200);
      assert.equal(sha256(manifest.body), report.files[2]!.sha256);
      await fs.writeFile(path.join(dir, 'manifest.json'), manifest.body);
      const key = await fetch(`${app.url}/api/v1/reports/signing-key`, { headers: { authorization: `Bearer ${await idp.token('ciso')}` } });
      assert.equal(key.status, 200);
      await fs.writeFile(path.join(dir, 'key.pem'), await key.text());
      const elsewhere = { ...process.env, CHARTER_DATA_DIR: dir, REPORTS_DIR: dir, DATABASE_URL: '' };
      const offline = await run(
        process.execPath,
        [cli, 'verify-report', file, '--manifest', path.join(dir, 'manifest.json'), '--public-key', path.join(dir, 'key.pem')],
        { env: elsewhere },
      );
      assert.match(offline.stdout, /^VERIFIED: /);
      const noKey = await fetch(`${app.url}/api/v1/reports/signing-key`, { headers: { authorization: `Bearer ${await idp.token('ds')}` } });
      assert.equal(noKey.status, 403);
      const changed = Buffer.from(pdf);
      changed[pdf.length - 100] = changed[pdf.length - 100]! ^ 0x01;
      await fs.writeFile(file, changed);
      await assert.rejects(run(process.execPath, [cli, 'verify-report', file], { env }), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /NOT VERIFIED: .*(changed|no pack with hash)/);
        return true;
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a job interrupted by a restart is queued again at boot and completes', async () => {
    const runner = `${hostname()}:${dataDir!}`;
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO report_jobs (kind, target, domain, period_from, period_to, requested_by, requested_by_label, status, progress, runner, started_at)
       VALUES ('dataset', $1, '*', $2, $3, 'someone', 'someone@example.org', 'running', 40, $4, now()) RETURNING id`,
      [TARGET, from, to, runner],
    );
    const second = await startTestApp(db.url, idp.issuer, { CHARTER_DATA_DIR: dataDir! });
    try {
      const done = await waitFor(row!.id, second);
      assert.equal(done.status, 'SUCCEEDED', done.error ?? '');
      assert.equal(done.progress, 100);
    } finally {
      await second.close();
    }
  });
});
