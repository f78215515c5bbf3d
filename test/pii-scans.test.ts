import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestApp } from './support/app';
import { startTestStack, type TestStack } from './support/stack';

const NS = 'postgres://crm';
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const facetBase = (name: string) => ({ _producer: PRODUCER, _schemaURL: `https://openlineage.io/spec/facets/1-2-0/${name}.json` });
// Small enough to overflow in a test; the scanned files below are a few kilobytes.
const UPLOAD_LIMIT = 65_536;

interface ScanView {
  status: string;
  error: string | null;
  sensitivity: string | null;
  datasetSensitivity: string;
  fileSha256: string;
  rows: number | null;
  columns: { name: string; field: string | null; pii: boolean; entities: { type: string }[]; tags: string[] }[];
}

const SCAN_FIELDS = 'status error sensitivity datasetSensitivity fileSha256 rows columns { name field pii entities { type } tags }';

/** 60 rows: e-mails under a meaningless header, SKUs under a header that says "email". */
function customersCsv(options: { emails?: boolean } = {}): string {
  const lines = ['id,col_7,email,score'];
  for (let i = 0; i < 60; i++) {
    const contact = options.emails === false ? String(1000 + i) : `user${i}.smith@example.org`;
    lines.push(`${i + 1},${contact},SKU-${4000 + i}-B,${(i * 0.37).toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

describe('PII scan service (POST /api/v1/datasets/:namespace/:name/scans, GraphQL)', () => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let apiKey: string;
  let dataDir: string | undefined;

  before(async () => {
    // Its own data dir: uploads wait there, and a Charter starting on a data dir fails the scans left in it.
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-pii-test-'));
    stack = await startTestStack({ SCAN_UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT), CHARTER_DATA_DIR: dataDir });
    ({ db, idp, app } = stack);
    const created = await app.graphql<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "pipeline", roles: ["service"] }) { secret } }',
      await idp.token('admin'),
    );
    apiKey = created.data!.createApiKey.secret;
  });
  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** Creates datasets (with fields) through lineage ingest, as an OpenLineage emitter would. */
  async function ingest(outputs: { name: string; fields: string[]; columnLineage?: Record<string, { from: [string, string]; masking: boolean }[]> }[]) {
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      producer: PRODUCER,
      schemaURL: SCHEMA_URL,
      run: { runId: randomUUID(), facets: {} },
      job: { namespace: 'spark', name: `job-${randomUUID()}` },
      inputs: [],
      outputs: outputs.map((o) => ({
        namespace: NS,
        name: o.name,
        facets: {
          schema: { ...facetBase('SchemaDatasetFacet'), fields: o.fields.map((name) => ({ name, type: 'TEXT' })) },
          ...(o.columnLineage && {
            columnLineage: {
              ...facetBase('ColumnLineageDatasetFacet'),
              fields: Object.fromEntries(
                Object.entries(o.columnLineage).map(([field, inputs]) => [
                  field,
                  {
                    inputFields: inputs.map((i) => ({
                      namespace: NS,
                      name: i.from[0],
                      field: i.from[1],
                      transformations: [{ type: 'DIRECT', subtype: i.masking ? 'TRANSFORMATION' : 'IDENTITY', masking: i.masking }],
                    })),
                  },
                ]),
              ),
            },
          }),
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

  async function upload(name: string, body: string | Buffer, options: { type?: string; query?: string; token?: string } = {}) {
    const res = await fetch(`${app.url}/api/v1/datasets/${encodeURIComponent(NS)}/${encodeURIComponent(name)}/scans${options.query ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': options.type ?? 'text/csv', authorization: `Bearer ${options.token ?? apiKey}` },
      body,
    });
    return { status: res.status, location: res.headers.get('location'), body: (await res.json()) as { scanId?: string; code?: string; message?: string } };
  }

  async function gql<T>(query: string, user = 'admin', variables?: Record<string, unknown>): Promise<T> {
    const res = await app.graphql<T>(query, await idp.token(user), variables);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data!;
  }

  async function waitForScan(scanId: string): Promise<ScanView> {
    for (let i = 0; i < 300; i++) {
      const { piiScan } = await gql<{ piiScan: ScanView }>(`{ piiScan(id: "${scanId}") { ${SCAN_FIELDS} } }`);
      if (piiScan.status === 'SUCCEEDED' || piiScan.status === 'FAILED') return piiScan;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `scan ${scanId} did not finish: ${JSON.stringify(await db.query('SELECT status, error, started_at FROM pii_scans WHERE id = $1', [scanId]))}`,
    );
  }

  async function scan(name: string, body: string | Buffer, options: { type?: string; query?: string } = {}): Promise<ScanView & { scanId: string }> {
    const res = await upload(name, body, options);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return { ...(await waitForScan(res.body.scanId!)), scanId: res.body.scanId! };
  }

  async function fieldTags(name: string): Promise<Record<string, string[]>> {
    const rows = await db.query<{ name: string; tags: string[] }>(
      `SELECT f.name, f.tags FROM lineage_dataset_fields f JOIN lineage_datasets d ON d.id = f.dataset_id WHERE d.namespace = $1 AND d.name = $2`,
      [NS, name],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.tags]));
  }

  async function dataset(name: string) {
    return (
      await db.query<{ tags: string[]; sensitivity: string }>('SELECT tags, sensitivity FROM lineage_datasets WHERE namespace = $1 AND name = $2', [NS, name])
    )[0]!;
  }

  it('scans an upload: content wins over headers, fields are tagged, sensitivity is set and audited', async () => {
    await ingest([{ name: 'customers', fields: ['id', 'col_7', 'email', 'score'] }]);
    // A tag a curator set stays; only PII:* tags belong to the scanner.
    await gql(`mutation { setDatasetTags(input: { namespace: "${NS}", name: "customers", field: "col_7", tags: ["gold"] }) { name } }`);
    const csv = customersCsv();
    const res = await upload('customers', csv, { query: '?fileName=customers.csv&seed=7' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(res.location ?? '', new RegExp(`/scans/${res.body.scanId}$`));
    const result = await waitForScan(res.body.scanId!);
    assert.equal(result.status, 'SUCCEEDED', result.error ?? '');
    assert.equal(result.rows, 60);
    assert.equal(result.sensitivity, 'CONFIDENTIAL');
    assert.equal(result.datasetSensitivity, 'CONFIDENTIAL');
    assert.match(result.fileSha256, /^[0-9a-f]{64}$/);
    const col7 = result.columns.find((c) => c.name === 'col_7')!;
    assert.deepEqual(
      col7.entities.map((e) => e.type),
      ['EMAIL_ADDRESS'],
    );
    assert.equal(result.columns.find((c) => c.name === 'email')!.pii, false, 'a header that lies does not win over content');

    assert.deepEqual(await fieldTags('customers'), { id: [], col_7: ['gold', 'PII:EMAIL_ADDRESS'], email: [], score: [] });
    assert.deepEqual(await dataset('customers'), { tags: ['PII'], sensitivity: 'confidential' });
    const audit = await db.query<{ target: string; details: { before: string; after: string; scanId: string } }>(
      `SELECT target, details FROM governance_audit_events WHERE action = 'pii.sensitivity.change'`,
    );
    assert.deepEqual(
      audit.map((a) => [a.target, a.details.before, a.details.after, a.details.scanId]),
      [[`dataset:${NS}:customers`, 'internal', 'confidential', res.body.scanId]],
    );

    // The REST Location answers too (pii.read: an admin here), and the scan is listed.
    const polled = await fetch(`${app.url}${res.location!}`, { headers: { authorization: `Bearer ${await idp.token('admin')}` } });
    assert.equal(polled.status, 200);
    assert.equal(((await polled.json()) as { status: string }).status, 'succeeded', 'REST answers with the stored status');
    const { piiScans } = await gql<{ piiScans: { nodes: { status: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      `{ piiScans(namespace: "${NS}", name: "customers", first: 5) { nodes { status } pageInfo { hasNextPage } } }`,
      'ds',
    );
    assert.deepEqual(piiScans, { nodes: [{ status: 'SUCCEEDED' }], pageInfo: { hasNextPage: false } });
    const forged = await app.graphql(
      `{ piiScans(namespace: "${NS}", name: "customers", after: "${Buffer.from('c:2026-01-01T00:00:00Z|x').toString('base64url')}") { nodes { status } } }`,
      await idp.token('ds'),
    );
    assert.equal(forged.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(await fs.readdir(path.join(dataDir!, 'pii-uploads')), [], 'the upload is deleted once scanned');
  });

  it('re-applies verdicts on rescan: rejected never tagged, confirmed kept; precision figures follow', async () => {
    await ingest([
      { name: 'leads', fields: ['id', 'col_7', 'email', 'score'] },
      { name: 'contacts', fields: ['id', 'col_7', 'email', 'score'] },
    ]);
    assert.equal((await scan('leads', customersCsv())).status, 'SUCCEEDED');
    assert.equal((await scan('contacts', customersCsv())).status, 'SUCCEEDED');

    const verdict = async (name: string, v: string, user = 'owner') =>
      app.graphql<{ setPiiVerdict: { verdict: string; column: string } }>(
        `mutation { setPiiVerdict(input: { namespace: "${NS}", name: "${name}", column: "col_7", entityType: "EMAIL_ADDRESS", verdict: ${v}, note: "checked" }) { verdict column } }`,
        await idp.token(user),
      );
    const denied = await verdict('leads', 'REJECTED', 'ds');
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.deepEqual((await verdict('leads', 'REJECTED')).data, { setPiiVerdict: { verdict: 'REJECTED', column: 'col_7' } });
    assert.deepEqual((await verdict('contacts', 'CONFIRMED')).data, { setPiiVerdict: { verdict: 'CONFIRMED', column: 'col_7' } });

    const rejected = await scan('leads', customersCsv());
    assert.deepEqual(rejected.columns.find((c) => c.name === 'col_7')!.tags, []);
    assert.deepEqual((await fieldTags('leads'))['col_7'], []);
    assert.deepEqual(await dataset('leads'), { tags: [], sensitivity: 'internal' });

    // The rescan finds no e-mails in col_7 this time; the confirmed finding stays tagged.
    const confirmed = await scan('contacts', customersCsv({ emails: false }));
    assert.deepEqual(confirmed.columns.find((c) => c.name === 'col_7')!.entities, []);
    assert.deepEqual((await fieldTags('contacts'))['col_7'], ['PII:EMAIL_ADDRESS']);
    assert.equal((await dataset('contacts')).sensitivity, 'confidential');

    const { piiVerdicts } = await gql<{ piiVerdicts: { column: string; entityType: string; verdict: string; note: string }[] }>(
      `{ piiVerdicts(namespace: "${NS}", name: "leads") { column entityType verdict note } }`,
      'ds',
    );
    assert.deepEqual(piiVerdicts, [{ column: 'col_7', entityType: 'EMAIL_ADDRESS', verdict: 'REJECTED', note: 'checked' }]);
    const { piiDetectorPrecision } = await gql<{ piiDetectorPrecision: unknown[] }>(
      '{ piiDetectorPrecision { entityType confirmed rejected precision } }',
      'risk',
    );
    assert.deepEqual(piiDetectorPrecision, [{ entityType: 'EMAIL_ADDRESS', confirmed: 1, rejected: 1, precision: 0.5 }]);
    const audited = await db.query<{ n: string }>(`SELECT count(*) AS n FROM governance_audit_events WHERE action = 'pii.verdict.set' AND decision = 'allow'`);
    assert.equal(Number(audited[0]!.n), 2);
  });

  it('answers piiReach through unmasked column edges only', async () => {
    await ingest([{ name: 'crm_people', fields: ['id', 'col_7', 'email', 'score'] }]);
    assert.equal((await scan('crm_people', customersCsv())).status, 'SUCCEEDED');
    await ingest([
      {
        name: 'marketing_features',
        fields: ['contact', 'contact_hash', 'score'],
        columnLineage: {
          contact: [{ from: ['crm_people', 'col_7'], masking: false }],
          contact_hash: [{ from: ['crm_people', 'col_7'], masking: true }],
          score: [{ from: ['crm_people', 'score'], masking: false }],
        },
      },
    ]);
    const { piiReach } = await gql<{ piiReach: unknown[] }>(
      `{ piiReach(nodeId: "dataset:${NS}:marketing_features") { field sourceNodeId restricted tags distance } }`,
      'ds',
    );
    assert.deepEqual(piiReach, [
      { field: 'contact', sourceNodeId: `datasetField:${NS}:crm_people:col_7`, restricted: false, tags: ['PII:EMAIL_ADDRESS'], distance: 1 },
    ]);
    const bad = await app.graphql(`{ piiReach(nodeId: "job:spark:x") { field } }`, await idp.token('ds'));
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('finds personal data in free text with scanText', async () => {
    const { scanText } = await gql<{ scanText: { type: string; start: number; end: number; personal: boolean; masked: string }[] }>(
      '{ scanText(text: "Write to jane.doe@example.com today") { type start end personal masked } }',
      'ds',
    );
    const email = scanText.find((s) => s.type === 'EMAIL_ADDRESS')!;
    assert.deepEqual([email.start, email.end, email.personal], [9, 29, true]);
    assert.notEqual(email.masked, 'jane.doe@example.com');
  });

  it('fails a broken file with a clear error and tags nothing', async () => {
    await ingest([{ name: 'events_raw', fields: ['id', 'col_7'] }]);
    const result = await scan('events_raw', Buffer.from('PAR1 this is not really parquet'), {
      type: 'application/vnd.apache.parquet',
      query: '?fileName=events.parquet',
    });
    assert.equal(result.status, 'FAILED');
    assert.match(result.error ?? '', /^events\.parquet: /);
    assert.doesNotMatch(result.error ?? '', /pii-uploads/, 'the temporary path is not shown');
    assert.deepEqual(await fieldTags('events_raw'), { id: [], col_7: [] });
    assert.deepEqual(await dataset('events_raw'), { tags: [], sensitivity: 'internal' });
  });

  it('refuses unknown datasets (404), oversized uploads (413), bad options (400) and callers without pii.scan (403)', async () => {
    await ingest([{ name: 'limits', fields: ['id'] }]);
    assert.equal((await upload('no_such_table', customersCsv())).status, 404);
    const big = 'id,text\n' + 'x'.repeat(UPLOAD_LIMIT);
    const tooLarge = await upload('limits', big);
    assert.deepEqual([tooLarge.status, tooLarge.body.code], [413, 'PAYLOAD_TOO_LARGE']);
    // Without a Content-Length (chunked), the limit is enforced while streaming.
    const chunked = await fetch(`${app.url}/api/v1/datasets/${encodeURIComponent(NS)}/limits/scans`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${apiKey}` },
      body: new Blob([big]).stream(),
      duplex: 'half',
    });
    assert.equal(chunked.status, 413);
    assert.equal((await upload('limits', 'a\n1\n', { type: 'application/octet-stream' })).status, 400);
    assert.equal((await upload('limits', 'a\n1\n', { query: '?sample=0' })).status, 400);
    assert.equal((await upload('limits', 'a\n1\n', { token: await idp.token('ds') })).status, 403);
    const scans = await db.query<{ n: string }>('SELECT count(*) AS n FROM pii_scans s JOIN lineage_datasets d ON d.id = s.dataset_id WHERE d.name = $1', [
      'limits',
    ]);
    assert.equal(Number(scans[0]!.n), 0);
    // The upload types stay unsupported elsewhere: lineage ingest still answers 415 to CSV.
    const ingestCsv = await fetch(`${app.url}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${apiKey}` },
      body: 'a,b\n',
    });
    assert.equal(ingestCsv.status, 415);
  });

  it('accepts JSON Lines and an owner upload with ?format=', async () => {
    await ingest([{ name: 'signups', fields: ['who', 'n'] }]);
    const jsonl = Array.from({ length: 40 }, (_, i) => JSON.stringify({ who: `person${i}@mail.example.com`, n: i })).join('\n') + '\n';
    const viaNdjson = await scan('signups', jsonl, { type: 'application/x-ndjson' });
    assert.equal(viaNdjson.status, 'SUCCEEDED', viaNdjson.error ?? '');
    const res = await upload('signups', jsonl, { type: 'application/octet-stream', query: '?format=jsonl&full=true', token: await idp.token('owner') });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const viaOwner = await waitForScan(res.body.scanId!);
    assert.deepEqual(viaOwner.columns.find((c) => c.name === 'who')!.tags, ['PII:EMAIL_ADDRESS']);
  });

  it('fails, at the next start, the scans its data dir left unfinished, and only those', async () => {
    await ingest([{ name: 'restarts', fields: ['id'] }]);
    const datasetId = (await db.query<{ id: string }>('SELECT id FROM lineage_datasets WHERE name = $1', ['restarts']))[0]!.id;
    const insert = (runner: string) =>
      db.query<{ id: string }>(
        `INSERT INTO pii_scans (dataset_id, requested_by, file_sha256, size_bytes, format, runner, status) VALUES ($1, 'x', 'h', 1, 'csv', $2, 'running') RETURNING id`,
        [datasetId, runner],
      );
    const [mine] = await insert(`${hostname()}:${dataDir!}`);
    const [other] = await insert('another-host:/data');
    const second = await startTestApp(db.url, idp.issuer, { CHARTER_DATA_DIR: dataDir! });
    await second.close();
    const status = async (id: string) =>
      (await db.query<{ status: string; error: string | null }>('SELECT status, error FROM pii_scans WHERE id = $1', [id]))[0]!;
    assert.deepEqual(await status(mine!.id), { status: 'failed', error: 'interrupted by a restart of Charter; upload the file again' });
    assert.equal((await status(other!.id)).status, 'running');
  });
});
