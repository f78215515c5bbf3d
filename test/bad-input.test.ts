import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, generateKeyPair } from 'jose';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const BODY_LIMIT = 2048;
const MAX_DEPTH = 4;
const MAX_COMPLEXITY = 50;

interface GraphqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; field?: string };
}

interface RawResponse {
  status: number;
  contentType: string;
  requestId: string | null;
  text: string;
  /** The parsed body; undefined when the body is not JSON. */
  json: { statusCode?: number; code?: string; message?: string; requestId?: string; data?: unknown; errors?: GraphqlError[] } | undefined;
}

async function send(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: RawResponse['json'];
  try {
    json = JSON.parse(text) as RawResponse['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', requestId: res.headers.get('x-request-id'), text, json };
}

const describeResponse = (r: RawResponse) => `${r.status} ${r.text.slice(0, 400)}`;

/** Status 4xx, a JSON body, and a stable error code on the first error. */
function assertClientError(r: RawResponse, status: number, code: string): GraphqlError {
  assert.equal(r.status, status, describeResponse(r));
  assert.match(r.contentType, /^application\/json/);
  assert.ok(r.json, `JSON body: ${r.text}`);
  const error = r.json.errors?.[0];
  assert.ok(error, `an errors array: ${r.text}`);
  assert.equal(error.extensions?.code, code, describeResponse(r));
  assert.ok(error.message.length > 0);
  assert.doesNotMatch(error.message, /Internal error/);
  return error;
}

describe('bad input is refused with a clear 4xx, and the server keeps serving', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let admin: string;

  before(async () => {
    stack = await startTestStack({
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      GRAPHQL_MAX_DEPTH: String(MAX_DEPTH),
      GRAPHQL_MAX_COMPLEXITY: String(MAX_COMPLEXITY),
    });
    ({ db, idp, app } = stack);
    admin = await idp.token('admin');
  });
  after(async () => {
    await stack?.close();
  });

  /** POST /graphql with a raw body as the admin (or the given headers). */
  const postRaw = (body: string | undefined, headers: Record<string, string> = {}) =>
    send(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, ...headers }, body });
  const post = (payload: unknown, headers: Record<string, string> = {}) => postRaw(JSON.stringify(payload), headers);

  async function stillServing(): Promise<void> {
    const ok = await post({ query: '{ me { roles } }' });
    assert.equal(ok.status, 200, describeResponse(ok));
    assert.deepEqual(ok.json?.data, { me: { roles: ['admin'] } });
  }

  const countKeys = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM api_keys'))[0]!.n);

  // --- Transport-level problems --------------------------------------------------------------

  it('answers malformed JSON with a JSON error body and keeps serving', async () => {
    const r = await postRaw('{"query": "{ me { id } }"');
    assert.match(r.contentType, /^application\/json/);
    assert.ok(r.json?.errors?.length, `a JSON error body: ${r.text}`);
    assert.equal(r.json.data, null);
    assert.ok(r.requestId);
    await stillServing();
  });

  it('answers malformed, empty and query-less GraphQL bodies with 400, not 500', async () => {
    const cases: { label: string; body: string | undefined }[] = [
      { label: 'malformed JSON', body: '{"query": "{ me { id } }"' },
      { label: 'empty body', body: undefined },
      { label: 'no query', body: '{}' },
    ];
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await postRaw(c.body);
      if (r.status !== 400 || r.json?.errors?.[0]?.extensions?.code !== 'BAD_USER_INPUT') wrong.push(`${c.label}: ${describeResponse(r)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('answers a query that is not a string with 400, not 500', async () => {
    const r = await post({ query: 42 });
    assert.equal(r.status, 400, describeResponse(r));
    await stillServing();
  });

  it('refuses a REST body over BODY_LIMIT_BYTES with 413 JSON', async () => {
    const r = await send(`${app.url}/api/v1/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT * 2) }),
    });
    assert.equal(r.status, 413, describeResponse(r));
    assert.match(r.contentType, /^application\/json/);
    assert.equal(r.json?.statusCode, 413);
    assert.match(r.json?.message ?? '', /too large/);
    assert.equal(r.json?.requestId, r.requestId);
  });

  it('refuses a GraphQL body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await post({ query: '{ me { id } }', variables: { pad: 'x'.repeat(BODY_LIMIT * 2) } });
    assertClientError(r, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('uses the PAYLOAD_TOO_LARGE code for an oversized REST body', async () => {
    const r = await send(`${app.url}/api/v1/me`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT * 2) }),
    });
    assert.equal(r.json?.code, 'PAYLOAD_TOO_LARGE');
  });

  it('accepts a GraphQL body just under BODY_LIMIT_BYTES', async () => {
    const padding = ' '.repeat(BODY_LIMIT - 200);
    const r = await post({ query: `{ me { roles } }${padding}` });
    assert.ok(Buffer.byteLength(JSON.stringify({ query: `{ me { roles } }${padding}` })) < BODY_LIMIT);
    assert.equal(r.status, 200, describeResponse(r));
  });

  it('refuses a body that is not a JSON object (batch, text/plain)', async () => {
    const batch = await post([{ query: '{ me { id } }' }]);
    assertClientError(batch, 400, 'BAD_USER_INPUT');
    const text = await postRaw('{ me { id } }', { 'content-type': 'text/plain' });
    assertClientError(text, 400, 'BAD_USER_INPUT');
    await stillServing();
  });

  // --- GraphQL document problems -------------------------------------------------------------

  it('refuses a syntax error with GRAPHQL_PARSE_FAILED', async () => {
    const error = assertClientError(await post({ query: '{ me { id ' }), 400, 'GRAPHQL_PARSE_FAILED');
    assert.match(error.message, /^Syntax Error/);
  });

  it('refuses an unknown field with 400 GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const r = await post({ query: '{ me { id shoeSize } }' });
    const error = assertClientError(r, 400, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(error.message, /"shoeSize"/);
    assert.equal(r.json?.data, null);
  });

  it('refuses an unknown input field with 400 naming it, writing nothing', async () => {
    const keysBefore = await countKeys();
    const r = await post({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"], colour: "red" }) { secret } }' });
    const error = assertClientError(r, 400, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(error.message, /"colour"/);
    assert.match(error.message, /CreateApiKeyInput/);
    assert.equal(await countKeys(), keysBefore);
  });

  it('refuses a wrongly typed argument and variable with BAD_USER_INPUT', async () => {
    const literal = await post({ query: '{ apiKeys(first: "ten") { nodes { id } } }' });
    assert.equal(literal.status, 400);
    assert.ok(
      literal.json?.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT' && /"ten"/.test(e.message)),
      literal.text,
    );

    const variable = await post({ query: 'query Keys($first: Int) { apiKeys(first: $first) { nodes { id } } }', variables: { first: 'ten' } });
    const error = assertClientError(variable, 400, 'BAD_USER_INPUT');
    assert.match(error.message, /\$first/);
    assert.match(error.message, /"ten"/);
    assert.match(error.message, /Int/);
  });

  it('accepts operations with required (non-null) variables', async () => {
    const r = await post({ query: 'query Keys($first: Int!) { apiKeys(first: $first) { nodes { id } } }', variables: { first: 5 } });
    assert.equal(r.status, 200, describeResponse(r));
  });

  it('uses the declared default of a non-null variable left out, on every run (graphql-jit compiles from the second)', async () => {
    const query = 'query KeysDefault($first: Int! = 3, $withIds: Boolean! = true) { apiKeys(first: $first) { nodes { id @include(if: $withIds) } } }';
    for (let run = 1; run <= 3; run++) {
      const r = await post({ query });
      assert.equal(r.status, 200, `run ${run}: ${describeResponse(r)}`);
      assert.equal(r.json?.errors, undefined, `run ${run}: ${describeResponse(r)}`);
    }
    const explicitNull = await post({ query, variables: { first: null } });
    assertClientError(explicitNull, 400, 'BAD_USER_INPUT');
  });

  it(`refuses a query deeper than GRAPHQL_MAX_DEPTH (${MAX_DEPTH}) and accepts one at the limit`, async () => {
    const atLimit = await post({ query: '{ __schema { types { fields { name } } } }' });
    assert.equal(atLimit.status, 200, describeResponse(atLimit));
    const tooDeep = await post({ query: '{ __schema { types { fields { type { name } } } } }' });
    const error = assertClientError(tooDeep, 400, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(error.message, new RegExp(`depth \\(5\\) exceeds the query depth limit of ${MAX_DEPTH}`));
    assert.equal(tooDeep.json?.data, null);
  });

  it(`refuses a query over GRAPHQL_MAX_COMPLEXITY (${MAX_COMPLEXITY}) with QUERY_TOO_COMPLEX`, async () => {
    // Each `mN: me { id }` costs 2 with the simple estimator.
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: me { id }`).join(' ')} }`;
    const atLimit = await post({ query: aliases(MAX_COMPLEXITY / 2) });
    assert.equal(atLimit.status, 200, describeResponse(atLimit));
    const tooComplex = await post({ query: aliases(MAX_COMPLEXITY / 2 + 1) });
    const error = assertClientError(tooComplex, 400, 'QUERY_TOO_COMPLEX');
    assert.match(error.message, new RegExp(`query complexity ${MAX_COMPLEXITY + 2} exceeds the limit of ${MAX_COMPLEXITY}`));
  });

  // --- Bad values that reach the services ----------------------------------------------------

  it('refuses ids and cursors that are not UUIDs with BAD_USER_INPUT, not 500', async () => {
    const cursor = Buffer.from('c:not-a-uuid', 'utf8').toString('base64url');
    const list = await post({ query: `{ apiKeys(after: "${cursor}") { nodes { id } } }` });
    assertClientError(list, 400, 'BAD_USER_INPUT');
    const revoke = await post({ query: 'mutation { revokeApiKey(id: "nope") { id } }' });
    assertClientError(revoke, 400, 'BAD_USER_INPUT');
  });

  it('refuses an invalid date with BAD_USER_INPUT, not 500', async () => {
    const keysBefore = await countKeys();
    const r = await post({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"], expiresAt: "yesterday" }) { secret } }' });
    assert.equal(r.status, 400, describeResponse(r));
    assert.equal(r.json?.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(await countKeys(), keysBefore);
  });

  // --- Credentials ---------------------------------------------------------------------------

  async function rejectRows(requestId: string) {
    return db.query<{ action: string; decision: string; target: string; reason: string; details: Record<string, unknown> }>(
      'SELECT action, decision, target, reason, details FROM governance_audit_events WHERE request_id = $1 ORDER BY seq',
      [requestId],
    );
  }

  it('refuses a garbage bearer token with 401 UNAUTHENTICATED and an authn.reject audit row', async () => {
    const r = await post({ query: '{ me { id } }' }, { authorization: 'Bearer garbage' });
    const error = assertClientError(r, 401, 'UNAUTHENTICATED');
    assert.match(error.message, /invalid access token/);
    assert.equal(r.json?.data, null);
    const rows = await rejectRows(r.requestId!);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0]!.action, 'authn.reject');
    assert.equal(rows[0]!.decision, 'deny');
    assert.equal(rows[0]!.target, 'graphql:Query.me');
    assert.match(rows[0]!.reason, /malformed token/);
    assert.match(String(rows[0]!.details['fingerprint']), /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(rows[0]).includes('garbage'), 'the token itself is not stored');
  });

  it('refuses a token signed by an unknown key with 401 and audits the claimed issuer', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'dev-admin', groups: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key', typ: 'at+jwt' })
      .setIssuer(idp.issuer)
      .setAudience('charter')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const r = await post({ query: '{ me { id } }' }, { authorization: `Bearer ${forged}` });
    assertClientError(r, 401, 'UNAUTHENTICATED');
    const rows = await rejectRows(r.requestId!);
    assert.equal(rows[0]?.action, 'authn.reject');
    assert.equal(rows[0].reason, 'unknown signing key');
    assert.deepEqual((rows[0].details['unverified'] as Record<string, unknown>)['kid'], 'attacker-key');
    assert.ok(!JSON.stringify(rows[0]).includes(forged));
  });

  it('answers GET /api/v1/me without a token with 401 JSON { statusCode, code, message, requestId }', async () => {
    const r = await send(`${app.url}/api/v1/me`);
    assert.equal(r.status, 401);
    assert.match(r.contentType, /^application\/json/);
    assert.ok(r.requestId);
    assert.deepEqual(r.json, { statusCode: 401, code: 'UNAUTHENTICATED', message: 'missing bearer token', requestId: r.requestId });
    const rows = await rejectRows(r.requestId);
    assert.deepEqual(
      rows.map((row) => [row.action, row.target, row.reason]),
      [['authn.reject', 'http:GET /api/v1/me', 'missing bearer token']],
    );
  });

  it('answers a non-Bearer authorization scheme with 401 JSON', async () => {
    const r = await send(`${app.url}/api/v1/me`, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    assert.equal(r.status, 401);
    assert.equal(r.json?.code, 'UNAUTHENTICATED');
    assert.match(r.json?.message ?? '', /not "Bearer <token>"/);
  });

  // --- Routing -------------------------------------------------------------------------------

  it('answers an unknown route with 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/nope'],
      ['DELETE', '/graphql'],
    ] as const) {
      const r = await send(`${app.url}${path}`, method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{}' } : { method });
      assert.equal(r.status, 404, `${method} ${path}: ${describeResponse(r)}`);
      assert.match(r.contentType, /^application\/json/);
      assert.equal(r.json?.statusCode, 404);
      assert.equal(r.json?.code, 'NOT_FOUND');
      assert.match(r.json?.message ?? '', new RegExp(`${method} ${path}`));
      assert.equal(r.json?.requestId, r.requestId);
    }
  });
});
