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
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import { calculateJwkThumbprint } from 'jose';
// Types only: oidc-provider itself is loaded lazily by startDevIdentityProvider,
// so that client-side users of this module (`npm run token`) do not load it
// (it prints a runtime warning on Node 20 when imported).
import type {
  AccountClaims,
  Adapter,
  AdapterPayload,
  Configuration,
  JWK,
  Provider,
  ResourceServer,
} from 'oidc-provider';

type OidcProviderModule = typeof import('oidc-provider');
type OidcErrors = OidcProviderModule['errors'];

import { DEMO_USERS, findDemoUserBySub, findDemoUserByUsername, type DemoUser } from './demo-users';

export const DEV_CLI_CLIENT_ID = 'charter-cli';
export const DEV_CONSOLE_CLIENT_ID = 'charter-console';
export const DEV_CONSOLE_REDIRECT_URIS: readonly string[] = [
  'http://localhost:4000/auth/callback',
  'http://localhost:5173/auth/callback',
];
/** Name of the file, inside Charter's data directory, announcing the running provider. */
export const DEV_IDP_STATE_FILENAME = 'dev-idp.json';

const PASSWORD_GRANT = 'password';
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
}

export interface RunningDevIdentityProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Shape of `${dataDir}/dev-idp.json`. */
export interface DevIdpState {
  issuer: string;
}

/** Thrown by requestDevToken when the provider cannot be reached at all. */
export class DevIdentityProviderUnreachableError extends Error {
  constructor(
    readonly issuer: string,
    options?: { cause?: unknown },
  ) {
    super(`development identity provider is not reachable at ${issuer}`, options);
    this.name = 'DevIdentityProviderUnreachableError';
  }
}

/** Thrown by requestDevToken when the provider answers with an OAuth error. */
export class DevTokenRequestError extends Error {
  constructor(
    /** OAuth error code, e.g. 'invalid_grant'. */
    readonly error: string,
    description: string,
  ) {
    super(description);
    this.name = 'DevTokenRequestError';
  }
}

// ---------------------------------------------------------------------------
// State file (lets `npm run token` find the running provider)
// ---------------------------------------------------------------------------

export function devIdpStateFile(dataDir: string): string {
  return path.join(dataDir, DEV_IDP_STATE_FILENAME);
}

export async function writeDevIdpState(dataDir: string, issuer: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const state: DevIdpState = { issuer };
  const file = devIdpStateFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  await fs.rename(tmp, file);
}

/** Returns the state, or undefined when the file does not exist. */
export async function readDevIdpState(dataDir: string): Promise<DevIdpState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(devIdpStateFile(dataDir), 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || typeof parsed.issuer !== 'string' || parsed.issuer === '') {
    throw new Error(`${devIdpStateFile(dataDir)} does not contain an "issuer" string`);
  }
  return { issuer: parsed.issuer };
}

// ---------------------------------------------------------------------------
// Signing keys
// ---------------------------------------------------------------------------

interface KeysFileContent {
  keys: JWK[];
}

async function generateSigningKeys(): Promise<JWK[]> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const keys: JWK[] = [];
  for (const [jwk, alg] of [
    [rsa, 'RS256'],
    [ec, 'ES256'],
  ] as const) {
    // node's JsonWebKey and jose's JWK describe the same JSON; the thumbprint
    // only reads the required public members.
    const kid = await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0]);
    keys.push({ ...(jwk as JWK), kid, alg, use: 'sig' });
  }
  return keys;
}

function validateKeysFile(file: string, parsed: unknown): JWK[] {
  if (!isRecord(parsed) || !Array.isArray(parsed.keys)) {
    throw new Error(`${file}: expected a JSON object with a "keys" array (a private JWKS)`);
  }
  const keys: JWK[] = [];
  for (const key of parsed.keys as unknown[]) {
    if (!isRecord(key) || typeof key.kty !== 'string' || typeof key.d !== 'string') {
      throw new Error(`${file}: every key must be a private JWK (with "kty" and "d")`);
    }
    keys.push(key as JWK);
  }
  if (!keys.some((k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'RS256'))) {
    throw new Error(`${file}: no RSA key usable for RS256; delete the file to have a new one generated`);
  }
  return keys;
}

/** Reads the private JWKS from `file`, creating it with fresh keys when missing. */
async function loadOrCreateKeys(file: string): Promise<JWK[]> {
  try {
    const text = await fs.readFile(file, 'utf8');
    const keys = validateKeysFile(file, JSON.parse(text) as unknown);
    // Private keys: keep the file owner-only even if it was copied around.
    await fs.chmod(file, 0o600).catch(() => undefined);
    return keys;
  } catch (err) {
    if (!(isErrnoException(err) && err.code === 'ENOENT')) throw err;
  }

  const keys = await generateSigningKeys();
  const content: KeysFileContent = { keys };
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    // 'wx': never overwrite keys another process may have just written.
    await fs.writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (isErrnoException(err) && err.code === 'EEXIST') return loadOrCreateKeys(file);
    throw err;
  }
  return keys;
}

// ---------------------------------------------------------------------------
// In-memory storage (development only; sessions and grants do not survive a
// restart, JWT access tokens do since they are verified with the keys above)
// ---------------------------------------------------------------------------

interface StoredEntry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

const MAX_STORED_ENTRIES = 10_000;

class DevMemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: Map<string, StoredEntry>,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  private live(key: string): StoredEntry | undefined {
    const entry = this.store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return entry;
  }

  private *ownEntries(): IterableIterator<[string, StoredEntry]> {
    const prefix = `${this.model}:`;
    for (const [key, entry] of this.store) {
      if (key.startsWith(prefix) && this.live(key)) yield [key, entry];
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.store) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.store.delete(key);
    }
    // Still too large: drop the oldest entries (Map iterates in insertion order).
    for (const key of this.store.keys()) {
      if (this.store.size <= MAX_STORED_ENTRIES) break;
      this.store.delete(key);
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    this.store.delete(key); // re-insert so that insertion order tracks recency
    this.store.set(key, {
      payload,
      expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined,
    });
    if (this.store.size > MAX_STORED_ENTRIES) this.sweep();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.live(this.key(id))?.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [, entry] of this.ownEntries()) if (entry.payload.uid === uid) return entry.payload;
    return undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [, entry] of this.ownEntries()) if (entry.payload.userCode === userCode) return entry.payload;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = this.live(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, entry] of [...this.ownEntries()]) {
      if (entry.payload.grantId === grantId) this.store.delete(key);
    }
  }
}

// ---------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------

function passwordMatches(user: DemoUser, password: string): boolean {
  const a = createHash('sha256').update(user.password).digest();
  const b = createHash('sha256').update(password).digest();
  return timingSafeEqual(a, b);
}

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
  const store = new Map<string, StoredEntry>();
  const profileClaims = ['name', 'preferred_username'];
  if (o.rolesClaim !== 'sub' && !profileClaims.includes(o.rolesClaim)) profileClaims.push(o.rolesClaim);

  return {
    adapter: (model: string) => new DevMemoryAdapter(model, store),
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
        redirect_uris: [...DEV_CONSOLE_REDIRECT_URIS],
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
      devInteractions: { enabled: false }, // replaced by the login page below
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
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    clientBasedCORS: (_ctx, origin, client) =>
      origin !== 'null' && client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
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
// Browser sign-in (login page for the authorization code flow)
// ---------------------------------------------------------------------------

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;
const MAX_FORM_BYTES = 8 * 1024;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendHtml(res: http.ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b42318}.hint{color:#57606a;font-size:.9rem}</style>
</head><body>${body}</body></html>`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  res.end(html);
}

function loginPage(res: http.ServerResponse, uid: string, clientName: string, error?: string, username = ''): void {
  const users = DEMO_USERS.map((u) => `<code>${escapeHtml(u.username)}</code>`).join(', ');
  sendHtml(
    res,
    error ? 401 : 200,
    'Sign in to Charter (development)',
    `<h1>Sign in</h1>
<p>to <strong>${escapeHtml(clientName)}</strong> via Charter's development identity provider.</p>
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Demo users: ${users}. The password is the username.</p>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function handleInteraction(
  provider: Provider,
  uid: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(res, 400, 'Sign-in expired', '<h1>Sign-in expired</h1><p>Go back to the application and start again.</p>');
    return;
  }
  if (details.uid !== uid) {
    sendHtml(
      res,
      400,
      'Sign-in mismatch',
      '<h1>Sign-in mismatch</h1><p>Go back to the application and start again.</p>',
    );
    return;
  }
  const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
  const client = await provider.Client.find(clientId);
  const clientName = client?.clientName ?? clientId;

  if (details.prompt.name === 'login') {
    if (req.method === 'GET') {
      loginPage(res, uid, clientName);
      return;
    }
    if (req.method !== 'POST') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, POST');
      res.end();
      return;
    }
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const user = findDemoUserByUsername(username);
    if (!user || !passwordMatches(user, form.get('password') ?? '')) {
      loginPage(res, uid, clientName, 'Invalid username or password.', username);
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (details.prompt.name === 'consent') {
    // Both registered clients are first-party: grant what they asked for.
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const accountId = details.session?.accountId;
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId });
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  sendHtml(res, 501, 'Not supported', '<h1>Not supported</h1><p>This sign-in step is not supported.</p>');
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
    const match = INTERACTION_PATH.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match?.[1]) {
      void callback(req, res);
      return;
    }
    handleInteraction(provider, match[1], req, res).catch((err: unknown) => {
      console.error('development identity provider: sign-in failed:', err);
      if (!res.headersSent) {
        sendHtml(res, 500, 'Sign-in failed', '<h1>Sign-in failed</h1><p>See the Charter log.</p>');
      } else {
        res.destroy();
      }
    });
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

// ---------------------------------------------------------------------------
// Client side (used by `npm run token` and tests)
// ---------------------------------------------------------------------------

async function fetchOrUnreachable(issuer: string, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new DevIdentityProviderUnreachableError(issuer, { cause: err });
  }
}

async function readJsonObject(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${what}: expected JSON, got HTTP ${res.status}`);
  }
  if (!isRecord(parsed)) throw new Error(`${what}: expected a JSON object, got HTTP ${res.status}`);
  return parsed;
}

/**
 * Obtains an access token (a JWT) from the development identity provider at
 * `issuer` with the password grant of the `charter-cli` client.
 */
export async function requestDevToken(issuer: string, username: string, password: string): Promise<string> {
  const base = issuer.replace(/\/+$/, '');
  const discoveryRes = await fetchOrUnreachable(issuer, `${base}/.well-known/openid-configuration`);
  if (!discoveryRes.ok) {
    throw new Error(`OpenID discovery at ${issuer} failed with HTTP ${discoveryRes.status}`);
  }
  const discovery = await readJsonObject(discoveryRes, 'OpenID discovery');
  const tokenEndpoint = discovery.token_endpoint;
  if (typeof tokenEndpoint !== 'string') {
    throw new Error(`OpenID discovery at ${issuer} lists no token_endpoint`);
  }

  const body = new URLSearchParams({
    grant_type: PASSWORD_GRANT,
    username,
    password,
    client_id: DEV_CLI_CLIENT_ID,
    scope: 'openid',
  });
  const tokenRes = await fetchOrUnreachable(issuer, tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
  });
  const json = await readJsonObject(tokenRes, 'token request');
  if (!tokenRes.ok || typeof json.access_token !== 'string') {
    const error = typeof json.error === 'string' ? json.error : 'invalid_response';
    const description =
      typeof json.error_description === 'string'
        ? json.error_description
        : `token request failed with HTTP ${tokenRes.status}`;
    throw new DevTokenRequestError(error, description);
  }
  return json.access_token;
}

// ---------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}
