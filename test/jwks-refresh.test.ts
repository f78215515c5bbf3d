import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { TokenRejected, TokenVerifier } from '../src/auth/token-verifier';

/**
 * A minimal issuer (discovery document + JWKS) whose key set the test rotates, counting how often
 * Charter fetches the JWKS. Token checks against a full provider are in auth-tokens.test.ts.
 */
describe('JWKS refresh on an unknown kid', () => {
  let server: Server;
  let issuer: string;
  const published: JWK[] = [];
  let jwksFetches = 0;
  const keys = new Map<string, Awaited<ReturnType<typeof generateKeyPair>>>();

  async function addKey(kid: string, publish: boolean): Promise<void> {
    const pair = await generateKeyPair('RS256');
    keys.set(kid, pair);
    if (publish) published.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
  }

  async function publishKey(kid: string): Promise<void> {
    published.push({ ...(await exportJWK(keys.get(kid)!.publicKey)), kid, alg: 'RS256', use: 'sig' });
  }

  function token(kid: string): Promise<string> {
    return new SignJWT({ groups: ['ciso'] })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('rotation-test')
      .setIssuer(issuer)
      .setAudience('charter')
      .setExpirationTime('5m')
      .sign(keys.get(kid)!.privateKey);
  }

  before(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(
          JSON.stringify({
            issuer,
            jwks_uri: `${issuer}/jwks`,
            authorization_endpoint: `${issuer}/auth`,
            token_endpoint: `${issuer}/token`,
            response_types_supported: ['code'],
          }),
        );
      } else if (req.url === '/jwks') {
        jwksFetches++;
        res.end(JSON.stringify({ keys: published }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await addKey('k1', true);
    await addKey('k2', false);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refetches the key set when a token names a new kid, at most once per cooldown', async () => {
    const verifier = await TokenVerifier.discover({ issuerUrl: issuer, audience: 'charter', clientId: 'charter', clockSkewSeconds: 30, jwksCooldownMs: 500 });
    assert.equal((await verifier.verify(await token('k1'))).sub, 'rotation-test');
    const afterFirst = jwksFetches;
    assert.equal(afterFirst, 1);

    // A flood of tokens naming an unpublished kid costs at most one more fetch within the cooldown.
    const unknown = await token('k2');
    for (let i = 0; i < 25; i++) {
      await assert.rejects(verifier.verify(unknown), (e: unknown) => e instanceof TokenRejected && e.reason === 'unknown signing key');
    }
    assert.ok(jwksFetches - afterFirst <= 1, `JWKS fetched ${jwksFetches - afterFirst} times for 25 unknown-kid tokens`);

    // The issuer rotates k2 in; after the cooldown the next token with k2 triggers a refetch and verifies.
    await publishKey('k2');
    await new Promise((r) => setTimeout(r, 600));
    const before = jwksFetches;
    assert.equal((await verifier.verify(await token('k2'))).sub, 'rotation-test');
    assert.equal(jwksFetches, before + 1);
  });
});
