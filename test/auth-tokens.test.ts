import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, base64url, decodeJwt } from 'jose';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const ME = '{ me { id email roles } }';

describe('access tokens from a real OpenID provider', () => {
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

  /** Signs claims with the provider's own key, so only the named defect makes the token bad. */
  async function forge(overrides: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { key, kid } = await idp.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: 'dev-admin', email: 'admin@charter.local', groups: ['admin'], ...overrides })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt', ...header })
      .setIssuer(typeof overrides['iss'] === 'string' ? overrides['iss'] : idp.issuer)
      .setAudience((overrides['aud'] as string) ?? 'charter')
      .setIssuedAt(now - 10)
      .setExpirationTime((overrides['exp'] as number) ?? now + 300)
      .sign(key);
  }

  /** A token that is right in every claim, signed by a key and header of the test's choosing. */
  function signedWith(key: Parameters<SignJWT['sign']>[0], header: { alg: string; kid: string }): Promise<string> {
    return new SignJWT({ sub: 'dev-admin', groups: ['admin'] })
      .setProtectedHeader(header)
      .setIssuer(idp.issuer)
      .setAudience('charter')
      .setExpirationTime('5m')
      .sign(key);
  }

  async function expectRejected(token: string, reason: RegExp): Promise<void> {
    const before = await db.query<{ n: string }>(`SELECT count(*) AS n FROM governance_audit_events WHERE action = 'authn.reject'`);
    const res = await app.graphql(ME, token);
    assert.equal(res.status, 401);
    assert.equal(res.data, null);
    assert.equal(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.match(res.errors[0].message, reason);
    const rows = await db.query<{ reason: string; decision: string; target: string; details: { fingerprint?: string } }>(
      `SELECT reason, decision, target, details FROM governance_audit_events WHERE action = 'authn.reject' ORDER BY seq DESC LIMIT 1`,
    );
    const after = await db.query<{ n: string }>(`SELECT count(*) AS n FROM governance_audit_events WHERE action = 'authn.reject'`);
    assert.equal(Number(after[0]!.n), Number(before[0]!.n) + 1, 'exactly one audit row per rejected token');
    assert.match(rows[0]!.reason, reason);
    assert.equal(rows[0]!.decision, 'deny');
    assert.equal(rows[0]!.target, 'graphql:Query.me');
    assert.match(rows[0]!.details.fingerprint ?? '', /^[0-9a-f]{16}$/, 'the token is identified by fingerprint, never stored');
  }

  it('accepts a token issued by the provider and creates the principal on first sight', async () => {
    const res = await app.graphql<{ me: { id: string; email: string; roles: string[] } }>(ME, await idp.token('risk'));
    assert.equal(res.status, 200);
    assert.equal(res.data?.me.email, 'risk@charter.local');
    assert.deepEqual(res.data?.me.roles, ['risk_officer']);
    const rows = await db.query<{ subject: string; email: string; idp_groups: string[] }>(`SELECT subject, email, idp_groups FROM principals WHERE id = $1`, [
      res.data.me.id,
    ]);
    assert.deepEqual(rows[0], { subject: 'dev-risk', email: 'risk@charter.local', idp_groups: ['risk_officer'] });
  });

  it('accepts a forged-but-correct token, proving the forge helper only breaks what a test names', async () => {
    const res = await app.graphql(ME, await forge({}));
    assert.equal(res.status, 200, JSON.stringify(res.errors));
  });

  it('rejects an expired token (beyond the clock skew)', async () => {
    await expectRejected(await forge({ exp: Math.floor(Date.now() / 1000) - 120 }), /token expired/);
  });

  it('tolerates a token expired within the clock skew', async () => {
    const res = await app.graphql(ME, await forge({ exp: Math.floor(Date.now() / 1000) - 5 }));
    assert.equal(res.status, 200);
  });

  it('rejects a token that is not yet valid', async () => {
    await expectRejected(await forge({ nbf: Math.floor(Date.now() / 1000) + 600 }), /not yet valid/);
  });

  it('rejects a token for another audience', async () => {
    await expectRejected(await forge({ aud: 'some-other-api' }), /wrong audience/);
  });

  it('rejects a token from another issuer', async () => {
    await expectRejected(await forge({ iss: 'https://evil.example.com' }), /wrong issuer/);
  });

  it('rejects a token signed by a key the issuer does not publish', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await signedWith(privateKey, { alg: 'RS256', kid: 'not-a-published-kid' });
    await expectRejected(token, /unknown signing key/);
  });

  it('rejects a token signed by an unknown key that reuses a published kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { kid } = await idp.signingKey();
    const token = await signedWith(privateKey, { alg: 'RS256', kid });
    await expectRejected(token, /bad signature/);
  });

  it('rejects alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify({ sub: 'dev-admin', groups: ['admin'], iss: idp.issuer, aud: 'charter', exp: now + 300 }));
    await expectRejected(`${header}.${payload}.`, /algorithm not allowed|malformed/);
  });

  it('rejects HS256 signed with the issuer public key (key confusion)', async () => {
    const { publicJwk, kid } = await idp.signingKey();
    const pem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const token = await signedWith(new TextEncoder().encode(String(pem)), { alg: 'HS256', kid });
    await expectRejected(token, /algorithm not allowed/);
  });

  it('rejects a genuine token whose payload was tampered with', async () => {
    const genuine = await idp.token('ds');
    const [header, , signature] = genuine.split('.');
    const claims = { ...decodeJwt(genuine), groups: ['admin'] };
    const tampered = `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
    await expectRejected(tampered, /bad signature/);
  });

  it('rejects a missing or malformed Authorization header', async () => {
    const res = await app.graphql(ME);
    assert.equal(res.status, 401);
    assert.equal(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const raw = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' },
      body: JSON.stringify({ query: ME }),
    });
    assert.equal(raw.status, 401);
    const body = (await raw.json()) as { errors: { message: string }[] };
    assert.match(body.errors[0]!.message, /Bearer/);
  });

  it('keeps the audit chain intact through all of the rejections above', async () => {
    const res = await app.graphql<{ verifyAuditChain: { valid: boolean; checkedCount: number } }>(
      '{ verifyAuditChain { valid checkedCount } }',
      await idp.token('ciso'),
    );
    assert.equal(res.data?.verifyAuditChain.valid, true);
    assert.ok(res.data.verifyAuditChain.checkedCount >= 1);
  });
});
