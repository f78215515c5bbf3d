import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TransactionHost } from '../src/database/transaction-host';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

interface Day {
  day: string;
  count: number;
}
interface Models {
  models: { nodes: { name: string; predictionVolume: Day[] | null }[] };
}

const DAY_MS = 86_400_000;
const PAGE = '{ models(first: 25) { nodes { name predictionVolume { day count } } } }';

/** Model.predictionVolume: the Models page's sparklines, counted from records posted to the ingest endpoint. */
describe('prediction volume per model and day (Model.predictionVolume)', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let apiKey: string;

  const gql = async <T>(user: string, query: string) => app.graphql<T>(query, await idp.token(user));

  /** The series of one model from the Models page, by name. */
  async function volumes(user: string, query = PAGE): Promise<Map<string, Day[] | null>> {
    const r = await gql<Models>(user, query);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return new Map(r.data!.models.nodes.map((n) => [n.name, n.predictionVolume]));
  }

  /** Posts one request half per id (a record each), then moves each record `daysAgo` UTC days back, to 01:00. */
  async function seed(model: string, daysAgo: number, count: number): Promise<void> {
    const ids = Array.from({ length: count }, (_, i) => `${model}-${daysAgo}-${i}`);
    const events = ids.map((id) => ({
      specversion: '1.0',
      id,
      type: 'org.kubeflow.serving.inference.request',
      source: `http://${model}.serving/`,
      inferenceservicename: model,
      modelversion: '1',
      datacontenttype: 'application/json',
      data: { instances: [[1, 2]] },
    }));
    const res = await fetch(`${app.url}/api/v1/predictions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
    });
    assert.equal(res.status, 200, await res.text());
    await db.query(
      `UPDATE prediction_records SET first_at = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => $2) + interval '1 hour'
       WHERE model_name = $1 AND correlation_id = ANY($3::text[])`,
      [model, daysAgo, ids],
    );
  }

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
    const created = await gql<{ createApiKey: { secret: string } }>(
      'admin',
      'mutation { createApiKey(input: { name: "kserve-logger", roles: ["service"] }) { secret } }',
    );
    apiKey = created.data!.createApiKey.secret;
    for (const [name, domain] of [
      ['alpha', 'credit'],
      ['beta', 'credit'],
      ['quiet', 'credit'],
      ['gamma', 'retail'],
    ]) {
      const model = await gql('ds', `mutation { createModel(input: { name: "${name}", domain: "${domain}", riskTier: LIMITED }) { name } }`);
      assert.equal(model.errors, undefined, JSON.stringify(model.errors));
    }
    await seed('alpha', 0, 2);
    await seed('alpha', 1, 3);
    await seed('alpha', 13, 1);
    await seed('alpha', 14, 4); // a day before a 14-day window
    await seed('beta', 5, 2);
    await seed('gamma', 2, 1);
  });
  after(async () => {
    await stack?.close();
  });

  it('counts each model’s records per UTC day over the last 14 days, oldest first, every day present', async () => {
    const series = await volumes('risk');
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const expectedDays = Array.from({ length: 14 }, (_, i) => new Date(today - (13 - i) * DAY_MS).toISOString());
    const counts = (daysAgo: Record<number, number>) => Array.from({ length: 14 }, (_, i) => daysAgo[13 - i] ?? 0);

    for (const name of ['alpha', 'beta', 'quiet', 'gamma']) {
      assert.deepEqual(
        series.get(name)!.map((d) => new Date(d.day).toISOString()),
        expectedDays,
        `${name}: one entry per UTC day`,
      );
    }
    assert.deepEqual(
      series.get('alpha')!.map((d) => d.count),
      counts({ 0: 2, 1: 3, 13: 1 }),
    );
    assert.deepEqual(
      series.get('beta')!.map((d) => d.count),
      counts({ 5: 2 }),
    );
    assert.deepEqual(
      series.get('gamma')!.map((d) => d.count),
      counts({ 2: 1 }),
    );
    assert.deepEqual(
      series.get('quiet')!.map((d) => d.count),
      counts({}),
      'a model without predictions gets zeros, not an empty list',
    );
  });

  it('takes other windows, today always last', async () => {
    const week = await volumes('risk', '{ models(first: 25) { nodes { name predictionVolume(days: 2) { day count } } } }');
    assert.deepEqual(
      week.get('alpha')!.map((d) => d.count),
      [3, 2],
    );
    const long = await volumes('risk', '{ models(first: 25) { nodes { name predictionVolume(days: 90) { count } } } }');
    assert.equal(long.get('alpha')!.length, 90);
    assert.equal(
      long.get('alpha')!.reduce((sum, d) => sum + d.count, 0),
      10,
    );
  });

  it('costs one SQL statement for a whole page of models, also when a query asks for two windows', async () => {
    const host = app.app.get(TransactionHost);
    const original = host.query.bind(host);
    const statements: string[] = [];
    host.query = <T>(sql: string, params?: unknown[]): Promise<T[]> => {
      statements.push(sql);
      return original<T>(sql, params);
    };
    try {
      const series = await volumes('risk');
      assert.equal(series.size, 4);
      assert.equal(statements.filter((s) => s.includes('FROM prediction_records')).length, 1, statements.join('\n---\n'));

      statements.length = 0;
      const two = await gql<Models>('risk', '{ models(first: 25) { nodes { name a: predictionVolume(days: 7) { count } b: predictionVolume { count } } } }');
      assert.equal(two.errors, undefined, JSON.stringify(two.errors));
      assert.equal(statements.filter((s) => s.includes('FROM prediction_records')).length, 2, 'one per window');
    } finally {
      host.query = original;
    }
  });

  it('is null, not an error, for models whose domain does not grant predictions.read; per domain once granted', async () => {
    // data_owner reads models everywhere but prediction records nowhere under the default policy.
    const before = await volumes('owner');
    assert.deepEqual([...before.values()], [null, null, null, null]);

    const added = await gql(
      'admin',
      'mutation { addPolicy(input: { subject: "data_owner", domain: "credit", object: "predictions", action: "read" }) { id } }',
    );
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    let after = before;
    for (let i = 0; i < 100 && after.get('alpha') === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await volumes('owner');
    }
    assert.equal(
      after.get('alpha')!.reduce((sum, d) => sum + d.count, 0),
      6,
    );
    assert.equal(after.get('quiet')!.length, 14);
    assert.equal(after.get('gamma'), null, 'retail still does not grant predictions.read');
  });

  it('refuses a window outside 1..90 days, naming the field', async () => {
    for (const days of [0, 91, -3]) {
      const r = await gql<Models>('risk', `{ models(first: 25) { nodes { name predictionVolume(days: ${days}) { count } } } }`);
      assert.ok(r.errors && r.errors.length > 0, `days: ${days} is refused`);
      for (const e of r.errors) {
        assert.equal(e.extensions?.code, 'BAD_USER_INPUT');
        assert.equal(e.extensions?.field, 'days');
        assert.match(e.message, /days must be a whole number from 1 to 90/);
      }
    }
  });
});
