/**
 * Client side of Charter's built-in development identity provider: the state
 * file announcing the running provider and the password-grant token request.
 * Used by `npm run token` and tests; it loads neither oidc-provider nor the
 * provider's configuration.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { isErrnoException, isRecord } from './guards';

export const DEV_CLI_CLIENT_ID = 'charter-cli';
/** OAuth 2.0 grant type (of the `charter-cli` client) registered by the provider. */
export const PASSWORD_GRANT = 'password';
/** Name of the file, inside Charter's data directory, announcing the running provider. */
export const DEV_IDP_STATE_FILENAME = 'dev-idp.json';

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
    const description = typeof json.error_description === 'string' ? json.error_description : `token request failed with HTTP ${tokenRes.status}`;
    throw new DevTokenRequestError(error, description);
  }
  return json.access_token;
}
