import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTestApp, type TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

interface Verification {
  verifyAuditChain: { valid: boolean; checkedCount: number; firstBrokenSeq: string | null; problem: string | null };
}
const VERIFY = '{ verifyAuditChain { valid checkedCount firstBrokenSeq problem } }';

describe('governance audit log', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let ciso: string;

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
    ciso = await idp.token('ciso');
    // A mix of events: principals created, denials, rejected tokens, a mutation.
    for (const user of ['admin', 'ds', 'owner']) await app.graphql('{ me { id } }', await idp.token(user));
    await app.graphql('{ auditEvents(first: 1) { nodes { seq } } }', await idp.token('ds'));
    await app.graphql('{ me { id } }', 'not-a-token');
    await app.graphql('mutation { createApiKey(input: { name: "chain", roles: ["service"] }) { apiKey { id } } }', await idp.token('admin'));
  });
  after(async () => {
    await stack?.close();
  });

  it('verifies an untouched chain', async () => {
    const res = await app.graphql<Verification>(VERIFY, ciso);
    assert.equal(res.data?.verifyAuditChain.valid, true);
    assert.ok(res.data.verifyAuditChain.checkedCount >= 7);
    assert.equal(res.data?.verifyAuditChain.firstBrokenSeq, null);
  });

  it('lists events newest first with filters and cursor pagination', async () => {
    type Page = { auditEvents: { nodes: { seq: string; action: string; decision: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const q = `query($after: String, $decision: String) { auditEvents(first: 2, after: $after, decision: $decision) { nodes { seq action decision } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof app.graphql<Page>>> = await app.graphql<Page>(q, ciso, { after, decision: 'deny' });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      for (const n of res.data!.auditEvents.nodes) {
        assert.equal(n.decision, 'deny');
        seen.push(n.seq);
      }
      after = res.data!.auditEvents.pageInfo.hasNextPage ? res.data!.auditEvents.pageInfo.endCursor : null;
    } while (after);
    const expected = await db.query<{ seq: string }>(`SELECT seq FROM governance_audit_events WHERE decision = 'deny' ORDER BY seq DESC`);
    assert.deepEqual(
      seen,
      expected.map((r) => r.seq),
    );
    assert.ok(seen.length >= 2);
  });

  it('refuses UPDATE and DELETE from the application role', async () => {
    await assert.rejects(db.query(`UPDATE governance_audit_events SET reason = 'edited' WHERE seq = 1`), /append-only/);
    await assert.rejects(db.query(`DELETE FROM governance_audit_events WHERE seq = 1`), /append-only/);
  });

  it('names the first row changed by direct SQL that bypassed the trigger', async () => {
    const [target] = await db.query<{ seq: string }>(`SELECT seq FROM governance_audit_events WHERE decision = 'deny' ORDER BY seq LIMIT 1`);
    // A superuser can switch triggers off; the chain still catches the edit.
    await db.query(`
      BEGIN;
      SET LOCAL session_replication_role = replica;
      UPDATE governance_audit_events SET decision = 'allow' WHERE seq = ${target!.seq};
      COMMIT;`);
    const res = await app.graphql<Verification>(VERIFY, ciso);
    assert.equal(res.data?.verifyAuditChain.valid, false);
    assert.equal(res.data?.verifyAuditChain.firstBrokenSeq, target!.seq);
    assert.match(res.data.verifyAuditChain.problem!, /altered/);
    assert.equal(res.data?.verifyAuditChain.checkedCount, Number(target!.seq) - 1);
  });

  it('detects a deleted row even when the rest is intact', async () => {
    const other = await createTestDatabase();
    const otherApp = await startTestApp(other.url, idp.issuer);
    try {
      for (const user of ['admin', 'ds', 'owner', 'risk']) await otherApp.graphql('{ me { id } }', await idp.token(user));
      await other.query(`BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM governance_audit_events WHERE seq = 2; COMMIT;`);
      const res = await otherApp.graphql<Verification>(VERIFY, await idp.token('ciso'));
      assert.equal(res.data?.verifyAuditChain.valid, false);
      assert.equal(res.data?.verifyAuditChain.firstBrokenSeq, '2');
      assert.match(res.data.verifyAuditChain.problem!, /missing/);
    } finally {
      await otherApp.close();
      await other.drop();
    }
  });
});
