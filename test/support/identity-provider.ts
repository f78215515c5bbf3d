import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importJWK, type JWK } from 'jose';
import { requestDevToken } from '../../src/auth/dev-idp/dev-idp-client';
import { startDevIdentityProvider, type RunningDevIdentityProvider } from '../../src/auth/dev-idp/dev-identity-provider';
import { findFreePort } from '../../src/database/embedded-postgres';

export interface TestIdentityProvider {
  issuer: string;
  /** A real access token from the provider's token endpoint (password grant). */
  token(user: string): Promise<string>;
  /** The provider's own RS256 signing key and kid, for forging deliberately broken tokens. */
  signingKey(): Promise<{ key: Awaited<ReturnType<typeof importJWK>>; kid: string; publicJwk: JWK }>;
  close(): Promise<void>;
}

/** Starts a real OpenID provider (oidc-provider, as Charter's built-in one) on a free port. */
export async function startTestIdentityProvider(): Promise<TestIdentityProvider> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-test-idp-'));
  const port = await findFreePort();
  const keysFile = path.join(dir, 'keys.json');
  const idp: RunningDevIdentityProvider = await startDevIdentityProvider({
    host: '127.0.0.1',
    port,
    issuer: `http://localhost:${port}`,
    audience: 'charter',
    rolesClaim: 'groups',
    keysFile,
  });
  const tokens = new Map<string, string>();
  return {
    issuer: idp.issuer,
    async token(user) {
      let token = tokens.get(user);
      if (!token) {
        token = await requestDevToken(idp.issuer, user, user);
        tokens.set(user, token);
      }
      return token;
    },
    async signingKey() {
      const { keys } = JSON.parse(await fs.readFile(keysFile, 'utf8')) as { keys: JWK[] };
      const jwk = keys.find((k) => k.kty === 'RSA')!;
      const { d, p, q, dp, dq, qi, ...publicJwk } = jwk;
      void [d, p, q, dp, dq, qi];
      return { key: await importJWK(jwk, 'RS256'), kid: jwk.kid!, publicJwk };
    },
    async close() {
      await idp.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
