/**
 * Browser sign-in for Charter's built-in development identity provider: the
 * login page of the authorization code flow (demo users' passwords are
 * checked) and automatic consent for the first-party clients.
 */
import type * as http from 'node:http';

import type { Provider } from 'oidc-provider';

import { DEMO_USERS, findDemoUserByUsername, passwordMatches } from './demo-users';

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;
const MAX_FORM_BYTES = 8 * 1024;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * `formTarget`: the client's redirect origin. Browsers apply form-action to the redirects that follow
 * a form post too, and a successful sign-in redirects (via the authorization endpoint) to the client.
 */
function sendHtml(res: http.ServerResponse, status: number, title: string, body: string, formTarget?: string): void {
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
  res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${formTarget ? ` ${formTarget}` : ''}`);
  res.end(html);
}

function loginPage(res: http.ServerResponse, uid: string, clientName: string, redirectOrigin: string | undefined, error?: string, username = ''): void {
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
    redirectOrigin,
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

async function handleInteraction(provider: Provider, uid: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(res, 400, 'Sign-in expired', '<h1>Sign-in expired</h1><p>Go back to the application and start again.</p>');
    return;
  }
  if (details.uid !== uid) {
    sendHtml(res, 400, 'Sign-in mismatch', '<h1>Sign-in mismatch</h1><p>Go back to the application and start again.</p>');
    return;
  }
  const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
  const client = await provider.Client.find(clientId);
  const clientName = client?.clientName ?? clientId;
  // oidc-provider checked redirect_uri against the client's registered URIs before this interaction began.
  const redirectOrigin = typeof details.params.redirect_uri === 'string' ? URL.parse(details.params.redirect_uri)?.origin : undefined;

  if (details.prompt.name === 'login') {
    if (req.method === 'GET') {
      loginPage(res, uid, clientName, redirectOrigin);
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
      loginPage(res, uid, clientName, redirectOrigin, 'Invalid username or password.', username);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
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
    const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
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

/** The interaction URL oidc-provider redirects the browser to. */
export function interactionUrl(uid: string): string {
  return `/interaction/${uid}`;
}

/** The interaction uid when `url` is an interaction URL, else undefined. */
export function matchInteraction(url: string | undefined): string | undefined {
  const match = INTERACTION_PATH.exec((url ?? '').split('?')[0] ?? '');
  return match?.[1] || undefined;
}

/** Serves an interaction request; failures are logged and answered with an error page. */
export function serveInteraction(provider: Provider, uid: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  handleInteraction(provider, uid, req, res).catch((err: unknown) => {
    console.error('development identity provider: sign-in failed:', err);
    if (!res.headersSent) {
      sendHtml(res, 500, 'Sign-in failed', '<h1>Sign-in failed</h1><p>See the Charter log.</p>');
    } else {
      res.destroy();
    }
  });
}
