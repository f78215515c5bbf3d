import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AccessSweeper } from '../src/access/access-sweeper';
import { SIGNATURE_HEADER, verifyWebhook } from '../src/access/webhooks/webhook-signature';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestApp } from './support/app';
import { createTestDatabase } from './support/database';
import { startTestIdentityProvider } from './support/identity-provider';

const SECRET = 'warehouse-shared-secret-0123456789';

interface Receiver {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string; status: number }[];
  close(): Promise<void>;
}

/** A real HTTP receiver answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[]): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[Math.min(received.length, statuses.length - 1)]!;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('grant webhooks: signed, retried with backoff, dead-lettered, never dropped', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let flaky: Receiver;
  let down: Receiver;

  before(async () => {
    flaky = await receiver([503, 500, 200]);
    down = await receiver([500]);
    db = await createTestDatabase();
    idp = await startTestIdentityProvider();
    app = await startTestApp(db.url, idp.issuer, {
      ACCESS_WEBHOOK_URLS: `${flaky.url},${down.url}`,
      ACCESS_WEBHOOK_SECRET: SECRET,
      ACCESS_WEBHOOK_MAX_ATTEMPTS: '3',
      ACCESS_WEBHOOK_BACKOFF_MS: '100',
      ACCESS_SWEEP_INTERVAL_MS: '50',
    });
  });

  after(async () => {
    await app?.close();
    await idp?.close();
    await db?.drop();
    await flaky?.close();
    await down?.close();
  });

  it('delivers grant.created after two failures, dead-letters the receiver that never recovers, and retries on request', async () => {
    await app.graphql('{ me { id } }', await idp.token('ds'));
    const [dataset] = await db.query<{ id: string }>(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, sensitivity) VALUES ('s3://lake', 'events', 'retail', 'owner@charter.local', 'public') RETURNING id`,
    );
    const res = await app.graphql<{ requestDatasetAccess: { grant: { id: string } } }>(
      `mutation { requestDatasetAccess(input: { datasetId: "${dataset!.id}", action: READ, purpose: "analytics", durationDays: 7 }) { grant { id } } }`,
      await idp.token('ds'),
    );
    const grantId = res.data!.requestDatasetAccess.grant.id;
    const outbox = await db.query<{ event: string; target_url: string }>(
      `SELECT event, target_url FROM access_webhook_outbox WHERE grant_id = $1 ORDER BY target_url`,
      [grantId],
    );
    assert.equal(outbox.length, 2, 'one outbox row per receiver, written with the grant');

    await until('the flaky receiver accepted a delivery', () => flaky.received.some((r) => r.status === 200));
    assert.deepEqual(
      flaky.received.map((r) => r.status),
      [503, 500, 200],
    );
    const ok = flaky.received[2]!;
    const payload = JSON.parse(ok.body) as { event: string; grantId: string; subject: string; action: string; dataset: { namespace: string } };
    assert.equal(payload.event, 'grant.created');
    assert.equal(payload.grantId, grantId);
    assert.equal(payload.action, 'read');
    assert.equal(payload.dataset.namespace, 's3://lake');
    assert.equal(ok.headers['charter-event'], 'grant.created');
    assert.equal(verifyWebhook(SECRET, ok.body, String(ok.headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000)), true, 'the signature verifies');
    assert.equal(verifyWebhook('not-the-secret-at-all', ok.body, String(ok.headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000)), false);

    // Backoff: the gaps between attempts grow (100 ms, then 200 ms, plus the sweep interval).
    const delivered = await db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM access_webhook_outbox WHERE target_url = $1`, [
      flaky.url,
    ]);
    assert.deepEqual(delivered, [{ status: 'delivered', attempts: 3 }]);

    const token = await idp.token('ciso');
    await until('the dead receiver was dead-lettered', async () => {
      const rows = await db.query<{ status: string }>(`SELECT status FROM access_webhook_outbox WHERE target_url = $1`, [down.url]);
      return rows[0]?.status === 'dead';
    });
    assert.equal(down.received.length, 3, 'exactly the configured number of attempts');
    const dead = await app.graphql<{
      accessWebhookDeliveries: { nodes: { id: string; status: string; attempts: number; lastError: string; targetUrl: string }[] };
    }>('{ accessWebhookDeliveries(status: DEAD) { nodes { id status attempts lastError targetUrl } } }', token);
    assert.equal(dead.errors, undefined, JSON.stringify(dead.errors));
    const [row] = dead.data!.accessWebhookDeliveries.nodes;
    assert.deepEqual({ ...row!, id: undefined }, { id: undefined, status: 'DEAD', attempts: 3, lastError: 'HTTP 500', targetUrl: down.url });
    const events = await db.query(`SELECT 1 FROM governance_audit_events WHERE action = 'access.webhook.deadLetter'`);
    assert.equal(events.length, 1, 'dead-lettering is audited');

    const retried = await app.graphql<{ retryAccessWebhook: { status: string } }>(
      `mutation { retryAccessWebhook(id: "${row!.id}") { status } }`,
      await idp.token('admin'),
    );
    assert.equal(retried.data!.retryAccessWebhook.status, 'PENDING');
    await until('the retried delivery was attempted', () => down.received.length > 3);
    await app.app.get(AccessSweeper).sweep();
  });

  it('announces revocations through the outbox too', async () => {
    const [grant] = await db.query<{ id: string }>(`SELECT id FROM access_grants LIMIT 1`);
    const res = await app.graphql(`mutation { revokeAccessGrant(input: { grantId: "${grant!.id}", reason: "rotation" }) { id } }`, await idp.token('owner'));
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    await until('grant.revoked reached the flaky receiver', () => flaky.received.some((r) => r.body.includes('"grant.revoked"')));
    const revoked = JSON.parse(flaky.received.find((r) => r.body.includes('"grant.revoked"'))!.body) as { reason: string; endedAt: string };
    assert.equal(revoked.reason, 'rotation');
    assert.ok(revoked.endedAt);
    // The receiver that never got grant.created is not sent grant.revoked ahead of it: order per grant and receiver.
    await new Promise((r) => setTimeout(r, 300));
    const held = await db.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM access_webhook_outbox WHERE target_url = $1 AND event = 'grant.revoked'`,
      [down.url],
    );
    assert.deepEqual(held, [{ status: 'pending', attempts: 0 }]);
    assert.ok(!down.received.some((r) => r.body.includes('"grant.revoked"')));
  });
});
