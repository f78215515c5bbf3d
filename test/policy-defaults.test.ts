import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startTestIdentityProvider, type TestIdentityProvider } from './support/identity-provider';

const POLICIES = path.resolve(__dirname, '..', '..', 'policies');

describe('default policy lines are applied once per installation', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let dir: string;

  before(async () => {
    db = await createTestDatabase();
    idp = await startTestIdentityProvider();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-policies-'));
    await fs.cp(POLICIES, dir, { recursive: true });
  });
  after(async () => {
    await idp?.close();
    await db?.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const count = async (v0: string, v2: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM casbin_rule WHERE ptype = 'p' AND v0 = $1 AND v2 = $2`, [v0, v2]))[0]!.n);

  it('keeps an admin removal across restarts and adds lines a new release brings', async () => {
    const first = await startTestApp(db.url, idp.issuer, { POLICIES_DIR: dir });
    assert.equal(await count('ciso', 'audit'), 1);
    const removed = await first.graphql(
      'mutation { removePolicy(input: { subject: "ciso", domain: "*", object: "audit", action: "read", effect: allow }) }',
      await idp.token('admin'),
    );
    assert.equal(removed.errors, undefined);
    await first.close();

    // The next release adds a default line.
    await fs.appendFile(path.join(dir, 'policy.csv'), '\np, compliance, *, reports, read, allow\n');
    const second = await startTestApp(db.url, idp.issuer, { POLICIES_DIR: dir });
    try {
      assert.equal(await count('ciso', 'audit'), 0, 'the removed default line is not added back');
      assert.equal(await count('compliance', 'reports'), 1, 'the new default line arrives');
    } finally {
      await second.close();
    }
  });
});
