import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import { DevTokenRequestError, devIdpStateFile, readDevIdpState, requestDevToken, writeDevIdpState } from '../src/auth/dev-idp/dev-idp-client';
import {
  DEV_CONSOLE_CLIENT_ID,
  startDevIdentityProvider,
  type DevIdentityProviderOptions,
  type RunningDevIdentityProvider,
} from '../src/auth/dev-idp/dev-identity-provider';
import { findFreePort } from '../src/database/embedded-postgres';

async function options(keysFile: string): Promise<DevIdentityProviderOptions> {
  const port = await findFreePort();
  return {
    host: '127.0.0.1',
    port,
    issuer: `http://localhost:${port}`,
    audience: 'charter',
    rolesClaim: 'groups',
    keysFile,
    accessTokenTtlSeconds: 600,
  };
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint: string;
  grant_types_supported?: string[];
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  return (await res.json()) as Discovery;
}

/** Minimal cookie jar: enough for oidc-provider's interaction and session cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

describe('development identity provider', () => {
  let tmp: string;
  let keysFile: string;
  const running: RunningDevIdentityProvider[] = [];
  let idp: RunningDevIdentityProvider;
  let discovery: Discovery;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-dev-idp-'));
    keysFile = path.join(tmp, 'keys', 'dev-idp-keys.json');
    idp = await startDevIdentityProvider(await options(keysFile));
    running.push(idp);
    discovery = await discover(idp.issuer);
  });

  after(async () => {
    await Promise.all(running.map((r) => r.close()));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('serves discovery with a jwks_uri and the password grant', async () => {
    assert.equal(discovery.issuer, idp.issuer);
    assert.match(discovery.jwks_uri, /^http:\/\/localhost:\d+\//);
    assert.ok(discovery.grant_types_supported?.includes('password'));
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<Record<string, unknown>> };
    assert.ok(jwks.keys.some((k) => k.kty === 'RSA'));
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'JWKS must not expose private key material',
    );
  });

  it('creates the keys file owner-only', async () => {
    const st = await fs.stat(keysFile);
    assert.equal(st.mode & 0o777, 0o600);
  });

  it('issues RS256 JWT access tokens for demo users', async () => {
    const token = await requestDevToken(idp.issuer, 'risk', 'risk');
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: idp.issuer,
      audience: 'charter',
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'dev-risk');
    assert.equal(payload.aud, 'charter');
    assert.deepEqual(payload.groups, ['risk_officer']);
    assert.equal(payload.email, 'risk@charter.local');
    assert.equal(typeof payload.name, 'string');
    assert.equal(payload.client_id, 'charter-cli');
    assert.ok(typeof payload.exp === 'number' && typeof payload.iat === 'number');
    assert.equal(payload.exp - payload.iat, 600);
  });

  it('rejects a wrong password with invalid_grant', async () => {
    await assert.rejects(requestDevToken(idp.issuer, 'risk', 'nope'), (err: unknown) => {
      assert.ok(err instanceof DevTokenRequestError);
      assert.equal(err.error, 'invalid_grant');
      assert.match(err.message, /invalid/i);
      return true;
    });
  });

  it('rejects an unknown user', async () => {
    await assert.rejects(requestDevToken(idp.issuer, 'mallory', 'mallory'), /invalid/i);
  });

  it('emits the configured roles claim', async () => {
    const other = await startDevIdentityProvider({ ...(await options(keysFile)), rolesClaim: 'roles' });
    running.push(other);
    const token = await requestDevToken(other.issuer, 'admin', 'admin');
    const { jwks_uri } = await discover(other.issuer);
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(jwks_uri)), {
      issuer: other.issuer,
      audience: 'charter',
    });
    assert.deepEqual(payload.roles, ['admin']);
    assert.equal(payload.groups, undefined);
  });

  it('reuses the signing key after a restart', async () => {
    const before = decodeProtectedHeader(await requestDevToken(idp.issuer, 'ds', 'ds'));
    const restarted = await startDevIdentityProvider(await options(keysFile));
    running.push(restarted);
    const token = await requestDevToken(restarted.issuer, 'ds', 'ds');
    const afterRestart = decodeProtectedHeader(token);
    assert.ok(before.kid);
    assert.equal(afterRestart.kid, before.kid);
  });

  it('signs in the console with authorization code + PKCE', async () => {
    const jar = new CookieJar();
    const redirectUri = 'http://localhost:5173/auth/callback';
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authUrl = new URL(discovery.authorization_endpoint);
    authUrl.search = new URLSearchParams({
      client_id: DEV_CONSOLE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();

    const get = async (url: string): Promise<Response> => {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(res);
      return res;
    };
    const location = (res: Response): string => {
      assert.ok([302, 303].includes(res.status), `expected a redirect, got ${res.status}`);
      return new URL(res.headers.get('location') ?? '', idp.issuer).href;
    };

    // Authorization endpoint → login page.
    const loginUrl = location(await get(authUrl.href));
    const page = await get(loginUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Sign in/);

    const post = async (password: string): Promise<Response> => {
      const res = await fetch(loginUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'compliance', password }),
      });
      jar.store(res);
      return res;
    };
    const wrong = await post('wrong');
    assert.equal(wrong.status, 401);
    await wrong.text();

    // Login → resume → (automatic consent) → resume → redirect_uri with code.
    let next = location(await post('compliance'));
    for (let i = 0; i < 6 && !next.startsWith(redirectUri); i++) next = location(await get(next));
    const callback = new URL(next);
    assert.equal(callback.origin + callback.pathname, redirectUri);
    assert.equal(callback.searchParams.get('state'), 'st');
    const code = callback.searchParams.get('code');
    assert.ok(code, `no code in ${next}`);

    const tokenRes = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: DEV_CONSOLE_CLIENT_ID,
        code_verifier: verifier,
      }),
    });
    const body = (await tokenRes.json()) as Record<string, unknown>;
    assert.equal(tokenRes.status, 200, JSON.stringify(body));
    assert.equal(typeof body.id_token, 'string');
    const { payload } = await jwtVerify(String(body.access_token), createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: idp.issuer,
      audience: 'charter',
    });
    assert.equal(payload.sub, 'dev-compliance');
    assert.deepEqual(payload.groups, ['compliance']);
  });

  it('writes and reads the state file used by npm run token', async () => {
    const dataDir = path.join(tmp, 'data');
    assert.equal(await readDevIdpState(dataDir), undefined);
    await writeDevIdpState(dataDir, idp.issuer);
    assert.equal(devIdpStateFile(dataDir), path.join(dataDir, 'dev-idp.json'));
    assert.deepEqual(await readDevIdpState(dataDir), { issuer: idp.issuer });
  });
});
