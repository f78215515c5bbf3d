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
    await raw('malformed json', `${app.url}/graphql`, { method: 'POST', headers: h, body: '{"query": "{ me { id } }"' });
    await raw('malformed json no auth', `${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    await raw('valid after', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ me { id } }' }) });
    await raw('too large', `${small.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(5000) } }) });
    await raw('too large rest', `${small.url}/api/v1/me`, { method: 'POST', headers: h, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    await raw('unknown field', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ me { id shoeSize } }' }) });
    await raw('unknown input field', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"], colour: "red" }) { secret } }' }) });
    await raw('unknown input field var', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }', variables: { i: { name: 'k', roles: ['service'], colour: 'red' } } }) });
    await raw('wrong var type', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'query($n: Int!) { apiKeys(first: $n) { nodes { id } } }', variables: { n: 'ten' } }) });
    await raw('wrong literal type', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ apiKeys(first: "ten") { nodes { id } } }' }) });
    await raw('first out of range', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ apiKeys(first: 0) { nodes { id } } }' }) });
    await raw('syntax error', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ me { id ' }) });
    await raw('too deep', `${small.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ apiKeys { pageInfo { endCursor } nodes { id } } me { roleBindings { role } } }' }) });
    await raw('too deep default', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ a: __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }' }) });
    await raw('garbage token', `${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer garbage' }, body: JSON.stringify({ query: '{ me { id } }' }) });
    await raw('no token me', `${app.url}/api/v1/me`);
    await raw('garbage token me', `${app.url}/api/v1/me`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    await raw('basic me', `${app.url}/api/v1/me`, { headers: { authorization: 'Basic YTpi' } });
    await raw('unknown route', `${app.url}/api/v1/nope`);
    await raw('unknown route post', `${app.url}/nope`, { method: 'POST', headers: h, body: '{}' });
    await raw('graphql get', `${app.url}/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D`, { headers: { authorization: `Bearer ${admin}` } });
    await raw('graphql empty body', `${app.url}/graphql`, { method: 'POST', headers: h });
    await raw('graphql no query', `${app.url}/graphql`, { method: 'POST', headers: h, body: '{}' });
    await raw('graphql text/plain', `${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' }, body: '{ me { id } }' });
    await raw('graphql batched', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify([{ query: '{ me { id } }' }]) });
    await raw('query not string', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 42 }) });
    await raw('complex', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ ' + Array.from({ length: 600 }, (_, i) => `a${i}: me { id }`).join(' ') + ' }' }) });
    await raw('no token graphql', `${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
    await raw('ds createApiKey', `${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token('ds')}` }, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"] }) { secret } }' }) });
    await raw('bad cursor', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ apiKeys(after: "zzz") { nodes { id } } }' }) });
    await raw('bad cursor uuid', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: `{ apiKeys(after: "${Buffer.from('c:not-a-uuid').toString('base64url')}") { nodes { id } } }` }) });
    await raw('revoke bad id', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation { revokeApiKey(id: "nope") { id } }' }) });
    await raw('revoke unknown id', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }' }) });
    await raw('expires bad', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "k", roles: ["service"], expiresAt: "yesterday" }) { secret } }' }) });
    await raw('intro', `${app.url}/graphql`, { method: 'POST', headers: h, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
    await raw('intro no token', `${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
    await raw('graphiql', `${app.url}/graphiql`);
    await raw('metrics', `${app.url}/metrics`);
    console.log(JSON.stringify(await db.query('select seq, action, target, decision, reason, request_id, details from governance_audit_events order by seq'), null, 1));
  });
});
