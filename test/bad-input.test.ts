import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTestApp, type TestApp } from './support/app';
import { startTestIdentityProvider, type TestIdentityProvider } from './support/identity-provider';

describe('probe', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let small: TestApp;
  before(async () => {
    db = await createTestDatabase();
    idp = await startTestIdentityProvider();
    app = await startTestApp(db.url, idp.issuer);
    small = await startTestApp(db.url, idp.issuer, { BODY_LIMIT_BYTES: '2048', GRAPHQL_MAX_DEPTH: '3' });
  });
  after(async () => {
    await small?.close();
    await app?.close();
    await idp?.close();
    await db?.drop();
  });
  async function raw(label: string, url: string, init: RequestInit = {}) {
    const res = await fetch(url, init);
    const text = await res.text();
    console.log(`### ${label}: ${res.status} ${res.headers.get('content-type')} x-request-id=${res.headers.get('x-request-id')}\n${text.slice(0, 600)}`);
  }
  it('probes', async () => {
    const admin = await idp.token('admin');
    const h = { 'content-type': 'application/json', authorization: `Bearer ${admin}` };
    await raw('malformed', `${app.url}/graphql`, { method: 'POST', headers: h, body: '{' });
    await raw('too large', `${small.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(5000) } }) });
    await raw('empty', `${app.url}/graphql`, { method: 'POST', headers: h });
    await raw('{}', `${app.url}/graphql`, { method: 'POST', headers: h, body: '{}' });
    await raw('42', `${app.url}/graphql`, { method: 'POST', headers: h, body: '{"query":42}' });
    await raw('expires', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"], expiresAt: "yesterday" }) { secret } }' }) });
    await raw('cursor', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: `{ apiKeys(after: "${Buffer.from('c:not-a-uuid').toString('base64url')}") { nodes { id } } }` }) });
    console.log(JSON.stringify(await db.query('select seq, action, target, decision, reason, request_id, details from governance_audit_events order by seq'), null, 1));
  });
});
