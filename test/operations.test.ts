import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTestApp, type TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INTROSPECTION = '{ __schema { queryType { name } mutationType { name } } }';

/** The value of one Prometheus sample (`name{labels} value`), or 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map<string, string>();
    for (const m of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) present.set(m[1]!, m[2]!);
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v)) return Number(match[3]);
  }
  return 0;
}

async function post(app: TestApp, query: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, requestId: res.headers.get('x-request-id'), ...body };
}

describe('operations: probes, metrics, request ids, introspection', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
  });
  after(async () => {
    await stack?.close();
  });

  const scrape = async () => {
    const res = await fetch(`${app.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('answers GET /health/live with 200 and no credentials', async () => {
    const res = await fetch(`${app.url}/health/live`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers GET /health/ready with 200 when every migration is applied', async () => {
    const res = await fetch(`${app.url}/health/ready`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', database: 'up', pendingMigrations: [] });
  });

  it('exposes HTTP, GraphQL and authorization metrics', async () => {
    const before = await scrape();
    const allow0 = sample(before, 'charter_authz_decisions_total', { outcome: 'allow' });
    const deny0 = sample(before, 'charter_authz_decisions_total', { outcome: 'deny' });
    const unauth0 = sample(before, 'charter_authz_decisions_total', { outcome: 'unauthenticated' });
    const meOk0 = sample(before, 'charter_graphql_operation_duration_seconds_count', { type: 'query', field: 'me', outcome: 'ok' });
    const graphql200 = sample(before, 'charter_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' });

    const allowed = await post(app, '{ me { id } }', await idp.token('risk'));
    assert.equal(allowed.status, 200);
    const denied = await post(app, '{ auditEvents(first: 1) { nodes { seq } } }', await idp.token('ds'));
    assert.equal(denied.status, 403);
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const anonymous = await post(app, '{ me { id } }');
    assert.equal(anonymous.status, 401);

    const metrics = await scrape();
    for (const name of ['charter_http_request_duration_seconds', 'charter_graphql_operation_duration_seconds', 'charter_authz_decisions_total']) {
      assert.match(metrics, new RegExp(`^# TYPE ${name} (histogram|counter)$`, 'm'), name);
    }
    assert.equal(sample(metrics, 'charter_authz_decisions_total', { outcome: 'allow' }), allow0 + 1);
    assert.equal(sample(metrics, 'charter_authz_decisions_total', { outcome: 'deny' }), deny0 + 1);
    assert.equal(sample(metrics, 'charter_authz_decisions_total', { outcome: 'unauthenticated' }), unauth0 + 1);
    assert.equal(sample(metrics, 'charter_graphql_operation_duration_seconds_count', { type: 'query', field: 'me', outcome: 'ok' }), meOk0 + 1);
    assert.ok(sample(metrics, 'charter_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' }) >= graphql200 + 1);
    assert.ok(sample(metrics, 'charter_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '403' }) >= 1);
    assert.ok(
      sample(metrics, 'charter_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '200' }) >= 1,
      'the previous scrape is timed',
    );
    assert.ok(sample(metrics, 'charter_process_cpu_user_seconds_total') > 0, 'default process metrics carry the charter_ prefix');
  });

  it('labels unmatched routes without leaking the requested path', async () => {
    // A POST: every GET outside the API is a web console page (the console's own router answers it).
    await fetch(`${app.url}/no/such/path/${randomUUID()}`, { method: 'POST' });
    const metrics = await scrape();
    assert.ok(sample(metrics, 'charter_http_request_duration_seconds_count', { method: 'POST', route: 'unmatched', status: '404' }) >= 1);
    assert.doesNotMatch(metrics, /no\/such\/path/);
  });

  it('gives every response an x-request-id', async () => {
    const responses = await Promise.all([
      fetch(`${app.url}/health/live`),
      fetch(`${app.url}/metrics`),
      fetch(`${app.url}/api/v1/me`),
      fetch(`${app.url}/nowhere`),
      fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) }),
      fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }),
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const [i, id] of ids.entries()) assert.match(id ?? '', UUID, `response ${i} (${responses[i]!.status}) has a generated request id`);
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
    await Promise.all(responses.map((r) => r.arrayBuffer()));
  });

  it('echoes an incoming x-request-id on REST and GraphQL responses and in error bodies', async () => {
    const restId = `ops-${randomUUID()}`;
    const rest = await fetch(`${app.url}/api/v1/me`, { headers: { 'x-request-id': restId } });
    assert.equal(rest.status, 401);
    assert.equal(rest.headers.get('x-request-id'), restId);
    assert.equal(((await rest.json()) as { requestId: string }).requestId, restId);

    const gqlId = `ops-${randomUUID()}`;
    const gql = await post(app, '{ me { id } }', await idp.token('risk'), { 'x-request-id': gqlId });
    assert.equal(gql.status, 200);
    assert.equal(gql.requestId, gqlId);
  });

  it('records the incoming request id on the audit row of a denied request', async () => {
    const requestId = `ops-${randomUUID()}`;
    const denied = await post(app, 'mutation { createApiKey(input: { name: "ops", roles: ["service"] }) { secret } }', await idp.token('ds'), {
      'x-request-id': requestId,
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.requestId, requestId);
    const rows = await db.query<{ action: string; decision: string; target: string; details: { permission?: string } }>(
      'SELECT action, decision, target, details FROM governance_audit_events WHERE request_id = $1 ORDER BY seq',
      [requestId],
    );
    const denial = rows.find((r) => r.action === 'authz.check');
    assert.ok(denial, JSON.stringify(rows));
    assert.equal(denial.decision, 'deny');
    assert.equal(denial.target, 'graphql:Mutation.createApiKey');
    assert.equal(denial.details.permission, 'apiKey.manage');

    const anonId = `ops-${randomUUID()}`;
    await (await fetch(`${app.url}/api/v1/me`, { headers: { 'x-request-id': anonId, authorization: 'Bearer nonsense' } })).arrayBuffer();
    const rejected = await db.query<{ action: string }>('SELECT action FROM governance_audit_events WHERE request_id = $1', [anonId]);
    assert.deepEqual(rejected, [{ action: 'authn.reject' }]);
  });

  it('allows introspection and serves GraphiQL outside production', async () => {
    const res = await post(app, INTROSPECTION);
    assert.equal(res.status, 200, JSON.stringify(res.errors));
    assert.deepEqual(res.data, { __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } } });
    const type = await post(app, '{ __type(name: "ApiKey") { fields { name } } }');
    const fields = ((type.data?.['__type'] as { fields: { name: string }[] }).fields ?? []).map((f) => f.name);
    assert.ok(fields.includes('prefix') && !fields.includes('secret') && !fields.includes('keyHash'), fields.join(','));
    const graphiql = await fetch(`${app.url}/graphiql`);
    assert.equal(graphiql.status, 200);
    assert.match(await graphiql.text(), /GraphiQL/);
  });

  describe('with NODE_ENV=production', () => {
    let prodDb: TestDatabase;
    let prod: TestApp;

    before(async () => {
      prodDb = await createTestDatabase();
      prod = await startTestApp(prodDb.url, idp.issuer, { NODE_ENV: 'production' });
    });
    after(async () => {
      await prod?.close();
      await prodDb?.drop();
    });

    it('runs in production mode', () => {
      assert.equal(prod.config.production, true);
    });

    it('refuses introspection with a validation error', async () => {
      for (const query of [INTROSPECTION, '{ __type(name: "ApiKey") { name } }']) {
        for (const token of [undefined, await idp.token('admin')]) {
          const res = await post(prod, query, token);
          assert.equal(res.status, 400, JSON.stringify(res));
          assert.equal(res.data, null);
          assert.equal(res.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
          assert.match(res.errors[0].message, /introspection/i);
        }
      }
    });

    it('still answers ordinary operations and __typename', async () => {
      const res = await post(prod, '{ __typename me { roles } }', await idp.token('admin'));
      assert.equal(res.status, 200, JSON.stringify(res.errors));
      assert.deepEqual(res.data, { __typename: 'Query', me: { roles: ['admin'] } });
    });

    it('does not serve GraphiQL', async () => {
      for (const path of ['/graphiql', '/graphiql/main.js']) {
        const res = await fetch(`${prod.url}${path}`);
        assert.equal(res.status, 404, path);
        const body = (await res.json()) as { code: string };
        assert.equal(body.code, 'NOT_FOUND');
      }
    });
  });
});
