import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

// The spec's own facet examples (test/fixtures/openlineage/SOURCE.md names their source).
const EXAMPLES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'openlineage');
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/client/python';
const NS = 'SnowflakeOpenLineage';
const facet = (name: string, body: Record<string, unknown>) => ({
  _producer: PRODUCER,
  _schemaURL: `https://openlineage.io/spec/facets/1-0-0/${name}.json#/$defs/${name}`,
  ...body,
});
const schema = (...fields: string[]) => ({ schema: facet('SchemaDatasetFacet', { fields: fields.map((name) => ({ name, type: 'VARCHAR' })) }) });

interface Dataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
}

function runEvent(runId: string, eventType: string, eventTime: string, job: string, inputs: Dataset[], outputs: Dataset[]) {
  return {
    eventType,
    eventTime,
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId },
    job: { namespace: NS, name: job },
    inputs,
    outputs,
  };
}

/** Graph queries over events posted to the real ingest endpoint, built from the spec's own facet examples. */
describe('lineage graph over ingested OpenLineage events', () => {
  let stack: TestStack | undefined;
  let app: TestApp;
  let idp: TestIdentityProvider;

  async function post(event: unknown) {
    const res = await fetch(`${app.url}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token('ingest')}` },
      body: JSON.stringify(event),
    });
    assert.equal(res.status, 201, await res.text());
  }
  async function gql<T>(query: string) {
    const res = await app.graphql<T>(query, await idp.token('ds'));
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data!;
  }

  before(async () => {
    stack = await startTestStack();
    ({ app, idp } = stack);
    const columnLineage = (JSON.parse(readFileSync(path.join(EXAMPLES, 'column-lineage-facet.json'), 'utf8')) as { columnLineage: Record<string, unknown> })
      .columnLineage;
    // The spec's OwnershipDatasetFacet example (spec/tests/OwnershipDatasetFacet/1.json).
    const ownership = { ownership: facet('OwnershipDatasetFacet', { owners: [{ name: 'owner' }] }) };
    const report = { namespace: NS, name: 'REPORT', facets: { ...ownership, columnLineage: facet('ColumnLineageDatasetFacet', columnLineage) } };
    const first = runEvent(
      '0190c1a8-0000-7000-8000-000000000001',
      'COMPLETE',
      '2024-05-01T10:05:00Z',
      'discounts_report',
      [
        { namespace: NS, name: 'CUSTOMERS', facets: schema('ID', 'NAME') },
        { namespace: NS, name: 'DISCOUNTS' },
      ],
      [report],
    );
    // Months later the customers table gains a column, and a new job exports the report.
    const second = runEvent(
      '0190c1a8-0000-7000-8000-000000000002',
      'COMPLETE',
      '2024-08-01T10:05:00Z',
      'discounts_report',
      [
        { namespace: NS, name: 'CUSTOMERS', facets: schema('ID', 'NAME', 'EMAIL') },
        { namespace: NS, name: 'DISCOUNTS' },
      ],
      [report],
    );
    const exportEvent = {
      ...runEvent('0190c1a8-0000-7000-8000-000000000003', 'COMPLETE', '2024-08-02T00:00:00Z', 'report_export', [{ namespace: NS, name: 'REPORT' }], []),
      outputs: [{ namespace: 's3://exports', name: 'report.csv' }],
    };
    for (const event of [first, second, exportEvent, first]) await post(event);
  });
  after(async () => {
    await stack?.close();
  });

  it('walks what ingest stored, URI namespaces included', async () => {
    const { lineage } = await gql<{ lineage: { nodes: { id: string }[] } }>(
      `{ lineage(nodeId: "dataset:${NS}:CUSTOMERS", direction: DOWNSTREAM, depth: 2) { nodes { id } } }`,
    );
    assert.deepEqual(lineage.nodes.map((n) => n.id).sort(), [
      `dataset:${NS}:CUSTOMERS`,
      `dataset:${NS}:REPORT`,
      'dataset:s3://exports:report.csv',
      `job:${NS}:discounts_report`,
      `job:${NS}:report_export`,
    ]);
    const up = await gql<{ lineage: { nodes: { id: string }[] } }>(
      `{ lineage(nodeId: "dataset:s3://exports:report.csv", direction: UPSTREAM, depth: 1) { nodes { id } } }`,
    );
    assert.deepEqual(up.lineage.nodes.map((n) => n.id).sort(), [`dataset:${NS}:REPORT`, 'dataset:s3://exports:report.csv', `job:${NS}:report_export`]);
  });

  it('answers as of a time with the schema version and edges of then', async () => {
    const query = (asOf: string) => `{ lineage(nodeId: "dataset:${NS}:CUSTOMERS", direction: DOWNSTREAM, depth: 2, asOf: "${asOf}") {
      nodes { id dataset { fields { name } } } } }`;
    type Res = { lineage: { nodes: { id: string; dataset: { fields: { name: string }[] } | null }[] } };
    const then = await gql<Res>(query('2024-06-01T00:00:00Z'));
    assert.ok(!then.lineage.nodes.some((n) => n.id === `job:${NS}:report_export`), 'the export job did not exist yet');
    const customersThen = then.lineage.nodes.find((n) => n.id === `dataset:${NS}:CUSTOMERS`)!.dataset!;
    assert.deepEqual(
      customersThen.fields.map((f) => f.name),
      ['ID', 'NAME'],
    );
    const now = await gql<Res>(query('2025-01-01T00:00:00Z'));
    assert.deepEqual(
      now.lineage.nodes.find((n) => n.id === `dataset:${NS}:CUSTOMERS`)!.dataset!.fields.map((f) => f.name),
      ['ID', 'NAME', 'EMAIL'],
    );
  });

  it('follows the columnLineage facet field by field', async () => {
    const { columnLineage } = await gql<{ columnLineage: { edges: { origin: string; destination: string }[] } }>(
      `{ columnLineage(nodeId: "datasetField:${NS}:REPORT:NAME", direction: UPSTREAM, depth: 3) { edges { origin destination } } }`,
    );
    assert.deepEqual(columnLineage.edges.map((e) => e.origin).sort(), [
      `datasetField:${NS}:CUSTOMERS:ID`,
      `datasetField:${NS}:CUSTOMERS:NAME`,
      `datasetField:${NS}:DISCOUNTS:CUSTOMERS_ID`,
    ]);
  });

  it('lists the impact of a source table with the owners ingest recorded', async () => {
    const { impact } = await gql<{ impact: { datasets: { id: string; owner: string | null }[]; jobs: { id: string }[]; owners: string[] } }>(
      `{ impact(nodeId: "dataset:${NS}:DISCOUNTS") { datasets { id owner } jobs { id } owners } }`,
    );
    assert.deepEqual(impact.datasets.map((d) => d.id).sort(), [`dataset:${NS}:REPORT`, 'dataset:s3://exports:report.csv']);
    assert.equal(impact.jobs.length, 2);
    assert.deepEqual(impact.owners, ['owner']);
  });

  it('serves the Marquez lineage endpoint from ingested data', async () => {
    const res = await fetch(`${app.url}/api/v1/lineage?nodeId=${encodeURIComponent(`job:${NS}:discounts_report`)}&depth=0`, {
      headers: { authorization: `Bearer ${await idp.token('ds')}` },
    });
    const body = (await res.json()) as { graph: { id: string; type: string; data: Record<string, unknown> }[] };
    assert.equal(res.status, 200);
    assert.deepEqual(
      body.graph.map((n) => `${n.type} ${n.id}`),
      [`DATASET dataset:${NS}:CUSTOMERS`, `DATASET dataset:${NS}:DISCOUNTS`, `DATASET dataset:${NS}:REPORT`, `JOB job:${NS}:discounts_report`],
    );
    const job = body.graph.find((n) => n.type === 'JOB')!.data;
    assert.deepEqual(job['outputs'], [{ namespace: NS, name: 'REPORT' }]);
    const latestRun = job['latestRun'] as { id: string; state: string; startedAt: string | null; endedAt: string };
    assert.deepEqual([latestRun.id, latestRun.state, latestRun.startedAt], ['0190c1a8-0000-7000-8000-000000000002', 'COMPLETED', null]);
  });
});
