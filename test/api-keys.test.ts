import assert from 'node:assert/strict';
import type { ApiKeyRow } from '../src/auth/api-key.repository';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  roles: string[];
  domain: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface AuditRow {
  seq: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  decision: string;
  reason: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

const KEY_FIELDS = 'id name prefix roles domain createdBy createdAt expiresAt revokedAt lastUsedAt';
const KEY_FORMAT = /^chk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A GraphQL string literal (JSON string syntax is valid GraphQL string syntax). */
const lit = (value: unknown) => JSON.stringify(value);

describe('service API keys', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let adminId: string;

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
    const me = await app.graphql<{ me: { id: string } }>('{ me { id } }', await idp.token('admin'));
    assert.equal(me.status, 200, JSON.stringify(me.errors));
    adminId = me.data!.me.id;
  });
  after(async () => {
    await stack?.close();
  });

  /** createApiKey with literal arguments, as `user` (default admin). */
  async function create(input: { name: string; roles: string[]; domain?: string; expiresAt?: string }, user = 'admin') {
    const fields = [`name: ${lit(input.name)}`, `roles: ${lit(input.roles)}`];
    if (input.domain !== undefined) fields.push(`domain: ${lit(input.domain)}`);
    if (input.expiresAt !== undefined) fields.push(`expiresAt: ${lit(input.expiresAt)}`);
    return app.graphql<{ createApiKey: { secret: string; apiKey: ApiKey } }>(
      `mutation { createApiKey(input: { ${fields.join(', ')} }) { secret apiKey { ${KEY_FIELDS} } } }`,
      await idp.token(user),
    );
  }

  async function createOk(name: string, roles = ['service'], extra: { domain?: string } = {}): Promise<{ secret: string; apiKey: ApiKey }> {
    const res = await create({ name, roles, ...extra });
    assert.equal(res.status, 200, JSON.stringify(res.errors));
    assert.equal(res.errors, undefined);
    return res.data!.createApiKey;
  }

  async function revoke(id: string, user = 'admin') {
    return app.graphql<{ revokeApiKey: ApiKey }>(`mutation { revokeApiKey(id: ${lit(id)}) { ${KEY_FIELDS} } }`, await idp.token(user));
  }

  async function getMe(authorization?: string) {
    const res = await fetch(`${app.url}/api/v1/me`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as Record<string, unknown> };
  }

  const keyRow = async (id: string) => (await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]))[0];
  const auditFor = (requestId: string) => db.query<AuditRow>('SELECT * FROM governance_audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);
  const countKeys = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM api_keys'))[0]!.n);

  it('lets an admin create a key; the secret is returned once and matches the public prefix', async () => {
    const { secret, apiKey } = await createOk('lineage emitter');
    const match = KEY_FORMAT.exec(secret);
    assert.ok(match, `secret has the documented format: ${secret}`);
    assert.equal(apiKey.prefix, `chk_${match[1]}_`);
    assert.ok(secret.startsWith(apiKey.prefix));
    assert.equal(apiKey.name, 'lineage emitter');
    assert.deepEqual(apiKey.roles, ['service']);
    assert.equal(apiKey.domain, '*');
    assert.equal(apiKey.createdBy, adminId);
    assert.equal(apiKey.revokedAt, null);
    assert.equal(apiKey.lastUsedAt, null);
    assert.equal(apiKey.expiresAt, null);
    assert.ok(!Number.isNaN(Date.parse(apiKey.createdAt)));

    // Two keys never share a secret or a prefix.
    const other = await createOk('second emitter');
    assert.notEqual(other.secret, secret);
    assert.notEqual(other.apiKey.prefix, apiKey.prefix);
  });

  it('authenticates GET /api/v1/me with the key as a service principal', async () => {
    const { secret, apiKey } = await createOk('me checker', ['service'], { domain: 'retail' });
    const res = await getMe(`Bearer ${secret}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body['id'], apiKey.id);
    assert.equal(res.body['subject'], `apikey:${apiKey.id}`);
    assert.equal(res.body['kind'], 'service');
    assert.equal(res.body['name'], 'me checker');
    assert.equal(res.body['email'], null);
    assert.deepEqual(res.body['roles'], ['service']);
    assert.deepEqual(res.body['domains'], ['retail']);
    assert.deepEqual(res.body['roleBindings'], [{ role: 'service', domain: 'retail' }]);
  });

  it('refuses the key on POST /graphql: API keys are for ingest routes', async () => {
    const { secret } = await createOk('graphql intruder');
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ me { id roles } }' }),
    });
    const body = (await res.json()) as { data: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    assert.equal(res.status, 401);
    assert.equal(body.data, null);
    assert.equal(body.errors?.length, 1);
    assert.equal(body.errors[0]!.extensions?.code, 'UNAUTHENTICATED');
    assert.match(body.errors[0]!.message, /API keys are accepted only on ingest routes/);

    const audit = await auditFor(res.headers.get('x-request-id')!);
    assert.equal(audit.length, 1, JSON.stringify(audit));
    assert.equal(audit[0]!.action, 'authn.reject');
    assert.equal(audit[0]!.decision, 'deny');
    assert.equal(audit[0]!.target, 'graphql:Query.me');
    assert.equal(audit[0]!.details['credential'], 'api_key');
    assert.ok(!JSON.stringify(audit[0]).includes(secret), 'the audit row identifies the key by fingerprint only');
  });

  it('stores only a SHA-256 hash of the secret, nowhere the secret itself', async () => {
    const { secret, apiKey } = await createOk('hash check');
    // Use it once so every column that can be written on use has been.
    assert.equal((await getMe(`Bearer ${secret}`)).status, 200);
    const row = await keyRow(apiKey.id);
    assert.ok(row);
    assert.notEqual(row.key_hash, secret);
    assert.match(row.key_hash, /^[0-9a-f]{64}$/);
    assert.equal(row.key_hash, createHash('sha256').update(secret).digest('hex'));
    const tail = KEY_FORMAT.exec(secret)![2]!;
    const rowText = JSON.stringify(row);
    assert.ok(!rowText.includes(secret) && !rowText.includes(tail), `the secret appears in ${rowText}`);

    const leaks = await db.query<{ seq: string }>(
      `SELECT seq FROM governance_audit_events WHERE details::text LIKE '%' || $1 || '%' OR coalesce(reason, '') LIKE '%' || $1 || '%'`,
      [tail],
    );
    assert.deepEqual(leaks, [], 'no audit row contains the secret');
    const listed = await app.graphql<{ apiKeys: { nodes: Record<string, unknown>[] } }>(
      '{ apiKeys(first: 200) { nodes { id name prefix } } }',
      await idp.token('admin'),
    );
    assert.ok(!JSON.stringify(listed.data).includes(tail), 'listing never shows the secret');
  });

  it('sets last_used_at when the key is used', async () => {
    const { secret, apiKey } = await createOk('usage tracker');
    assert.equal((await keyRow(apiKey.id))!.last_used_at, null);
    const before = Date.now();
    assert.equal((await getMe(`Bearer ${secret}`)).status, 200);
    const used = (await keyRow(apiKey.id))!.last_used_at;
    assert.ok(used instanceof Date, 'last_used_at is set after the first use');
    assert.ok(Math.abs(used.getTime() - before) < 60_000, `last_used_at ${used.toISOString()} is about now`);

    const listed = await app.graphql<{ apiKeys: { nodes: ApiKey[] } }>('{ apiKeys(first: 200) { nodes { id lastUsedAt } } }', await idp.token('admin'));
    const node = listed.data!.apiKeys.nodes.find((n) => n.id === apiKey.id);
    assert.equal(node?.lastUsedAt, used.toISOString());
  });

  it('lists keys newest first and pages with first + after', async () => {
    for (const name of ['page a', 'page b', 'page c']) await createOk(name);
    const admin = await idp.token('admin');
    const all = await app.graphql<{ apiKeys: { nodes: ApiKey[]; pageInfo: { hasNextPage: boolean } } }>(
      `{ apiKeys(first: 200) { nodes { ${KEY_FIELDS} } pageInfo { hasNextPage } } }`,
      admin,
    );
    assert.equal(all.status, 200, JSON.stringify(all.errors));
    const expected = all.data!.apiKeys.nodes;
    assert.equal(all.data!.apiKeys.pageInfo.hasNextPage, false);
    assert.equal(expected.length, await countKeys());
    assert.ok(expected.length >= 3);
    const created = expected.map((k) => Date.parse(k.createdAt));
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
      'newest first',
    );
    assert.deepEqual(
      expected.slice(0, 3).map((k) => k.name),
      ['page c', 'page b', 'page a'],
    );

    // Walk the whole list one key at a time.
    type Page = { apiKeys: { nodes: ApiKey[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i <= expected.length; i++) {
      const args: string = after === null ? 'first: 1' : `first: 1, after: ${lit(after)}`;
      const page: Awaited<ReturnType<typeof app.graphql<Page>>> = await app.graphql<Page>(
        `{ apiKeys(${args}) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        admin,
      );
      assert.equal(page.status, 200, JSON.stringify(page.errors));
      const { nodes, pageInfo } = page.data!.apiKeys;
      assert.equal(nodes.length, 1);
      walked.push(nodes[0]!.id);
      assert.ok(pageInfo.endCursor);
      assert.equal(pageInfo.hasNextPage, walked.length < expected.length);
      after = pageInfo.endCursor;
      if (!pageInfo.hasNextPage) break;
    }
    assert.deepEqual(
      walked,
      expected.map((k) => k.id),
    );

    // Past the last key: an empty page.
    const beyond = await app.graphql<Page>(`{ apiKeys(first: 1, after: ${lit(after)}) { nodes { id } pageInfo { hasNextPage endCursor } } }`, admin);
    assert.deepEqual(beyond.data!.apiKeys, { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });

    // A larger page continues exactly where a smaller one stopped.
    const two = await app.graphql<Page>('{ apiKeys(first: 2) { nodes { id } pageInfo { endCursor } } }', admin);
    const rest = await app.graphql<Page>(`{ apiKeys(first: 200, after: ${lit(two.data!.apiKeys.pageInfo.endCursor)}) { nodes { id } } }`, admin);
    assert.deepEqual(
      [...two.data!.apiKeys.nodes, ...rest.data!.apiKeys.nodes].map((k) => k.id),
      expected.map((k) => k.id),
    );
  });

  it('refuses page sizes outside 1..200 and foreign cursors', async () => {
    const admin = await idp.token('admin');
    for (const first of [0, 201]) {
      const res = await app.graphql(`{ apiKeys(first: ${first}) { nodes { id } } }`, admin);
      assert.equal(res.status, 400);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(res.errors?.[0]?.extensions?.field, 'first');
    }
    const res = await app.graphql('{ apiKeys(after: "bm90LWEtY3Vyc29y") { nodes { id } } }', admin);
    assert.equal(res.status, 400);
    assert.equal(res.errors?.[0]?.extensions?.field, 'after');
  });

  it('lets a CISO list keys but not create them', async () => {
    const list = await app.graphql<{ apiKeys: { nodes: ApiKey[] } }>('{ apiKeys(first: 5) { nodes { id } } }', await idp.token('ciso'));
    assert.equal(list.status, 200, JSON.stringify(list.errors));
    const res = await create({ name: 'ciso key', roles: ['service'] }, 'ciso');
    assert.equal(res.status, 403);
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('forbids a data scientist to create keys, writes nothing and audits the denial', async () => {
    const dsId = (await app.graphql<{ me: { id: string } }>('{ me { id } }', await idp.token('ds'))).data!.me.id;
    const keysBefore = await countKeys();
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token('ds')}` },
      body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "sneaky", roles: ["admin"] }) { secret } }' }),
    });
    const body = (await res.json()) as { data: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    assert.equal(res.status, 403);
    assert.equal(body.data, null);
    assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(body.errors[0].message, /apiKey\.manage/);
    assert.equal(await countKeys(), keysBefore);
    assert.deepEqual(await db.query(`SELECT id FROM api_keys WHERE name = 'sneaky'`), []);

    const audit = await auditFor(res.headers.get('x-request-id')!);
    const denial = audit.find((r) => r.action === 'authz.check');
    assert.ok(denial, `a denial row for the request: ${JSON.stringify(audit)}`);
    assert.equal(denial.decision, 'deny');
    assert.equal(denial.actor_id, dsId);
    assert.equal(denial.target, 'graphql:Mutation.createApiKey');
    assert.equal(denial.details['permission'], 'apiKey.manage');
    assert.ok(!audit.some((r) => r.action === 'apiKey.create'));

    const revokeRes = await revoke(adminId, 'ds');
    assert.equal(revokeRes.status, 403);
    assert.equal(revokeRes.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('refuses a revoked key at once, and revoking twice keeps the first revocation', async () => {
    const { secret, apiKey } = await createOk('soon revoked');
    assert.equal((await getMe(`Bearer ${secret}`)).status, 200);

    const res = await revoke(apiKey.id);
    assert.equal(res.status, 200, JSON.stringify(res.errors));
    const revoked = res.data!.revokeApiKey;
    assert.equal(revoked.id, apiKey.id);
    assert.ok(revoked.revokedAt && !Number.isNaN(Date.parse(revoked.revokedAt)));

    const refused = await getMe(`Bearer ${secret}`);
    assert.equal(refused.status, 401);
    assert.equal(refused.body['code'], 'UNAUTHENTICATED');
    assert.match(String(refused.body['message']), /revoked/);
    const audit = await auditFor(refused.requestId!);
    assert.equal(audit[0]?.action, 'authn.reject');
    assert.equal(audit[0]?.reason, 'API key revoked');

    const row = await keyRow(apiKey.id);
    assert.equal(row!.revoked_by, adminId);
    const again = await revoke(apiKey.id);
    assert.equal(again.status, 200, JSON.stringify(again.errors));
    assert.equal(again.data!.revokeApiKey.revokedAt, revoked.revokedAt);
    assert.equal((await getMe(`Bearer ${secret}`)).status, 401);
  });

  it('answers NOT_FOUND when revoking a key that does not exist', async () => {
    const res = await revoke('00000000-0000-4000-8000-000000000000');
    assert.equal(res.status, 404);
    assert.equal(res.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const rows = await db.query(
      `SELECT seq FROM governance_audit_events WHERE action = 'apiKey.revoke' AND target = 'apikey:00000000-0000-4000-8000-000000000000'`,
    );
    assert.deepEqual(rows, [], 'no revocation is recorded for a missing key');
  });

  it('refuses an expired key, and sees an expiry changed behind its back once its 2 s cache lapses', async () => {
    const { secret, apiKey } = await createOk('expiring');
    assert.equal((await getMe(`Bearer ${secret}`)).status, 200);
    await db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiKey.id]);
    await new Promise((r) => setTimeout(r, 2_100));
    const res = await getMe(`Bearer ${secret}`);
    assert.equal(res.status, 401);
    assert.match(String(res.body['message']), /expired/);
  });

  it('refuses tampered, truncated and unknown keys with 401', async () => {
    const { secret } = await createOk('tamper target');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    const cases: { label: string; key: string; reason: RegExp }[] = [
      { label: 'last character changed', key: flip(secret, secret.length - 1), reason: /unknown API key/ },
      { label: 'a middle character changed', key: flip(secret, 30), reason: /unknown API key/ },
      { label: 'prefix changed', key: flip(secret, 5), reason: /unknown API key/ },
      { label: 'truncated', key: secret.slice(0, -1), reason: /malformed API key/ },
      { label: 'extended', key: `${secret}x`, reason: /malformed API key/ },
    ];
    for (const c of cases) {
      assert.notEqual(c.key, secret);
      const res = await getMe(`Bearer ${c.key}`);
      assert.equal(res.status, 401, c.label);
      assert.equal(res.body['code'], 'UNAUTHENTICATED', c.label);
      assert.match(String(res.body['message']), c.reason, c.label);
      const audit = await auditFor(res.requestId!);
      assert.equal(audit.length, 1, c.label);
      assert.equal(audit[0]!.action, 'authn.reject', c.label);
      assert.match(String(audit[0]!.details['fingerprint']), /^[0-9a-f]{16}$/, c.label);
      assert.ok(!JSON.stringify(audit[0]).includes(c.key), `${c.label}: the presented key is not stored`);
    }
    // The genuine key still works.
    assert.equal((await getMe(`Bearer ${secret}`)).status, 200);
  });

  const badInputs: { label: string; input: { name: string; roles: string[]; expiresAt?: string }; field: string; message: RegExp }[] = [
    { label: 'an unknown role', input: { name: 'wizard key', roles: ['wizard'] }, field: 'input.roles', message: /unknown role "wizard"/ },
    { label: 'no roles', input: { name: 'roleless key', roles: [] }, field: 'input.roles', message: /at least one role/ },
    { label: 'an empty name', input: { name: '', roles: ['service'] }, field: 'input.name', message: /name must be 1 to 200 characters/ },
    { label: 'a blank name', input: { name: '   ', roles: ['service'] }, field: 'input.name', message: /name must be/ },
    { label: 'a name over 200 characters', input: { name: 'n'.repeat(201), roles: ['service'] }, field: 'input.name', message: /name must be/ },
    {
      label: 'an expiry in the past',
      input: { name: 'stale key', roles: ['service'], expiresAt: '2020-01-01T00:00:00.000Z' },
      field: 'input.expiresAt',
      message: /future/,
    },
  ];
  for (const bad of badInputs) {
    it(`refuses ${bad.label} with BAD_USER_INPUT on ${bad.field}, writing no key`, async () => {
      const keysBefore = await countKeys();
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token('admin')}` },
        body: JSON.stringify({
          query: `mutation { createApiKey(input: { name: ${lit(bad.input.name)}, roles: ${lit(bad.input.roles)}${bad.input.expiresAt ? `, expiresAt: ${lit(bad.input.expiresAt)}` : ''} }) { secret } }`,
        }),
      });
      const body = (await res.json()) as { data: unknown; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(body.data, null);
      assert.equal(body.errors?.length, 1);
      assert.equal(body.errors[0]!.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(body.errors[0]!.extensions?.field, bad.field);
      assert.match(body.errors[0]!.message, bad.message);
      assert.equal(await countKeys(), keysBefore, 'no row written');

      // The failed mutation is audited as an error; no apiKey.create row is left behind.
      const audit = await auditFor(res.headers.get('x-request-id')!);
      assert.deepEqual(
        audit.map((r) => [r.action, r.decision]),
        [['graphql:Mutation.createApiKey', 'error']],
      );
      assert.equal(audit[0]!.details['field'], bad.field);
      assert.match(audit[0]!.reason ?? '', /^BAD_USER_INPUT: /);
    });
  }

  it('leaves one audit row per create and per revoke, in a valid chain', async () => {
    const { apiKey } = await createOk('audited');
    const revoked = await revoke(apiKey.id);
    assert.equal(revoked.status, 200);

    const rows = await db.query<AuditRow>(`SELECT * FROM governance_audit_events WHERE target = $1 ORDER BY seq`, [`apikey:${apiKey.id}`]);
    assert.deepEqual(
      rows.map((r) => [r.action, r.decision, r.actor_id]),
      [
        ['apiKey.create', 'allow', adminId],
        ['apiKey.revoke', 'allow', adminId],
      ],
    );
    assert.deepEqual(rows[0]!.details, { name: 'audited', roles: ['service'], domain: '*', expiresAt: null });
    assert.ok(
      rows.every((r) => r.request_id),
      'rows carry the request id',
    );
    assert.notEqual(rows[0]!.request_id, rows[1]!.request_id);
    // The service's own row replaces the generic mutation row.
    const generic = await db.query(`SELECT seq FROM governance_audit_events WHERE request_id = ANY($1) AND action LIKE 'graphql:%'`, [
      rows.map((r) => r.request_id),
    ]);
    assert.deepEqual(generic, []);

    // Across everything this file did: every key has exactly one create row, every revoked key one revoke row.
    const keys = await db.query<{ id: string; revoked_at: Date | null }>('SELECT id, revoked_at FROM api_keys');
    const counts = await db.query<{ target: string; action: string; n: string }>(
      `SELECT target, action, count(*) AS n FROM governance_audit_events WHERE action IN ('apiKey.create', 'apiKey.revoke') GROUP BY target, action`,
    );
    const count = (id: string, action: string) => Number(counts.find((c) => c.target === `apikey:${id}` && c.action === action)?.n ?? 0);
    for (const k of keys) {
      assert.equal(count(k.id, 'apiKey.create'), 1, `create rows for ${k.id}`);
      assert.ok(k.revoked_at ? count(k.id, 'apiKey.revoke') >= 1 : count(k.id, 'apiKey.revoke') === 0, `revoke rows for ${k.id}`);
    }

    const chain = await app.graphql<{ verifyAuditChain: { valid: boolean; problem: string | null } }>(
      '{ verifyAuditChain { valid problem } }',
      await idp.token('admin'),
    );
    assert.equal(chain.data?.verifyAuditChain.valid, true, chain.data?.verifyAuditChain.problem ?? undefined);
  });
});
