import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { LineageSeed } from './support/lineage-seed';
import { startTestStack, type TestStack } from './support/stack';

interface Dataset {
  nodeId: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  tags: string[];
  fields: { name: string; type: string | null; tags: string[] }[];
  version: { validFrom: string } | null;
}
interface Page {
  nodes: { nodeId: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const DATASET = 'nodeId namespace name domain owner tags fields { name type tags } version { validFrom }';
const RUN_ID = '5f0c9a7e-0000-4000-8000-00000000a001';

describe('lineage catalog: datasets, jobs, runs and their curation', () => {
  let stack: TestStack | undefined;
  let app: TestApp;
  let db: TestDatabase;
  let idp: TestIdentityProvider;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}, user = 'ds') {
    return app.graphql<T>(query, await idp.token(user), variables);
  }

  before(async () => {
    stack = await startTestStack();
    ({ app, db, idp } = stack);
    const seed = new LineageSeed(db);
    await seed.dataset('shop:raw.orders', {
      owner: 'alice',
      tags: ['PII'],
      versions: [
        { validFrom: '2024-01-01T00:00:00Z', fields: [{ name: 'id' }] },
        { validFrom: '2024-06-01T00:00:00Z', fields: [{ name: 'id' }, { name: 'email', tags: ['PII:EMAIL_ADDRESS'] }] },
      ],
    });
    await seed.dataset('shop:raw.customers', { owner: 'bob' });
    await seed.dataset('shop:raw_payments', { owner: 'alice' });
    await seed.dataset('shop:clean.orders', { tags: ['GOLD'] });
    await seed.dataset('fin:ledger', { domain: 'finance', owner: 'alice', tags: ['PII'] });
    await seed.job('etl:clean_orders', {
      inputs: ['shop:raw.orders'],
      outputs: ['shop:clean.orders'],
      owner: 'data-eng',
      jobType: 'TASK',
      facets: { jobType: { processingType: 'BATCH', jobType: 'TASK' }, sourceCodeLocation: { url: 'https://git.example.com/etl' } },
    });
    await seed.run('etl:clean_orders', RUN_ID, {
      inputs: ['shop:raw.orders'],
      outputs: ['shop:clean.orders'],
      startedAt: '2024-07-01T10:00:00Z',
      endedAt: '2024-07-01T10:05:00Z',
    });
    // The probe below waits for the reload that follows the second policy, which sees both.
    const addedManage = await gql(
      `mutation { addPolicy(input: { subject: "data_owner", domain: "vault", object: "lineage", action: "manage", effect: deny }) { id } }`,
      {},
      'admin',
    );
    assert.equal(addedManage.errors, undefined, JSON.stringify(addedManage.errors));
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

  it('reads a dataset now and as of a time, with field tags', async () => {
    const now = await gql<{ dataset: Dataset }>(`{ dataset(namespace: "shop", name: "raw.orders") { ${DATASET} } }`);
    assert.equal(now.errors, undefined, JSON.stringify(now.errors));
    assert.deepEqual(now.data!.dataset, {
      nodeId: 'dataset:shop:raw.orders',
      namespace: 'shop',
      name: 'raw.orders',
      domain: '*',
      owner: 'alice',
      tags: ['PII'],
      fields: [
        { name: 'id', type: 'STRING', tags: [] },
        { name: 'email', type: 'STRING', tags: ['PII:EMAIL_ADDRESS'] },
      ],
      version: { validFrom: '2024-06-01T00:00:00.000Z' },
    });
    const then = await gql<{ dataset: Dataset }>(
      `{ dataset(namespace: "shop", name: "raw.orders", asOf: "2024-03-01T00:00:00Z") { fields { name } version { validFrom } } }`,
    );
    assert.deepEqual(then.data!.dataset, { fields: [{ name: 'id' }], version: { validFrom: '2024-01-01T00:00:00.000Z' } });
    const hidden = await gql(`{ dataset(namespace: "fin", name: "ledger") { name } }`);
    assert.equal(hidden.errors?.[0]?.extensions?.code, 'NOT_FOUND', 'a dataset the caller may not read does not exist for them');
  });

  it('searches datasets by namespace, name prefix, tag (dataset or field), owner, and pages by cursor', async () => {
    const search = async (args: string, user = 'ds') => {
      const res = await gql<{ datasets: Page }>(`{ datasets(${args}) { nodes { nodeId } pageInfo { hasNextPage endCursor } } }`, {}, user);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      return res.data!.datasets;
    };
    const names = (p: Page) => p.nodes.map((n) => n.nodeId);
    assert.deepEqual(names(await search('namespace: "shop", namePrefix: "raw."')), ['dataset:shop:raw.customers', 'dataset:shop:raw.orders']);
    assert.deepEqual(names(await search('namePrefix: "raw_"')), ['dataset:shop:raw_payments'], 'LIKE wildcards in the prefix are literal');
    assert.deepEqual(names(await search('tag: "PII:EMAIL_ADDRESS"')), ['dataset:shop:raw.orders'], 'a field tag finds its dataset');
    assert.deepEqual(names(await search('tag: "PII"')), ['dataset:shop:raw.orders'], 'finance datasets are hidden from data scientists');
    assert.deepEqual(names(await search('tag: "PII"', 'risk')), ['dataset:fin:ledger', 'dataset:shop:raw.orders']);
    assert.deepEqual(names(await search('owner: "alice"')), ['dataset:shop:raw.orders', 'dataset:shop:raw_payments']);
    await db.query(`UPDATE lineage_datasets SET sensitivity = 'confidential' WHERE name = 'raw.orders'`);
    assert.deepEqual(names(await search('sensitivity: CONFIDENTIAL')), ['dataset:shop:raw.orders']);
    const withSensitivity = await gql<{ datasets: { nodes: { sensitivity: string }[] } }>('{ datasets(namePrefix: "raw.orders") { nodes { sensitivity } } }');
    assert.deepEqual(withSensitivity.data!.datasets.nodes, [{ sensitivity: 'CONFIDENTIAL' }]);
    const all: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await search(`first: 2${after ? `, after: ${JSON.stringify(after)}` : ''}`);
      assert.ok(page.nodes.length <= 2);
      all.push(...names(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(all, ['dataset:shop:clean.orders', 'dataset:shop:raw.customers', 'dataset:shop:raw.orders', 'dataset:shop:raw_payments']);
    await db.query(`UPDATE lineage_datasets SET updated_at = now() + interval '1 minute' WHERE name = 'raw.customers'`);
    assert.equal(names(await search('sort: UPDATED_AT, first: 1'))[0], 'dataset:shop:raw.customers');
    const bad = await gql(`{ datasets(sort: UPDATED_AT, after: ${JSON.stringify(after)}) { nodes { nodeId } } }`);
    assert.equal(bad.errors?.[0]?.extensions?.field, 'after', 'a cursor of another sort is refused');
  });

  it('reads a job with its latest run, and a run with what it read and wrote', async () => {
    const job = await gql<{ job: Record<string, unknown> }>(`{ job(namespace: "etl", name: "clean_orders") {
      nodeId owner jobType processingType location version { validFrom }
      latestRun { id state startedAt endedAt job { id } inputs { dataset { id } versionId } outputs { dataset { id } } } } }`);
    assert.equal(job.errors, undefined, JSON.stringify(job.errors));
    assert.deepEqual(job.data!.job, {
      nodeId: 'job:etl:clean_orders',
      owner: 'data-eng',
      jobType: 'TASK',
      processingType: 'BATCH',
      location: 'https://git.example.com/etl',
      version: { validFrom: '2024-01-01T00:00:00.000Z' },
      latestRun: {
        id: RUN_ID,
        state: 'COMPLETE',
        startedAt: '2024-07-01T10:00:00.000Z',
        endedAt: '2024-07-01T10:05:00.000Z',
        job: { id: 'job:etl:clean_orders' },
        inputs: [
          { dataset: { id: 'dataset:shop:raw.orders' }, versionId: (job.data!.job['latestRun'] as { inputs: { versionId: string }[] }).inputs[0]!.versionId },
        ],
        outputs: [{ dataset: { id: 'dataset:shop:clean.orders' } }],
      },
    });
    const run = await gql<{ run: { id: string; inputs: unknown[] } }>(`query($id: ID!) { run(id: $id) { id inputs { dataset { id } } } }`, {
      id: RUN_ID.toUpperCase(),
    });
    assert.equal(run.data!.run.id, RUN_ID);
    const badId = await gql(`{ run(id: "42") { id } }`);
    assert.equal(badId.errors?.[0]?.extensions?.field, 'id');
    const missing = await gql(`{ job(namespace: "etl", name: "nope") { nodeId } }`);
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('sets tags on a dataset and on a field, audited with before and after', async () => {
    const set = await gql<{ setDatasetTags: Dataset }>(
      `mutation { setDatasetTags(input: { namespace: "shop", name: "raw.orders", tags: ["PII", "GOLD", "PII"] }) { tags } }`,
      {},
      'owner',
    );
    assert.equal(set.errors, undefined, JSON.stringify(set.errors));
    assert.deepEqual(set.data!.setDatasetTags.tags, ['GOLD', 'PII']);
    const field = await gql<{ setDatasetTags: Dataset }>(
      `mutation { setDatasetTags(input: { namespace: "shop", name: "raw.orders", field: "id", tags: ["KEY"] }) { fields { name tags } } }`,
      {},
      'owner',
    );
    assert.deepEqual(field.data!.setDatasetTags.fields[0], { name: 'id', tags: ['KEY'] });
    const audit = await db.query<{ action: string; target: string; decision: string; details: { before: string[]; after: string[] } }>(
      `SELECT action, target, decision, details FROM governance_audit_events WHERE action = 'lineage.dataset.setTags' ORDER BY seq`,
    );
    assert.deepEqual(
      audit.map((a) => [a.target, a.decision, a.details.before, a.details.after]),
      [
        ['dataset:shop:raw.orders', 'allow', ['PII'], ['GOLD', 'PII']],
        ['datasetField:shop:raw.orders:id', 'allow', [], ['KEY']],
      ],
    );
    for (const [input, field] of [
      ['namespace: "shop", name: "raw.orders", tags: ["has space"]', 'input.tags.0'],
      ['namespace: "shop", name: "raw.orders", field: "nope", tags: []', null],
    ] as const) {
      const res = await gql(`mutation { setDatasetTags(input: { ${input} }) { name } }`, {}, 'owner');
      assert.ok(res.errors, input);
      if (field) assert.equal(res.errors[0]!.extensions?.field, field);
      else assert.equal(res.errors[0]!.extensions?.code, 'NOT_FOUND');
    }
  });

  it('sets owners and domains, needing lineage.manage in both domains of a move', async () => {
    const owner = await gql<{ setDatasetOwner: Dataset }>(
      `mutation { setDatasetOwner(input: { namespace: "shop", name: "raw.customers", owner: "dana" }) { owner } }`,
      {},
      'owner',
    );
    assert.equal(owner.data!.setDatasetOwner.owner, 'dana');
    const cleared = await gql<{ setJobOwner: { owner: string | null } }>(
      `mutation { setJobOwner(input: { namespace: "etl", name: "clean_orders", owner: null }) { owner } }`,
      {},
      'owner',
    );
    assert.equal(cleared.data!.setJobOwner.owner, null);
    const moved = await gql<{ setDatasetDomain: Dataset }>(
      `mutation { setDatasetDomain(input: { namespace: "shop", name: "raw.customers", domain: "retail" }) { domain } }`,
      {},
      'owner',
    );
    assert.equal(moved.data!.setDatasetDomain.domain, 'retail');
    const intoVault = await gql(`mutation { setDatasetDomain(input: { namespace: "shop", name: "raw.customers", domain: "vault" }) { domain } }`, {}, 'owner');
    assert.equal(intoVault.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const rows = await db.query<{ domain: string }>(`SELECT domain FROM lineage_datasets WHERE name = 'raw.customers'`);
    assert.equal(rows[0]!.domain, 'retail', 'a refused change writes nothing');
    const audit = await db.query<{ action: string; decision: string }>(
      `SELECT action, decision FROM governance_audit_events WHERE action LIKE 'lineage.%' OR action = 'graphql:Mutation.setDatasetDomain' ORDER BY seq`,
    );
    assert.deepEqual(audit.slice(-4), [
      { action: 'lineage.dataset.setOwner', decision: 'allow' },
      { action: 'lineage.job.setOwner', decision: 'allow' },
      { action: 'lineage.dataset.setDomain', decision: 'allow' },
      { action: 'graphql:Mutation.setDatasetDomain', decision: 'error' },
    ]);
    const notAllowed = await gql(`mutation { setDatasetOwner(input: { namespace: "shop", name: "raw.orders", owner: "me" }) { owner } }`, {}, 'ds');
    assert.equal(notAllowed.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'data scientists do not curate');
    const badDomain = await gql(`mutation { setJobDomain(input: { namespace: "etl", name: "clean_orders", domain: "" }) { domain } }`, {}, 'owner');
    assert.equal(badDomain.errors?.[0]?.extensions?.field, 'input.domain');
  });
});
