import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './support/app';
import { startTestStack, type TestStack } from './support/stack';

async function until(what: string, condition: () => Promise<boolean>, ms = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

describe('the decision index follows grants and revocations on every replica', () => {
  let stack: TestStack | undefined;
  let replica: TestApp | undefined;

  before(async () => {
    stack = await startTestStack();
    replica = await startTestApp(stack.db.url, stack.idp.issuer);
  });

  after(async () => {
    await replica?.close();
    await stack?.close();
  });

  it('a grant made on one replica is answered by the other, and so is its revocation', async () => {
    const { app, idp, db } = stack!;
    const key = await app.graphql<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "lake", roles: ["service"] }) { secret } }',
      await idp.token('admin'),
    );
    const check = async (body: object) => {
      const res = await fetch(`${replica!.url}/api/v1/authz/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.data!.createApiKey.secret}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { allowed: boolean; grantId: string | null };
    };
    const [dataset] = await db.query<{ id: string }>(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, sensitivity) VALUES ('s3://lake', 'clicks', 'retail', 'owner@charter.local', 'public') RETURNING id`,
    );
    const asked = { subject: 'ds@charter.local', dataset: dataset!.id, action: 'read' };
    const made = await app.graphql<{ requestDatasetAccess: { grant: { id: string } } }>(
      `mutation { requestDatasetAccess(input: { datasetId: "${dataset!.id}", action: READ, purpose: "analytics", durationDays: 7 }) { grant { id } } }`,
      await idp.token('ds'),
    );
    const grantId = made.data!.requestDatasetAccess.grant.id;
    await until('the other replica allows', async () => (await check(asked)).allowed);
    assert.equal((await check(asked)).grantId, grantId);

    const revoked = await app.graphql(
      `mutation { revokeAccessGrant(input: { grantId: "${grantId}", reason: "moved team" }) { id } }`,
      await idp.token('owner'),
    );
    assert.equal(revoked.errors, undefined, JSON.stringify(revoked.errors));
    await until('the other replica denies', async () => !(await check(asked)).allowed);
  });
});
