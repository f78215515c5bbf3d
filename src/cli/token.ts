/**
 * `npm run -s token -- <user>`: prints an access token for a demo user of
 * Charter's built-in development identity provider, e.g.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- risk)" ...
 *
 * stdout carries only the token and a newline. Exit codes: 0 success,
 * 1 provider not running / request failed, 2 usage error.
 */
import * as path from 'node:path';

import { DevIdentityProviderUnreachableError, devIdpStateFile, readDevIdpState, requestDevToken } from '../auth/dev-idp/dev-idp-client';
import { DEMO_USERS } from '../auth/dev-idp/demo-users';

const DEFAULT_DATA_DIR = './.charter';

function fail(message: string, code: number): never {
  process.stderr.write(`${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

function notRunning(issuer: string): never {
  fail(`Charter's development identity provider is not running at ${issuer}; start Charter with npm start`, 1);
}

async function main(argv: readonly string[]): Promise<void> {
  const valid = DEMO_USERS.map((u) => u.username).join(', ');

  if ((process.env.OIDC_ISSUER_URL ?? '').trim() !== '') {
    fail(
      'OIDC_ISSUER_URL is set: the token command only works with the built-in development identity provider; ' +
        'obtain a token from your identity provider instead',
      2,
    );
  }

  const args = argv.filter((a) => a !== '--');
  const user = args[0];
  if (args.length !== 1 || user === undefined || user.startsWith('-')) {
    fail(`usage: npm run -s token -- <user>   (demo users: ${valid})`, 2);
  }
  if (!DEMO_USERS.some((u) => u.username === user)) {
    fail(`unknown demo user "${user}"; valid demo users: ${valid}`, 2);
  }

  const dataDir = path.resolve((process.env.CHARTER_DATA_DIR ?? '').trim() || DEFAULT_DATA_DIR);
  let state;
  try {
    state = await readDevIdpState(dataDir);
  } catch (err) {
    fail(`cannot read Charter's development identity provider state: ${errorMessage(err)}`, 1);
  }
  if (!state) {
    // Charter writes the state file when it starts the provider.
    fail(`Charter's development identity provider is not running (no ${devIdpStateFile(dataDir)}); ` + 'start Charter with npm start', 1);
  }

  let token: string;
  try {
    token = await requestDevToken(state.issuer, user, user);
  } catch (err) {
    if (err instanceof DevIdentityProviderUnreachableError) notRunning(state.issuer);
    fail(`token request failed: ${errorMessage(err)}`, 1);
  }
  process.stdout.write(`${token}\n`);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main(process.argv.slice(2)).catch((err: unknown) => fail(`token: ${errorMessage(err)}`, 1));
