import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './support/app';
import { startTestStack, type TestStack } from './support/stack';

const POLICIES = path.resolve(__dirname, '..', '..', 'policies');

describe('access rules reload (reloadAccessRules)', () => {
  let stack: TestStack | undefined;
  let replica: TestApp | undefined;
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-access-policies-'));
    await fs.cp(POLICIES, dir, { recursive: true });
    stack = await startTestStack({ POLICIES_DIR: dir });
    replica = await startTestApp(stack.db.url, stack.idp.issuer, { POLICIES_DIR: dir });
  });

  after(async () => {
    await replica?.close();
    await stack?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a bad file naming file, rule and field, keeps the rules in force, and applies a good one (audited)', async () => {
    const { app, idp, db } = stack!;
    const admin = await idp.token('admin');
    const before = await app.graphql<{ accessRules: { id: string }[] }>('{ accessRules { id } }', admin);
    await fs.writeFile(
      path.join(dir, 'access-rules', '05-team.yaml'),
      'rules:\n  - id: deny-hr\n    when: { dataset: { domains: [hr] } }\n    outcome: deny\n',
    );
    const bad = await app.graphql('mutation { reloadAccessRules { id } }', admin);
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(bad.errors?.[0]?.extensions?.field, 'access-rules/05-team.yaml#deny-hr:reason');
    assert.match(bad.errors[0].message, /access-rules\/05-team\.yaml: rule deny-hr: reason: must have required property/);
    assert.deepEqual((await app.graphql('{ accessRules { id } }', admin)).data, before.data, 'the rules in force are unchanged');

    await fs.writeFile(
      path.join(dir, 'access-rules', '05-team.yaml'),
      'rules:\n  - id: deny-hr\n    when: { dataset: { domains: [hr] } }\n    outcome: deny\n    reason: HR data is requested through HR.\n',
    );
    const good = await app.graphql<{ reloadAccessRules: { id: string }[] }>('mutation { reloadAccessRules { id } }', admin);
    assert.equal(good.errors, undefined, JSON.stringify(good.errors));
    assert.equal(good.data!.reloadAccessRules[0]!.id, 'deny-hr', 'files are read in name order');
    const [dataset] = await db.query<{ id: string }>(
      `INSERT INTO lineage_datasets (namespace, name, domain, sensitivity) VALUES ('postgres://hr', 'salaries', 'hr', 'public') RETURNING id`,
    );
    const res = await app.graphql<{ requestDatasetAccess: { request: { status: string; ruleId: string; reason: string } } }>(
      `mutation { requestDatasetAccess(input: { datasetId: "${dataset!.id}", action: READ, purpose: "analytics", durationDays: 7 }) { request { status ruleId reason } } }`,
      await idp.token('ds'),
    );
    assert.deepEqual(res.data!.requestDatasetAccess.request, { status: 'DENIED', ruleId: 'deny-hr', reason: 'HR data is requested through HR.' });
    // The other replica re-read its files too: the reload was announced to every replica.
    const deadline = Date.now() + 5_000;
    let onReplica: string | undefined;
    while (onReplica !== 'deny-hr' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      onReplica = (await replica!.graphql<{ accessRules: { id: string }[] }>('{ accessRules { id } }', admin)).data!.accessRules[0]!.id;
    }
    assert.equal(onReplica, 'deny-hr');
    const events = await db.query<{ details: { rules: string[] } }>(`SELECT details FROM governance_audit_events WHERE action = 'access.rules.reload'`);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.details.rules[0], 'access-rules/05-team.yaml#deny-hr');
  });
});
