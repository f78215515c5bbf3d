import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestStack, type TestStack } from './support/stack';

describe('console serving', () => {
  let stack: TestStack | undefined;
  let url: string;

  before(async () => {
    stack = await startTestStack();
    url = stack.app.url;
  });
  after(async () => {
    await stack?.close();
  });

  it('serves index.html at / and at every console page, with a content security policy', async () => {
    for (const p of ['/', '/datasets', '/datasets/wh/sales', '/datasets/postgres%3A%2F%2Fwh%3A5432/credit.features', '/auth/callback?code=x&state=y']) {
      const res = await fetch(`${url}${p}`);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(await res.text(), /<div id="root">/);
    }
  });

  it('serves fingerprinted assets gzip-compressed and cacheable for good', async () => {
    const html = await (await fetch(url)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html references a script');
    const res = await fetch(`${url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
  });

  it('never shadows the API: unknown API paths and missing files stay JSON 404s, and the API answers', async () => {
    for (const p of ['/api/nope', '/api/v1/nope', '/graphql/nope', '/health/nope', '/metrics/nope', '/assets/missing.js', '/favicon.ico']) {
      const res = await fetch(`${url}${p}`);
      assert.equal(res.status, 404, p);
      const body = (await res.json()) as { code: string; requestId: string };
      assert.equal(body.code, 'NOT_FOUND', p);
      assert.ok(body.requestId);
    }
    const malformed = await fetch(`${url}/datasets/%E0%A4%A`);
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /not a valid url/);
    assert.equal((await fetch(`${url}/health/live`)).status, 200);
    const me = await stack!.app.graphql<{ me: { email: string } }>('{ me { email } }', await stack!.idp.token('ds'));
    assert.equal(me.data?.me.email, 'ds@charter.local');
  });

  it('tells the page where to sign in', async () => {
    const res = await fetch(`${url}/api/v1/console/config`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { issuer: stack!.idp.issuer, clientId: 'charter-console', scope: 'openid profile email' });
  });
});
