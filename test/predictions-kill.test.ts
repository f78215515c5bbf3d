import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../src/database/embedded-postgres';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTestIdentityProvider, type TestIdentityProvider } from './support/identity-provider';

const DIST_SRC = path.resolve(__dirname, '..', 'src');
const CLIENTS = 24;

/**
 * The built service is killed with SIGKILL while loggers post; after a restart every acknowledged
 * half is stored exactly once and each model chain verifies.
 */
describe('prediction ingest survives SIGKILL', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let env: NodeJS.ProcessEnv;
  let url: string;

  before(async () => {
    db = await createTestDatabase();
    idp = await startTestIdentityProvider();
    const port = await findFreePort();
    url = `http://127.0.0.1:${port}`;
    env = { ...process.env, DATABASE_URL: db.url, OIDC_ISSUER_URL: idp.issuer, PORT: String(port), NODE_ENV: 'test', LOG_LEVEL: 'info' };
  });
  after(async () => {
    await idp.close();
    await db.drop();
  });

  // Everything the service printed (LOG_LEVEL=info: one access-log line per request).
  let output = '';

  async function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [path.join(DIST_SRC, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const collect = (c: Buffer) => {
      out += c.toString();
      output += c.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const t0 = performance.now();
    while (performance.now() - t0 < 30_000) {
      if (child.exitCode !== null) throw new Error(`charter exited with ${child.exitCode}: ${out}`);
      if (
        await fetch(`${url}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        )
      )
        return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`not ready within 30 s: ${out}`);
  }

  async function graphql<T>(query: string, user: string): Promise<T> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token(user)}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }

  it('stores every acknowledged half exactly once and the chains verify after a restart', async () => {
    let child = await start();
    const key = (
      await graphql<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "kserve", roles: ["service"] }) { secret } }', 'admin')
    ).createApiKey.secret;
    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const model = `kill-model-${c % 3}`;
        const id = `k-${c}-${i}`;
        sent++;
        try {
          // Every fourth request is a batch of both halves; the others are single binary events.
          if (i % 4 === 0) {
            const events = ['request', 'response'].map((kind) => ({
              specversion: '1.0',
              id,
              type: `org.kubeflow.serving.inference.${kind}`,
              source: 'kill-test',
              inferenceservicename: model,
              data: { n: i },
            }));
            const res = await fetch(`${url}/api/v1/predictions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' },
              body: JSON.stringify(events),
            });
            if (res.status === 200) acknowledged.push(`${model}/${id}/request`, `${model}/${id}/response`);
          } else {
            for (const kind of ['request', 'response']) {
              const res = await fetch(`${url}/api/v1/predictions`, {
                method: 'POST',
                headers: {
                  authorization: `Bearer ${key}`,
                  'content-type': 'application/json',
                  'ce-id': id,
                  'ce-specversion': '1.0',
                  'ce-source': 'kill-test',
                  'ce-type': `org.kubeflow.serving.inference.${kind}`,
                  'ce-inferenceservicename': model,
                },
                body: JSON.stringify({ n: i }),
              });
              if (res.status === 200) acknowledged.push(`${model}/${id}/${kind}`);
            }
          }
        } catch {
          return; // the connection died with the process: this half was never acknowledged
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(clients);
    assert.ok(acknowledged.length > 100, `only ${acknowledged.length} halves acknowledged before the kill`);

    child = await start();
    try {
      const rows = await db.query<{ k: string; n: string }>(
        `SELECT model_name || '/' || correlation_id || '/' || kind AS k, count(*) AS n FROM prediction_events GROUP BY 1`,
      );
      const stored = new Map(rows.map((r) => [r.k, Number(r.n)]));
      const missing = acknowledged.filter((k) => !stored.has(k));
      assert.deepEqual(missing, [], 'every acknowledged half is stored');
      assert.deepEqual(
        rows.filter((r) => r.n !== '1'),
        [],
        'no half is stored twice',
      );
      for (let m = 0; m < 3; m++) {
        const v = await graphql<{ verifyPredictionChain: { valid: boolean; checkedCount: number; problem: string | null } }>(
          `{ verifyPredictionChain(model: "kill-model-${m}") { valid checkedCount problem } }`,
          'compliance',
        );
        assert.equal(v.verifyPredictionChain.valid, true, v.verifyPredictionChain.problem ?? '');
        assert.equal(v.verifyPredictionChain.checkedCount, [...stored.keys()].filter((k) => k.startsWith(`kill-model-${m}/`)).length);
      }
      // A logger that cannot set headers puts the key in the path; the logs show the route pattern only.
      const viaPath = await fetch(`${url}/api/v1/predictions/key/${key}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ce-id': 'path-key',
          'ce-type': 'org.kubeflow.serving.inference.request',
          'ce-inferenceservicename': 'm',
        },
        body: '{}',
      });
      assert.equal(viaPath.status, 200);
      const denied = await fetch(`${url}/api/v1/predictions/key/${key.slice(0, -4)}abcd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(denied.status, 401);
      await new Promise((r) => setTimeout(r, 500));
      assert.match(output, /\/api\/v1\/predictions\/key\/:key/, 'the access log names the route pattern');
      assert.ok(!output.includes(key.slice(4)), 'the API key never reaches the logs');
      assert.ok(!output.includes(key.slice(4, -4)), 'not even the rejected one');
      process.stdout.write(`${acknowledged.length} halves acknowledged (${sent} predictions attempted) before SIGKILL; ${rows.length} stored\n`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
