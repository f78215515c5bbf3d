/**
 * Sign-in: OpenID Connect authorization code flow with PKCE, run by the page itself against the
 * issuer Charter names at /api/v1/console/config. The access token lives only in this module's
 * memory (never localStorage): a reload signs in again, which the issuer's own session makes a
 * quick round trip. Only the PKCE verifier and state sit in sessionStorage, for the one redirect.
 */
interface ConsoleConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

const PENDING_KEY = 'charter.signin';
const SIGNED_OUT_KEY = 'charter.signedOut';
export const CALLBACK_PATH = '/auth/callback';

let accessToken: string | undefined;
let expiresAt = 0;

export function currentToken(): string | undefined {
  return accessToken && Date.now() < expiresAt ? accessToken : undefined;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = (await res.json().catch(() => undefined)) as (T & { error?: string; error_description?: string }) | undefined;
  if (!res.ok || body === undefined) {
    throw new Error(body?.error_description ?? body?.error ?? `${url} answered HTTP ${res.status}`);
  }
  return body;
}

let configPromise: Promise<{ config: ConsoleConfig; discovery: Discovery }> | undefined;

function loadConfig(): Promise<{ config: ConsoleConfig; discovery: Discovery }> {
  configPromise ??= (async () => {
    const config = await fetchJson<ConsoleConfig>('/api/v1/console/config');
    const discovery = await fetchJson<Discovery>(`${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    return { config, discovery };
  })();
  return configPromise;
}

function redirectUri(): string {
  return `${window.location.origin}${CALLBACK_PATH}`;
}

/** Sends the browser to the issuer's sign-in page. */
export async function beginSignIn(returnTo: string): Promise<void> {
  const { config, discovery } = await loadConfig();
  const verifier = randomString();
  const state = randomString();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const pending: PendingSignIn = { state, verifier, returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/** Finishes the sign-in on the callback page; returns where the person was going. */
export async function completeSignIn(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const error = params.get('error');
  if (error) throw new Error(`Sign-in failed: ${params.get('error_description') ?? error}`);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  if (!pending || pending.state !== params.get('state'))
    throw new Error('Sign-in failed: this answer does not belong to a sign-in started here. Please sign in again.');
  const code = params.get('code');
  if (!code) throw new Error('Sign-in failed: the issuer returned no code.');
  const { config, discovery } = await loadConfig();
  const token = await fetchJson<{ access_token: string; expires_in?: number }>(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  accessToken = token.access_token;
  // Renew a little early rather than fail a request on the last second.
  expiresAt = Date.now() + Math.max(60, (token.expires_in ?? 3600) - 30) * 1000;
  return pending.returnTo.startsWith('/') && !pending.returnTo.startsWith(CALLBACK_PATH) ? pending.returnTo : '/';
}

export function wasSignedOut(): boolean {
  return sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
}

/** Forgets the token here and ends the session at the issuer. */
export async function signOut(): Promise<void> {
  accessToken = undefined;
  expiresAt = 0;
  sessionStorage.setItem(SIGNED_OUT_KEY, '1');
  const { config, discovery } = await loadConfig();
  if (discovery.end_session_endpoint) {
    const url = new URL(discovery.end_session_endpoint);
    url.searchParams.set('client_id', config.clientId);
    window.location.assign(url.toString());
  } else {
    window.location.assign('/');
  }
}
