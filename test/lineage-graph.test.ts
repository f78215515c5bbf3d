import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { LineageSeed } from './support/lineage-seed';
import { startTestStack, type TestStack } from './support/stack';

interface Node {
  id: string;
  type: string;
  restricted: boolean;
  namespace: string | null;
  name: string | null;
  field: string | null;
  owner: string | null;
  distance: number;
  truncated: boolean;
}
interface Edge {
  origin: string;
  destination: string;
  masking: boolean | null;
}
interface Graph {
  nodes: Node[];
  edges: Edge[];
  partial: boolean;
  continuation: string | null;
}

const NODE = 'id type restricted namespace name field owner distance truncated';
const GRAPH = `nodes { ${NODE} } edges { origin destination masking } partial continuation`;
const LINEAGE = `query($nodeId: String!, $direction: LineageDirection, $depth: Int, $asOf: DateTime, $maxNodes: Int, $after: String) {
  lineage(nodeId: $nodeId, direction: $direction, depth: $depth, asOf: $asOf, maxNodes: $maxNodes, after: $after) { ${GRAPH} } }`;

const ids = (g: { nodes: Node[] }) => g.nodes.map((n) => n.id).sort();
const edges = (g: { edges: Edge[] }) => g.edges.map((e) => `${e.origin} -> ${e.destination}`).sort();

describe('lineage graph: traversal, budgets, access, Marquez API', () => {
  let stack: TestStack | undefined;
  let app: TestApp;
  let idp: TestIdentityProvider;
  let seed: LineageSeed;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, user = 'ds') {
    return app.graphql<T>(query, await idp.token(user), variables);
  }
  async function lineage(variables: Record<string, unknown>, user = 'ds'): Promise<Graph> {
    const res = await gql<{ lineage: Graph }>(LINEAGE, variables, user);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data!.lineage;
  }

  before(async () => {
    stack = await startTestStack();
    ({ app, idp } = stack);
    seed = new LineageSeed(stack.db);
    // raw.orders -> clean_orders -> clean.orders -> aggregate -> mart.revenue -> train_churn (finance) -> ml.features
    //  raw.customers ->'                          `-> late (seen later) -> mart.late      fin:ledger ->'
    await seed.dataset('shop:raw.orders', {
      owner: 'alice',
      tags: ['PII'],
      versions: [
        { validFrom: '2024-01-01T00:00:00Z', fields: [{ name: 'id' }, { name: 'email' }] },
        { validFrom: '2024-06-01T00:00:00Z', fields: [{ name: 'id' }, { name: 'email', tags: ['PII:EMAIL_ADDRESS'] }, { name: 'amount', type: 'DECIMAL' }] },
      ],
    });
    await seed.dataset('shop:raw.customers', { owner: 'bob' });
    await seed.dataset('fin:ledger', { domain: 'finance', owner: 'carol' });
    await seed.job('etl:clean_orders', {
      inputs: ['shop:raw.orders', 'shop:raw.customers'],
      outputs: ['shop:clean.orders'],
      seenAt: '2024-01-10T00:00:00Z',
      owner: 'data-eng',
    });
    await seed.job('etl:aggregate', { inputs: ['shop:clean.orders'], outputs: ['shop:mart.revenue'], seenAt: '2024-03-01T00:00:00Z', owner: 'analytics' });
    await seed.job('etl:late', { inputs: ['shop:clean.orders'], outputs: ['shop:mart.late'], seenAt: '2024-09-01T00:00:00Z' });
    await seed.job('ml:train_churn', {
      inputs: ['shop:mart.revenue', 'fin:ledger'],
      outputs: ['ml:features'],
      domain: 'finance',
      owner: 'risk-ml',
      seenAt: '2024-07-01T00:00:00Z',
    });
    await seed.columnEdge('shop:clean.orders', 'email', 'shop:raw.orders', 'email', { masking: true });
    await seed.columnEdge('shop:clean.orders', 'amount', 'shop:raw.orders', 'amount');
    await seed.columnEdge('shop:mart.revenue', 'total', 'shop:clean.orders', 'amount');
    await seed.hub('hub:events', 150);
    await seed.chain('chain', 'c', 30);
    // Data scientists may not read the finance domain: its nodes become placeholders for them.
    const added = await gql(
      `mutation { addPolicy(input: { subject: "data_scientist", domain: "finance", object: "lineage", action: "read", effect: deny }) { id } }`,
      {},
      'admin',
    );
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    for (let i = 0; i < 100; i++) {
      const probe = await gql(`{ dataset(namespace: "fin", name: "ledger") { name } }`);
      if (probe.errors?.[0]?.extensions?.code === 'NOT_FOUND') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    await stack?.close();
  });

  it('walks downstream by job hops: depth 1 is the readers and what they write', async () => {
    const g = await lineage({ nodeId: 'dataset:shop:raw.orders', direction: 'DOWNSTREAM', depth: 1 });
    assert.deepEqual(ids(g), ['dataset:shop:clean.orders', 'dataset:shop:raw.orders', 'job:etl:clean_orders']);
    assert.deepEqual(edges(g), ['dataset:shop:raw.orders -> job:etl:clean_orders', 'job:etl:clean_orders -> dataset:shop:clean.orders']);
    assert.equal(g.partial, false);
    assert.equal(g.continuation, null);
    const root = g.nodes.find((n) => n.id === 'dataset:shop:raw.orders')!;
    assert.deepEqual({ d: root.distance, owner: root.owner, ns: root.namespace, name: root.name }, { d: 0, owner: 'alice', ns: 'shop', name: 'raw.orders' });
    assert.equal(g.nodes.find((n) => n.id === 'dataset:shop:clean.orders')!.distance, 2);
    const zero = await lineage({ nodeId: 'dataset:shop:raw.orders', direction: 'DOWNSTREAM', depth: 0 });
    assert.deepEqual(ids(zero), ['dataset:shop:raw.orders']);
  });

  it('walks upstream, with edges oriented as data flows', async () => {
    const g = await lineage({ nodeId: 'dataset:shop:mart.revenue', direction: 'UPSTREAM', depth: 2 });
    assert.deepEqual(ids(g), [
      'dataset:shop:clean.orders',
      'dataset:shop:mart.revenue',
      'dataset:shop:raw.customers',
      'dataset:shop:raw.orders',
      'job:etl:aggregate',
      'job:etl:clean_orders',
    ]);
    assert.ok(edges(g).includes('dataset:shop:raw.customers -> job:etl:clean_orders'));
    assert.ok(edges(g).includes('job:etl:aggregate -> dataset:shop:mart.revenue'));
  });

  it('walks both ways from a job: depth 0 is its own inputs and outputs', async () => {
    const g = await lineage({ nodeId: 'job:etl:aggregate', direction: 'BOTH', depth: 0 });
    assert.deepEqual(ids(g), ['dataset:shop:clean.orders', 'dataset:shop:mart.revenue', 'job:etl:aggregate']);
    const both = await lineage({ nodeId: 'dataset:shop:clean.orders', direction: 'BOTH', depth: 1 });
    assert.ok(ids(both).includes('dataset:shop:raw.orders') && ids(both).includes('dataset:shop:mart.late'));
  });

  it('answers as of a time: edges first seen later are left out, datasets at their version then', async () => {
    const query = `query($asOf: DateTime) { lineage(nodeId: "dataset:shop:raw.orders", direction: DOWNSTREAM, depth: 3, asOf: $asOf) {
      nodes { id dataset { version { validFrom } fields { name tags } } } } }`;
    type Res = { lineage: { nodes: { id: string; dataset: { version: { validFrom: string } | null; fields: { name: string; tags: string[] }[] } | null }[] } };
    const then = await gql<Res>(query, { asOf: '2024-05-01T00:00:00Z' });
    const nodes = then.data!.lineage.nodes;
    assert.deepEqual(nodes.map((n) => n.id).sort(), [
      'dataset:shop:clean.orders',
      'dataset:shop:mart.revenue',
      'dataset:shop:raw.orders',
      'job:etl:aggregate',
      'job:etl:clean_orders',
    ]);
    const raw = nodes.find((n) => n.id === 'dataset:shop:raw.orders')!.dataset!;
    assert.equal(raw.version!.validFrom, '2024-01-01T00:00:00.000Z');
    assert.deepEqual(
      raw.fields.map((f) => f.name),
      ['id', 'email'],
    );
    const now = await gql<Res>(query, {});
    assert.ok(now.data!.lineage.nodes.some((n) => n.id === 'job:etl:late'));
    const rawNow = now.data!.lineage.nodes.find((n) => n.id === 'dataset:shop:raw.orders')!.dataset!;
    assert.deepEqual(rawNow.fields, [
      { name: 'id', tags: [] },
      { name: 'email', tags: ['PII:EMAIL_ADDRESS'] },
      { name: 'amount', tags: [] },
    ]);
    const before = await lineage({ nodeId: 'dataset:shop:raw.orders', direction: 'DOWNSTREAM', depth: 3, asOf: '2023-01-01T00:00:00Z' });
    assert.deepEqual(ids(before), ['dataset:shop:raw.orders']);
  });

  it('follows column lineage, with masking, for one field or every field of a dataset', async () => {
    const query = `query($nodeId: String!, $direction: LineageDirection) { columnLineage(nodeId: $nodeId, direction: $direction, depth: 5) { ${GRAPH} } }`;
    const up = await gql<{ columnLineage: Graph }>(query, { nodeId: 'datasetField:shop:mart.revenue:total', direction: 'UPSTREAM' });
    assert.equal(up.errors, undefined, JSON.stringify(up.errors));
    assert.deepEqual(ids(up.data!.columnLineage), [
      'datasetField:shop:clean.orders:amount',
      'datasetField:shop:mart.revenue:total',
      'datasetField:shop:raw.orders:amount',
    ]);
    assert.ok(up.data!.columnLineage.nodes.every((n) => n.type === 'DATASET_FIELD'));
    const down = await gql<{ columnLineage: Graph }>(query, { nodeId: 'dataset:shop:raw.orders', direction: 'DOWNSTREAM' });
    const g = down.data!.columnLineage;
    assert.deepEqual(edges(g), [
      'datasetField:shop:clean.orders:amount -> datasetField:shop:mart.revenue:total',
      'datasetField:shop:raw.orders:amount -> datasetField:shop:clean.orders:amount',
      'datasetField:shop:raw.orders:email -> datasetField:shop:clean.orders:email',
    ]);
    assert.equal(g.edges.find((e) => e.destination === 'datasetField:shop:clean.orders:email')!.masking, true);
    const missing = await gql(query, { nodeId: 'datasetField:shop:raw.orders:nope' });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('keeps nodes the caller may not read as placeholders, with the topology beyond them', async () => {
    const g = await lineage({ nodeId: 'dataset:shop:mart.revenue', direction: 'DOWNSTREAM', depth: 2 });
    const hidden = g.nodes.filter((n) => n.restricted);
    assert.equal(hidden.length, 1);
    assert.match(hidden[0]!.id, /^job:~restricted:[0-9a-f]{20}$/);
    assert.deepEqual(
      { name: hidden[0]!.name, ns: hidden[0]!.namespace, owner: hidden[0]!.owner, type: hidden[0]!.type },
      { name: null, ns: null, owner: null, type: 'JOB' },
    );
    assert.ok(edges(g).includes(`dataset:shop:mart.revenue -> ${hidden[0]!.id}`));
    assert.ok(edges(g).includes(`${hidden[0]!.id} -> dataset:ml:features`), 'what the hidden job writes is still shown');
    // The same placeholder id in every answer; risk officers see the job itself.
    const again = await lineage({ nodeId: 'dataset:ml:features', direction: 'UPSTREAM', depth: 1 });
    assert.ok(ids(again).includes(hidden[0]!.id));
    assert.ok(!JSON.stringify(again).includes('train_churn') && !JSON.stringify(again).includes('ledger'));
    const risk = await lineage({ nodeId: 'dataset:shop:mart.revenue', direction: 'DOWNSTREAM', depth: 2 }, 'risk');
    assert.ok(ids(risk).includes('job:ml:train_churn'));
    // A start node the caller may not read does not exist for them.
    const denied = await gql(LINEAGE, { nodeId: 'dataset:fin:ledger' });
    assert.equal(denied.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('lists the impact downstream with owners, restricted nodes counted but not named', async () => {
    const query = `{ impact(nodeId: "dataset:shop:raw.orders") { root { id owner } datasets { id owner distance } jobs { id owner restricted }
      models { id } owners restrictedCount partial continuation } }`;
    type Impact = { root: Node; datasets: Node[]; jobs: Node[]; models: Node[]; owners: string[]; restrictedCount: number; partial: boolean };
    const res = await gql<{ impact: Impact }>(query);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const impact = res.data!.impact;
    assert.deepEqual(impact.root, { id: 'dataset:shop:raw.orders', owner: 'alice' });
    assert.deepEqual(impact.datasets.map((d) => d.id).sort(), [
      'dataset:ml:features',
      'dataset:shop:clean.orders',
      'dataset:shop:mart.late',
      'dataset:shop:mart.revenue',
    ]);
    assert.equal(impact.jobs.length, 4);
    assert.deepEqual(impact.owners, ['analytics', 'data-eng']);
    assert.equal(impact.restrictedCount, 1);
    assert.equal(impact.partial, false);
    const risk = await gql<{ impact: Impact }>(query, {}, 'risk');
    assert.deepEqual(risk.data!.impact.owners, ['analytics', 'data-eng', 'risk-ml']);
  });

  it('caps fan-out per node: a partial graph whose continuation brings the rest', async () => {
    const first = await lineage({ nodeId: 'dataset:hub:events', direction: 'DOWNSTREAM', depth: 1 });
    assert.equal(first.partial, true);
    assert.equal(first.nodes.filter((n) => n.type === 'JOB').length, 100);
    assert.equal(first.nodes.find((n) => n.id === 'dataset:hub:events')!.truncated, true);
    const second = await lineage({ nodeId: 'dataset:hub:events', direction: 'DOWNSTREAM', depth: 1, after: first.continuation });
    assert.equal(second.partial, false);
    assert.equal(second.nodes.filter((n) => n.type === 'JOB').length, 50);
    assert.ok(
      second.nodes.some((n) => n.id === 'dataset:hub:events'),
      'the resumed node anchors the page',
    );
    assert.equal(new Set([...ids(first), ...ids(second)]).size, 1 + 150 + 150);
  });

  it('keeps to the node budget, and pages through the rest to the same graph', async () => {
    const whole = await lineage({ nodeId: 'dataset:chain:c.0', direction: 'DOWNSTREAM', depth: 20 });
    assert.equal(whole.nodes.length, 41);
    const seen = new Set<string>();
    const seenEdges = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Graph = await lineage({ nodeId: 'dataset:chain:c.0', direction: 'DOWNSTREAM', depth: 20, maxNodes: 7, after });
      assert.ok(page.nodes.length <= 7);
      assert.equal(page.partial, page.continuation !== null);
      page.nodes.forEach((n) => seen.add(n.id));
      edges(page).forEach((e) => seenEdges.add(e));
      after = page.continuation;
      pages += 1;
    } while (after && pages < 50);
    assert.equal(after, null);
    assert.ok(pages > 5);
    assert.deepEqual([...seen].sort(), ids(whole));
    assert.deepEqual([...seenEdges].sort(), edges(whole));
  });

  it('refuses bad input with the field at fault', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ nodeId: 'table:shop:raw.orders' }, 'nodeId'],
      [{ nodeId: 'dataset:shop' }, 'nodeId'],
      [{ nodeId: 'datasetField:shop:raw.orders:email' }, 'nodeId'],
      [{ nodeId: 'dataset:shop:raw.orders', depth: 51 }, 'depth'],
      [{ nodeId: 'dataset:shop:raw.orders', depth: -1 }, 'depth'],
      [{ nodeId: 'dataset:shop:raw.orders', maxNodes: 0 }, 'maxNodes'],
      [{ nodeId: 'dataset:shop:raw.orders', after: 'garbage' }, 'after'],
      [{ nodeId: 'dataset:shop:raw.orders', asOf: 'yesterday' }, 'asOf'],
    ];
    for (const [variables, field] of cases) {
      const res = await gql(LINEAGE, variables);
      assert.equal(res.status, 400, `${JSON.stringify(variables)}: ${JSON.stringify(res.errors)}`);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      if (field !== 'asOf') assert.equal(res.errors?.[0]?.extensions?.field, field, JSON.stringify(res.errors));
    }
    // A continuation only continues the query it came from.
    const first = await lineage({ nodeId: 'dataset:hub:events', direction: 'DOWNSTREAM', depth: 1 });
    const other = await gql(LINEAGE, { nodeId: 'dataset:hub:events', direction: 'DOWNSTREAM', depth: 2, after: first.continuation });
    assert.equal(other.errors?.[0]?.extensions?.field, 'after');
    const unknown = await gql(LINEAGE, { nodeId: 'dataset:shop:nope' });
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  describe('GET /api/v1/lineage (Marquez)', () => {
    async function get(query: string, user = 'ds') {
      const res = await fetch(`${app.url}/api/v1/lineage?${query}`, { headers: { authorization: `Bearer ${await idp.token(user)}` } });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
    }

    it("answers Marquez's LineageGraph: nodes sorted by id, each with data and sorted edges", async () => {
      const res = await get(`nodeId=${encodeURIComponent('dataset:shop:clean.orders')}&depth=1`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body), ['graph']);
      const graph = res.body['graph'] as { id: string; type: string; data: Record<string, unknown> | null; inEdges: unknown[]; outEdges: unknown[] }[];
      assert.deepEqual(
        graph.map((n) => n.id),
        graph.map((n) => n.id).sort(),
      );
      for (const node of graph) assert.deepEqual(Object.keys(node), ['id', 'type', 'data', 'inEdges', 'outEdges']);
      const dataset = graph.find((n) => n.id === 'dataset:shop:raw.orders')!;
      assert.equal(dataset.type, 'DATASET');
      assert.deepEqual(Object.keys(dataset.data!).sort(), [
        'createdAt',
        'description',
        'fields',
        'id',
        'lastLifecycleState',
        'lastModifiedAt',
        'name',
        'namespace',
        'physicalName',
        'sourceName',
        'tags',
        'type',
        'updatedAt',
      ]);
      assert.deepEqual(dataset.data!['id'], { namespace: 'shop', name: 'raw.orders' });
      assert.equal(dataset.data!['type'], 'DB_TABLE');
      assert.deepEqual((dataset.data!['fields'] as unknown[])[1], { name: 'email', type: 'STRING', tags: ['PII:EMAIL_ADDRESS'], description: null });
      assert.deepEqual(dataset.outEdges, [{ origin: 'dataset:shop:raw.orders', destination: 'job:etl:clean_orders' }]);
      const job = graph.find((n) => n.id === 'job:etl:aggregate')!;
      assert.equal(job.type, 'JOB');
      assert.equal(job.data!['type'], 'BATCH');
      assert.deepEqual(job.data!['inputs'], [{ namespace: 'shop', name: 'clean.orders' }]);
      assert.deepEqual(job.data!['outputs'], [{ namespace: 'shop', name: 'mart.revenue' }]);
      assert.deepEqual(job.inEdges, [{ origin: 'dataset:shop:clean.orders', destination: 'job:etl:aggregate' }]);
      assert.equal(res.headers.get('x-charter-lineage-partial'), null);
    });

    it('shows restricted nodes with a placeholder id and null data; flags partial answers', async () => {
      const res = await get(`nodeId=${encodeURIComponent('dataset:ml:features')}&depth=1`);
      const graph = res.body['graph'] as { id: string; data: unknown }[];
      const hidden = graph.filter((n) => n.id.includes('~restricted'));
      assert.equal(hidden.length, 2, 'the finance job and the ledger it reads');
      assert.ok(hidden.every((n) => n.data === null));
      const hub = await get(`nodeId=${encodeURIComponent('dataset:hub:events')}&depth=1`);
      assert.equal(hub.status, 200);
      assert.equal(hub.headers.get('x-charter-lineage-partial'), 'true');
    });

    it('refuses bad parameters with the field at fault, and unknown nodes with 404', async () => {
      for (const [query, field] of [
        ['depth=2', 'nodeId'],
        ['nodeId=orders', 'nodeId'],
        [`nodeId=${encodeURIComponent('dataset:shop:raw.orders')}&depth=deep`, 'depth'],
        [`nodeId=${encodeURIComponent('dataset:shop:raw.orders')}&depth=99`, 'depth'],
      ] as const) {
        const res = await get(query);
        assert.equal(res.status, 400, query);
        assert.deepEqual([res.body['code'], res.body['field']], ['BAD_USER_INPUT', field], query);
      }
      assert.equal((await get(`nodeId=${encodeURIComponent('dataset:shop:nope')}`)).status, 404);
      const anonymous = await fetch(`${app.url}/api/v1/lineage?nodeId=dataset:shop:raw.orders`);
      assert.equal(anonymous.status, 401);
    });
  });
});
