import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const POLICIES = path.resolve(__dirname, '..', '..', 'policies');
const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'openlineage');
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const base = { _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json' };

function schema(...fields: [string, string][]) {
  return { ...base, fields: fields.map(([name, type]) => ({ name, type })) };
}

function runEvent(o: { runId: string; type: string; time: string; job?: string; inputs?: unknown[]; outputs?: unknown[]; runFacets?: object }) {
  return {
    eventType: o.type,
    eventTime: o.time,
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId: o.runId, facets: o.runFacets ?? {} },
    job: { namespace: 'spark', name: o.job ?? 'etl.customers' },
    inputs: o.inputs ?? [],
    outputs: o.outputs ?? [],
  };
}

describe('OpenLineage ingestion (POST /api/v1/lineage)', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let apiKey: string;
  let apiKeyId: string;
  let policiesDir: string;

  before(async () => {
    // Datasets first seen in the `warehouse` namespace belong to the risk domain.
    policiesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-policies-'));
    await fs.cp(POLICIES, policiesDir, { recursive: true });
    await fs.writeFile(path.join(policiesDir, 'lineage-domains.yaml'), 'namespaces:\n  "warehouse*": risk\n');
    stack = await startTestStack({ POLICIES_DIR: policiesDir });
    ({ db, idp, app } = stack);
    const created = await app.graphql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(input: { name: "spark", roles: ["service"] }) { secret apiKey { id } } }',
      await idp.token('admin'),
    );
    apiKey = created.data!.createApiKey.secret;
    apiKeyId = created.data!.createApiKey.apiKey.id;
  });
  after(async () => {
    await stack?.close();
    await fs.rm(policiesDir, { recursive: true, force: true });
  });

  async function post(body: unknown, options: { token?: string; contentType?: string } = {}) {
    const res = await fetch(`${app.url}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': options.contentType ?? 'application/json', authorization: `Bearer ${options.token ?? apiKey}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const count = async (table: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const run = async (id: string) =>
    (
      await db.query<{ state: string; started_at: Date | null; ended_at: Date | null }>('SELECT state, started_at, ended_at FROM lineage_runs WHERE id = $1', [
        id,
      ])
    )[0];

  it('stores a run event: job, datasets with schema versions, run, edges; records the sending key', async () => {
    const runId = randomUUID();
    const res = await post(
      runEvent({
        runId,
        type: 'START',
        time: '2026-03-01T10:00:00Z',
        inputs: [{ namespace: 'postgres://crm', name: 'public.customers', facets: { schema: schema(['id', 'INT'], ['email', 'TEXT']) } }],
        outputs: [{ namespace: 's3://lake', name: 'features/customers', facets: { schema: schema(['id', 'INT'], ['score', 'DOUBLE']) } }],
      }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body, { accepted: 1, duplicates: 0 });
    assert.deepEqual(await run(runId), { state: 'START', started_at: new Date('2026-03-01T10:00:00Z'), ended_at: null });
    const edges = await db.query<{ name: string; direction: string }>(
      `SELECT d.name, e.direction FROM lineage_edges e JOIN lineage_datasets d ON d.id = e.dataset_id
       JOIN lineage_jobs j ON j.id = e.job_id WHERE j.name = 'etl.customers' ORDER BY e.direction`,
    );
    assert.deepEqual(edges, [
      { name: 'public.customers', direction: 'input' },
      { name: 'features/customers', direction: 'output' },
    ]);
    const fields = await db.query<{ name: string; type: string }>(
      `SELECT f.name, f.type FROM lineage_dataset_fields f JOIN lineage_datasets d ON d.id = f.dataset_id WHERE d.name = 'public.customers' ORDER BY f.name`,
    );
    assert.deepEqual(fields, [
      { name: 'email', type: 'TEXT' },
      { name: 'id', type: 'INT' },
    ]);
    const [event] = await db.query<{ source: string }>('SELECT source FROM lineage_events WHERE run_id = $1', [runId]);
    assert.equal(event!.source, `apikey:${apiKeyId}`);
  });

  it('ignores an event sent twice', async () => {
    const event = runEvent({ runId: randomUUID(), type: 'START', time: '2026-03-02T10:00:00Z', inputs: [{ namespace: 'db', name: 'twice' }] });
    assert.deepEqual((await post(event)).body, { accepted: 1, duplicates: 0 });
    const tables = ['lineage_events', 'lineage_runs', 'lineage_datasets', 'lineage_edges', 'lineage_run_io'];
    const before = await Promise.all(tables.map(count));
    const again = await post(event);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, { accepted: 0, duplicates: 1 });
    assert.deepEqual(await Promise.all(tables.map(count)), before);
  });

  it('leaves unchanged rows alone on a re-run, and still links the new run to them', async () => {
    const inputs = [{ namespace: 'db', name: 'rerun_in', facets: { schema: schema(['id', 'INT']) } }];
    const outputs = [{ namespace: 'db', name: 'rerun_out', facets: { schema: schema(['id', 'INT']) } }];
    const rerun = (runId: string, time: string) => runEvent({ runId, type: 'COMPLETE', time, job: 'etl.rerun', inputs, outputs });
    // xmin changes whenever a row is rewritten.
    const versions = () =>
      db.query<{ name: string; xmin: string; updated_at: Date }>(
        `SELECT name, xmin::text, updated_at FROM lineage_datasets WHERE name LIKE 'rerun_%'
         UNION ALL SELECT name, xmin::text, updated_at FROM lineage_jobs WHERE name = 'etl.rerun' ORDER BY 1`,
      );
    await post(rerun(randomUUID(), '2026-03-05T10:00:00Z'));
    const first = await versions();
    const second = randomUUID();
    assert.deepEqual((await post(rerun(second, '2026-03-06T10:00:00Z'))).body, { accepted: 1, duplicates: 0 });
    assert.deepEqual(await versions(), first, 'datasets and the job were not rewritten');
    const io = await db.query<{ name: string; direction: string; current: boolean }>(
      `SELECT d.name, x.direction, x.dataset_version_id = d.current_version_id AS current FROM lineage_run_io x
       JOIN lineage_datasets d ON d.id = x.dataset_id WHERE x.run_id = $1 ORDER BY 1`,
      [second],
    );
    assert.deepEqual(io, [
      { name: 'rerun_in', direction: 'input', current: true },
      { name: 'rerun_out', direction: 'output', current: true },
    ]);
    const [edge] = await db.query<{ last_seen: Date }>(
      `SELECT max(e.last_seen) AS last_seen FROM lineage_edges e JOIN lineage_jobs j ON j.id = e.job_id WHERE j.name = 'etl.rerun'`,
    );
    assert.deepEqual(edge!.last_seen, new Date('2026-03-06T10:00:00Z'), 'the edges widened to the new run');
    const [job] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM lineage_runs r JOIN lineage_jobs j ON j.id = r.job_id AND r.job_version_id = j.current_version_id WHERE j.name = 'etl.rerun'`,
    );
    assert.equal(job!.n, '2', 'both runs point at the job version');
  });

  it('yields one correct run when COMPLETE arrives before START, hours apart', async () => {
    const runId = randomUUID();
    await post(runEvent({ runId, type: 'COMPLETE', time: '2026-03-03T14:00:00Z', outputs: [{ namespace: 'db', name: 'late' }] }));
    assert.equal((await run(runId))!.state, 'COMPLETE');
    await post(runEvent({ runId, type: 'START', time: '2026-03-03T09:00:00Z' }));
    await post(runEvent({ runId, type: 'RUNNING', time: '2026-03-03T10:00:00Z' }));
    assert.deepEqual(await run(runId), { state: 'COMPLETE', started_at: new Date('2026-03-03T09:00:00Z'), ended_at: new Date('2026-03-03T14:00:00Z') });
    assert.equal(Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM lineage_runs WHERE id = $1', [runId]))[0]!.n), 1);
  });

  it('merges concurrent requests (group commit) without losing order tolerance or idempotency', async () => {
    const runId = randomUUID();
    const events = [
      runEvent({ runId, type: 'OTHER', time: '2026-03-05T09:30:00Z' }),
      runEvent({ runId, type: 'COMPLETE', time: '2026-03-05T12:00:00Z', outputs: [{ namespace: 'db', name: 'concurrent_out' }] }),
      runEvent({ runId, type: 'START', time: '2026-03-05T09:00:00Z', inputs: [{ namespace: 'db', name: 'concurrent_in' }] }),
      runEvent({ runId, type: 'RUNNING', time: '2026-03-05T10:00:00Z' }),
    ];
    const sends = [...events, ...events, events[1]!].map((e) => post(e));
    const results = await Promise.all(sends);
    assert.ok(results.every((r) => r.status === 201));
    const accepted = results.reduce((n, r) => n + Number(r.body['accepted']), 0);
    assert.equal(accepted, 4, 'each distinct event is accepted exactly once');
    assert.deepEqual(await run(runId), { state: 'COMPLETE', started_at: new Date('2026-03-05T09:00:00Z'), ended_at: new Date('2026-03-05T12:00:00Z') });
    const io = await db.query<{ name: string; direction: string }>(
      `SELECT d.name, x.direction FROM lineage_run_io x JOIN lineage_datasets d ON d.id = x.dataset_id WHERE x.run_id = $1 ORDER BY 2`,
      [runId],
    );
    assert.deepEqual(io, [
      { name: 'concurrent_in', direction: 'input' },
      { name: 'concurrent_out', direction: 'output' },
    ]);
  });

  it('makes a new dataset version on a schema change, and a late old event does not bring the old schema back', async () => {
    const ds = { namespace: 'warehouse', name: 'loans' };
    await post(
      runEvent({ runId: randomUUID(), type: 'COMPLETE', time: '2026-04-01T00:00:00Z', outputs: [{ ...ds, facets: { schema: schema(['id', 'INT']) } }] }),
    );
    await post(
      runEvent({
        runId: randomUUID(),
        type: 'COMPLETE',
        time: '2026-04-02T00:00:00Z',
        outputs: [{ ...ds, facets: { schema: schema(['id', 'INT'], ['amount', 'DECIMAL']) } }],
      }),
    );
    // A replayed event from before both, with the first schema.
    await post(
      runEvent({ runId: randomUUID(), type: 'COMPLETE', time: '2026-03-31T00:00:00Z', outputs: [{ ...ds, facets: { schema: schema(['id', 'INT']) } }] }),
    );
    const versions = await db.query<{ fields: { name: string }[]; valid_from: Date; current: boolean }>(
      `SELECT v.fields, v.valid_from, v.id = d.current_version_id AS current FROM lineage_dataset_versions v
       JOIN lineage_datasets d ON d.id = v.dataset_id WHERE d.name = 'loans' ORDER BY v.valid_from`,
    );
    assert.equal(versions.length, 2);
    const [dataset] = await db.query<{ domain: string }>(`SELECT domain FROM lineage_datasets WHERE name = 'loans'`);
    assert.equal(dataset!.domain, 'risk', 'policies/lineage-domains.yaml mapped the namespace');
    assert.deepEqual(versions[0]!.valid_from, new Date('2026-03-31T00:00:00Z'), 'the replay moved the first version earlier');
    assert.equal(versions[1]!.current, true);
    assert.deepEqual(
      versions[1]!.fields.map((f) => f.name),
      ['id', 'amount'],
    );
    const fields = await db.query<{ name: string }>(
      `SELECT f.name FROM lineage_dataset_fields f JOIN lineage_datasets d ON d.id = f.dataset_id WHERE d.name = 'loans' ORDER BY 1`,
    );
    assert.deepEqual(
      fields.map((f) => f.name),
      ['amount', 'id'],
    );
  });

  it('stores column lineage from the spec example, with masking', async () => {
    const facet = (JSON.parse(readFileSync(path.join(FIXTURES, 'column-lineage-facet.json'), 'utf8')) as { columnLineage: Record<string, unknown> })
      .columnLineage;
    const fields = facet['fields'] as Record<string, { inputFields: { transformations?: { masking?: boolean }[] }[] }>;
    fields['NAME']!.inputFields[0]!.transformations![0]!.masking = true;
    const res = await post(
      runEvent({
        runId: randomUUID(),
        type: 'COMPLETE',
        time: '2026-04-03T00:00:00Z',
        job: 'snowflake.discounts',
        outputs: [{ namespace: 'SnowflakeOpenLineage', name: 'CUSTOMER_DISCOUNTS', facets: { columnLineage: facet } }],
      }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const edges = await db.query<{ output_field: string; input: string; input_field: string; masking: boolean }>(
      `SELECT c.output_field, i.name AS input, c.input_field, c.masking FROM lineage_column_edges c
       JOIN lineage_datasets i ON i.id = c.input_dataset_id JOIN lineage_datasets o ON o.id = c.output_dataset_id
       WHERE o.name = 'CUSTOMER_DISCOUNTS' AND c.output_field = 'NAME' ORDER BY input, input_field`,
    );
    assert.deepEqual(edges, [
      { output_field: 'NAME', input: 'CUSTOMERS', input_field: 'ID', masking: false },
      { output_field: 'NAME', input: 'CUSTOMERS', input_field: 'NAME', masking: true },
      { output_field: 'NAME', input: 'DISCOUNTS', input_field: 'CUSTOMERS_ID', masking: false },
    ]);
  });

  it("accepts the spec's full example event and keeps unknown custom facets", async () => {
    const event = JSON.parse(readFileSync(path.join(FIXTURES, 'example_full_event.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((await post(event)).status, 201);
    const custom = { acme_quality: { _producer: PRODUCER, _schemaURL: 'https://acme.example/quality.json', grade: 'A' } };
    const res = await post(
      runEvent({ runId: randomUUID(), type: 'COMPLETE', time: '2026-04-04T00:00:00Z', outputs: [{ namespace: 'db', name: 'custom', facets: custom }] }),
    );
    assert.equal(res.status, 201);
    const [row] = await db.query<{ facets: Record<string, unknown> }>(`SELECT facets FROM lineage_datasets WHERE name = 'custom'`);
    assert.deepEqual(row!.facets['acme_quality'], custom.acme_quality);
  });

  it('refuses an invalid event with the JSON pointer and rule, storing nothing', async () => {
    const before = await count('lineage_events');
    const bad = runEvent({
      runId: randomUUID(),
      type: 'START',
      time: '2026-04-05T00:00:00Z',
      inputs: [{ namespace: 'db', name: 'x', facets: { schema: { ...base, fields: [{ type: 'INT' }] } } }],
    });
    const res = await post(bad);
    assert.equal(res.status, 400);
    assert.equal(res.body['code'], 'BAD_USER_INPUT');
    assert.equal(res.body['field'], '/inputs/0/facets/schema/fields/0/name');
    assert.equal(res.body['rule'], 'required');
    const wrongType = await post({ ...runEvent({ runId: randomUUID(), type: 'FINISHED', time: '2026-04-05T00:00:00Z' }) });
    assert.equal(wrongType.body['field'], '/eventType');
    assert.equal(wrongType.body['rule'], 'enum');
    const badUuid = await post(runEvent({ runId: 'not-a-uuid', type: 'START', time: '2026-04-05T00:00:00Z' }));
    assert.equal(badUuid.body['field'], '/run/runId');
    assert.equal(await count('lineage_events'), before);
  });

  it('takes a batch as a JSON array or NDJSON, all or nothing', async () => {
    const events = [1, 2, 3].map((i) =>
      runEvent({
        runId: randomUUID(),
        type: 'COMPLETE',
        time: `2026-05-0${i}T00:00:00Z`,
        job: 'batch.job',
        outputs: [{ namespace: 'db', name: `batch_${i}` }],
      }),
    );
    assert.deepEqual((await post(events)).body, { accepted: 3, duplicates: 0 });
    const more = [4, 5].map((i) =>
      runEvent({
        runId: randomUUID(),
        type: 'COMPLETE',
        time: `2026-05-0${i}T00:00:00Z`,
        job: 'batch.job',
        outputs: [{ namespace: 'db', name: `batch_${i}` }],
      }),
    );
    const ndjson = `${more.map((e) => JSON.stringify(e)).join('\n')}\n`;
    assert.deepEqual((await post(ndjson, { contentType: 'application/x-ndjson' })).body, { accepted: 2, duplicates: 0 });

    const before = await count('lineage_events');
    const mixed = [
      runEvent({ runId: randomUUID(), type: 'START', time: '2026-05-06T00:00:00Z' }),
      { ...runEvent({ runId: randomUUID(), type: 'START', time: '2026-05-06T00:00:00Z' }), producer: 42 },
    ];
    const res = await post(mixed);
    assert.equal(res.status, 400);
    assert.equal(res.body['index'], 1);
    assert.equal(res.body['field'], '/producer');
    const broken = await post('{"eventType":"START"}\n{not json}\n', { contentType: 'application/x-ndjson' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body['line'], 2);
    assert.equal(await count('lineage_events'), before, 'nothing of a refused batch is stored');
  });

  it('removes a facet marked _deleted', async () => {
    const ds = { namespace: 'db', name: 'documented' };
    const doc = { _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json', description: 'Customer table' };
    await post(runEvent({ runId: randomUUID(), type: 'COMPLETE', time: '2026-06-01T00:00:00Z', outputs: [{ ...ds, facets: { documentation: doc } }] }));
    await post(
      runEvent({
        runId: randomUUID(),
        type: 'COMPLETE',
        time: '2026-06-02T00:00:00Z',
        outputs: [{ ...ds, facets: { documentation: { ...doc, _deleted: true } } }],
      }),
    );
    const [row] = await db.query<{ facets: Record<string, unknown>; description: string }>(
      `SELECT facets, description FROM lineage_datasets WHERE name = 'documented'`,
    );
    assert.equal(row!.facets['documentation'], undefined);
  });

  it('needs the ingest permission: people and anonymous callers are refused', async () => {
    const event = runEvent({ runId: randomUUID(), type: 'START', time: '2026-07-01T00:00:00Z' });
    assert.equal((await post(event, { token: await idp.token('ds') })).status, 403);
    const anonymous = await fetch(`${app.url}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    assert.equal(anonymous.status, 401);
    assert.equal((await post(event, { token: await idp.token('ingest') })).status, 201, 'a service token from the IdP works too');
  });
});
