import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../src/database/embedded-postgres';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const MAIN = path.resolve(__dirname, '..', 'src', 'main.js');
const QUERY = '{ auditEvents(first: 1) { nodes { seq } } }';

/** A second Charter replica: a separate OS process on the same database. */
async function startReplica(env: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`replica exited: ${stderr}`);
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`replica not ready in 20 s: ${stderr}`);
}

async function status(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function timeUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (await check()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 5));
  }
  return Infinity;
}

describe('policy changes reach every replica', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let replica: { url: string; process: ChildProcess };

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
    replica = await startReplica({ DATABASE_URL: db.url, OIDC_ISSUER_URL: idp.issuer, NODE_ENV: 'test' });
  });
  after(async () => {
    if (replica) {
      const exited = new Promise((r) => replica.process.once('exit', r));
      replica.process.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
  });

  it('applies an added and a removed policy in another process within 1 s', async () => {
    const ds = await idp.token('ds');
    const admin = await idp.token('admin');
    assert.equal(await status(replica.url, ds), 403);

    const policy = '{ subject: "data_scientist", domain: "*", object: "audit", action: "read", effect: allow }';
    const added = await app.graphql(`mutation { addPolicy(input: ${policy}) { id } }`, admin);
    assert.equal(added.errors, undefined);
    const addMs = await timeUntil(async () => (await status(replica.url, ds)) === 200, 1000);
    assert.ok(addMs < 1000, `the replica allowed the request after ${addMs} ms`);

    const removed = await app.graphql(`mutation { removePolicy(input: ${policy}) }`, admin);
    assert.equal(removed.errors, undefined);
    const removeMs = await timeUntil(async () => (await status(replica.url, ds)) === 403, 1000);
    assert.ok(removeMs < 1000, `the replica denied the request again after ${removeMs} ms`);
    process.stdout.write(`# propagation to the second process: add ${addMs.toFixed(0)} ms, remove ${removeMs.toFixed(0)} ms\n`);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const child = await startReplica({ DATABASE_URL: db.url, OIDC_ISSUER_URL: idp.issuer, NODE_ENV: 'test' });
    const code = await new Promise<number | null>((resolve) => {
      child.process.once('exit', (c) => resolve(c));
      child.process.kill('SIGTERM');
    });
    assert.equal(code, 0);
  });
});
