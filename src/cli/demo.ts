/**
 * `npm run demo`: fills a running Charter with the demo estate (src/demo/demo-estate.ts) through its
 * public APIs, with tokens from the built-in development identity provider, and generates a model
 * audit pack and a dataset access pack. CHARTER_URL (default http://localhost:4000) is the server;
 * CHARTER_DATA_DIR (default ./.charter) is where the server wrote the provider's address.
 * Exit codes: 0 done, 1 failed (the message says where).
 */
import * as path from 'node:path';
import { readDevIdpState, requestDevToken } from '../auth/dev-idp/dev-idp-client';
import { runDemo } from '../demo/demo-estate';

async function main(): Promise<number> {
  const url = (process.env.CHARTER_URL ?? '').trim().replace(/\/+$/, '') || 'http://localhost:4000';
  const dataDir = path.resolve((process.env.CHARTER_DATA_DIR ?? '').trim() || './.charter');
  const state = await readDevIdpState(dataDir);
  if (!state) {
    process.stderr.write(`Charter's development identity provider is not running (nothing in ${dataDir}); start Charter with npm start first\n`);
    return 1;
  }
  const tokens = new Map<string, Promise<string>>();
  const token = (user: string) => {
    if (!tokens.has(user)) tokens.set(user, requestDevToken(state.issuer, user, user));
    return tokens.get(user)!;
  };
  try {
    await fetch(`${url}/health/live`);
  } catch {
    process.stderr.write(`Charter is not answering at ${url}; start it with npm start (or set CHARTER_URL)\n`);
    return 1;
  }
  process.stdout.write(`Filling ${url} with the demo estate…\n`);
  await runDemo({ url, token, log: (line) => process.stdout.write(`${line}\n`) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
