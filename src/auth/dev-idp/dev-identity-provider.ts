/**
 * Charter's built-in DEVELOPMENT identity provider.
 *
 * Started inside the Charter process, on its own HTTP listener, when the
 * operator configures no OIDC_ISSUER_URL. It is a real OpenID provider (the
 * `oidc-provider` package) so that Charter's resource-server code path is the
 * same one used with a production IdP: access tokens are RFC 9068 JWTs signed
 * with RS256, audience = Charter's configured audience, and the demo users'
 * groups are emitted in the configured roles claim.
 *
 * Clients:
 *  - `charter-cli`: public client, OAuth 2.0 password grant (see `npm run token`).
 *  - `charter-console`: public client, authorization code + PKCE, for browser
 *    sign-in. Sign-in uses a minimal login page served by this module (the demo
 *    users' passwords are checked); consent is granted automatically because
 *    both clients are first-party.
 *
 * DEVELOPMENT ONLY: demo users have their username as password.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';

// Types only: oidc-provider itself is loaded lazily by startDevIdentityProvider,
// so that importing this module does not load it (it prints a runtime warning
// on Node 20 when imported).
import type { AccountClaims, Configuration, JWK, Provider, ResourceServer } from 'oidc-provider';

type OidcProviderModule = typeof import('oidc-provider');
type OidcErrors = OidcProviderModule['errors'];

import { findDemoUserBySub, findDemoUserByUsername, passwordMatches, type DemoUser } from './demo-users';
import { DEV_CLI_CLIENT_ID, PASSWORD_GRANT } from './dev-idp-client';
import { interactionUrl, matchInteraction, serveInteraction } from './interaction';
import { loadOrCreateKeys } from './keys';
import { devMemoryAdapterFactory } from './memory-adapter';

export const DEV_CONSOLE_CLIENT_ID = 'charter-console';
export const DEV_CONSOLE_REDIRECT_URIS: readonly string[] = ['http://localhost:4000/auth/callback', 'http://localhost:5173/auth/callback'];

const RESOURCE_SCOPE = 'openid profile email';
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface DevIdentityProviderOptions {
  /** Bind address, e.g. 127.0.0.1. */
  host: string;
  port: number;
  /** Issuer identifier, e.g. http://localhost:4001 (scheme, host and port only). */
  issuer: string;
  /** Access token audience, e.g. 'charter'. */
  audience: string;
  /** Claim carrying the user's groups, e.g. 'groups'. */
  rolesClaim: string;
  /**
   * JSON file holding the private JWKS. Created (mode 0600) with fresh RS256
   * and ES256 keys on first start, reused afterwards so that issued tokens
   * stay valid across restarts.
   */
  keysFile: string;
  /** Access token lifetime, default 3600. */
  accessTokenTtlSeconds?: number;
  /** Sign-in callbacks of the web console; default DEV_CONSOLE_REDIRECT_URIS (Charter on port 4000, Vite's dev server). */
  consoleRedirectUris?: readonly string[];
}

export interface RunningDevIdentityProvider {
  issuer: string;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------

/**
 * The resource indicator (RFC 8707) naming Charter's API. Resource indicators
 * must be absolute URIs; the audience ('charter') usually is not, so a URN
 * derived from it is used. The access token's `aud` is the audience itself.
 */
export function devResourceIndicator(audience: string): string {
  return URL.canParse(audience) ? audience : `urn:charter:audience:${encodeURIComponent(audience)}`;
}

function resourceServerInfo(o: DevIdentityProviderOptions): ResourceServer {
  return {
    audience: o.audience,
    scope: RESOURCE_SCOPE,
    accessTokenTTL: o.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

function accountClaims(user: DemoUser, rolesClaim: string): AccountClaims {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.username,
    [rolesClaim]: [...user.groups],
  };
}

function buildConfiguration(o: DevIdentityProviderOptions, keys: JWK[], errors: OidcErrors): Configuration {
  const ttl = o.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const resourceIndicator = devResourceIndicator(o.audience);
  const resourceServer = resourceServerInfo(o);
  const profileClaims = ['name', 'preferred_username'];
  if (o.rolesClaim !== 'sub' && !profileClaims.includes(o.rolesClaim)) profileClaims.push(o.rolesClaim);

  return {
    adapter: devMemoryAdapterFactory(),
    jwks: { keys },
    // Cookies only carry in-flight browser sign-ins and sessions, which live in
    // memory anyway: a fresh secret per process is enough.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [
      {
        client_id: DEV_CLI_CLIENT_ID,
        client_name: 'Charter CLI (development)',
        token_endpoint_auth_method: 'none',
        grant_types: [PASSWORD_GRANT],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: DEV_CONSOLE_CLIENT_ID,
        client_name: 'Charter console (development)',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...(o.consoleRedirectUris ?? DEV_CONSOLE_REDIRECT_URIS)],
      },
    ],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: profileClaims,
    },
    async findAccount(_ctx, sub) {
      const user = findDemoUserBySub(sub);
      if (!user) return undefined;
      return { accountId: user.sub, claims: () => accountClaims(user, o.rolesClaim) };
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const user = findDemoUserBySub(token.accountId);
      if (!user) return undefined;
      const { email, name } = user;
      return { email, name, [o.rolesClaim]: [...user.groups] };
    },
    features: {
      devInteractions: { enabled: false }, // replaced by the login page (interaction.ts)
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resourceIndicator,
        // The browser flow (authorization code) requests Charter's API too.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resourceIndicator) {
            throw new errors.InvalidTarget(`unknown resource indicator; use ${resourceIndicator}`);
          }
          return resourceServer;
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => interactionUrl(interaction.uid),
    },
    clientBasedCORS: (_ctx, origin, client) => origin !== 'null' && client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
    ttl: {
      AccessToken: ttl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 3600,
      Session: 12 * 3600,
      Grant: 12 * 3600,
    },
  };
}

type PasswordGrantParams = { username?: string; password?: string };

function registerPasswordGrant(provider: Provider, o: DevIdentityProviderOptions, errors: OidcErrors): void {
  const resourceIndicator = devResourceIndicator(o.audience);

  provider.registerGrantType<PasswordGrantParams>(
    PASSWORD_GRANT,
    async (ctx) => {
      const { client, params } = ctx.oidc;
      const { username, password } = params;
      if (!username) throw new errors.InvalidRequest("missing required parameter 'username'");
      if (password === undefined) throw new errors.InvalidRequest("missing required parameter 'password'");

      const user = findDemoUserByUsername(username);
      if (!user || !passwordMatches(user, password)) {
        throw new errors.InvalidGrant('invalid username or password');
      }

      const resource = params.resource ?? resourceIndicator;
      if (Array.isArray(resource) || resource !== resourceIndicator) {
        throw new errors.InvalidTarget(`the only supported resource is ${resourceIndicator}`);
      }
      const resourceServer = new provider.ResourceServer(resource, resourceServerInfo(o));

      const requested = (params.scope ?? 'openid').split(' ').filter(Boolean);
      const unknown = requested.filter((s) => !resourceServer.scopes.has(s));
      if (unknown.length > 0) {
        throw new errors.InvalidScope('requested scope is not allowed', unknown.join(' '));
      }

      const grant = new provider.Grant({ accountId: user.sub, clientId: client.clientId });
      grant.addOIDCScope(requested.filter((s) => s === 'openid' || s === 'profile' || s === 'email'));
      grant.addResourceScope(resource, requested);
      const grantId = await grant.save();

      const accessToken = new provider.AccessToken({
        accountId: user.sub,
        client,
        grantId,
        gty: PASSWORD_GRANT,
        scope: requested.join(' ') || undefined,
        resourceServer,
      });
      ctx.oidc.entity('Grant', grant);
      ctx.oidc.entity('AccessToken', accessToken);
      const value = await accessToken.save();

      ctx.body = {
        access_token: value,
        token_type: accessToken.tokenType,
        expires_in: accessToken.expiration,
        scope: accessToken.scope,
      };
    },
    ['username', 'password', 'scope', 'resource'],
  );
}

// ---------------------------------------------------------------------------
// Start / stop
// ---------------------------------------------------------------------------

function normalizeIssuer(issuer: string): string {
  const url = URL.parse(issuer);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`development identity provider issuer must be an http(s) URL, got ${JSON.stringify(issuer)}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`development identity provider issuer must have no path, query or fragment, got ${issuer}`);
  }
  return url.origin;
}

export async function startDevIdentityProvider(o: DevIdentityProviderOptions): Promise<RunningDevIdentityProvider> {
  const issuer = normalizeIssuer(o.issuer);
  const keys = await loadOrCreateKeys(o.keysFile);
  const { Provider, errors } = await import('oidc-provider');
  const provider = new Provider(issuer, buildConfiguration(o, keys, errors));
  registerPasswordGrant(provider, o, errors);

  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    const uid = matchInteraction(req.url);
    if (!uid) {
      void callback(req, res);
      return;
    }
    serveInteraction(provider, uid, req, res);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    issuer,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
