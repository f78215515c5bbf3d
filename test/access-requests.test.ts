import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessSweeper } from '../src/access/access-sweeper';
import { DenialAuditBatcher } from '../src/access/decision/denial-audit-batcher';
import { AccessIndex } from '../src/access/grants/access-index';
import { AuthorizationService } from '../src/authz/authorization.service';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const DECISION = `request { id status stage reason ruleId ruleFile decidedAutomatically requiredApprovals durationDays facts approvals { approver { email } authority } grantId }
  grant { id action expiresAt active grantedBy request { id } }`;

interface Decision {
  request: {
    id: string;
    status: string;
    stage: string | null;
    reason: string;
    ruleId: string | null;
    ruleFile: string | null;
    decidedAutomatically: boolean;
    requiredApprovals: number;
    durationDays: number;
    facts: { requester: { roles: string[]; attestations: string[] }; dataset: { sensitivity: string; tags: string[] }; request: { purpose: string } };
    approvals: { approver: { email: string }; authority: string }[];
    grantId: string | null;
  };
  grant: { id: string; action: string; expiresAt: string; active: boolean; grantedBy: string; request: { id: string } } | null;
}

describe('dataset access requests, grants and the decision API', () => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let apiKey: string;
  const ds: Record<string, string> = {};

  const gql = async <T>(user: string, query: string, variables?: Record<string, unknown>) => app.graphql<T>(query, await idp.token(user), variables);
  const ask = async (user: string, input: Record<string, unknown>) => {
    const res = await gql<{ requestDatasetAccess: Decision }>(
      user,
      `mutation($input: RequestDatasetAccessInput!) { requestDatasetAccess(input: $input) { ${DECISION} } }`,
      { input: { action: 'READ', purpose: 'analytics', durationDays: 30, justification: 'churn model', ...input } },
    );
    return res;
  };
  const check = async (body: unknown) => {
    const res = await fetch(`${app.url}/api/v1/authz/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        allowed: boolean;
        reason: string;
        grantId: string | null;
        expiresAt: string | null;
        fields?: string[] | null;
        code?: string;
        field?: string;
      },
    };
  };
  const principalId = async (user: string) => (await db.query<{ id: string }>(`SELECT id FROM principals WHERE email = $1`, [`${user}@charter.local`]))[0]!.id;
  /** The index follows commits through LISTEN/NOTIFY; give it the moment that takes. */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 150));
    await app.app.get(AccessIndex).reload();
  };
  const audit = (action: string) =>
    db.query<{ actor_label: string | null; target: string; reason: string; details: Record<string, unknown> }>(
      `SELECT actor_label, target, reason, details FROM governance_audit_events WHERE action = $1 ORDER BY seq`,
      [action],
    );

  before(async () => {
    // The sweeper runs only when a test asks for it; escalations become overdue after a second.
    stack = await startTestStack({ ACCESS_SWEEP_INTERVAL_MS: '3600000', ACCESS_ESCALATION_SECONDS: '1' });
    ({ db, idp, app } = stack);
    const created = await gql<{ createApiKey: { secret: string } }>(
      'admin',
      'mutation { createApiKey(input: { name: "warehouse", roles: ["service"] }) { secret } }',
    );
    apiKey = created.data!.createApiKey.secret;
    // Everyone signs in once, so they exist as principals.
    for (const user of ['ds', 'owner', 'risk', 'ciso', 'compliance']) assert.equal((await gql(user, '{ me { id } }')).errors, undefined);
    const datasets: [string, string, string | null, string, string[]][] = [
      ['sales', 'internal', 'owner@charter.local', 'retail', []],
      ['customers', 'internal', 'owner@charter.local', 'retail', ['PII:US_SSN']],
      ['ledger', 'confidential', 'owner@charter.local', 'finance', []],
      ['patients', 'restricted', 'owner@charter.local', 'health', ['PII:PERSON']],
      ['orphans', 'confidential', null, 'finance', []],
    ];
    for (const [name, sensitivity, owner, domain, tags] of datasets) {
      const rows = await db.query<{ id: string }>(
        `INSERT INTO lineage_datasets (namespace, name, domain, owner, tags, sensitivity) VALUES ('postgres://wh', $1, $2, $3, $4, $5) RETURNING id`,
        [name, domain, owner, tags, sensitivity],
      );
      ds[name] = rows[0]!.id;
    }
  });

  after(async () => {
    await stack?.close();
  });

  it('approves automatically, storing the rule and the facts it used, and grants with an expiry', async () => {
    const res = await ask('ds', { namespace: 'postgres://wh', name: 'sales', durationDays: 400 });
    assert.equal(res.errors?.[0]?.extensions?.field, 'input.durationDays', 'durations beyond a year are refused');
    const ok = await ask('ds', { datasetId: ds['sales'], durationDays: 120 });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    const d = ok.data!.requestDatasetAccess;
    assert.equal(d.request.status, 'APPROVED');
    assert.equal(d.request.ruleId, 'approve-internal-read');
    assert.equal(d.request.ruleFile, 'access-rules/20-approvals.yaml');
    assert.equal(d.request.decidedAutomatically, true);
    assert.equal(d.request.durationDays, 90, 'capped by the rule');
    assert.deepEqual(d.request.facts.requester.roles, ['data_scientist']);
    assert.equal(d.request.facts.dataset.sensitivity, 'internal');
    assert.equal(d.request.facts.request.purpose, 'analytics');
    assert.equal(d.grant!.action, 'READ');
    assert.equal(d.grant!.grantedBy, 'rule:approve-internal-read');
    const days = (Date.parse(d.grant!.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 89.9 && days <= 90, `expires in ${days} days`);
    assert.equal(d.request.grantId, d.grant!.id);

    const events = await audit('access.request.approve');
    assert.equal((events[0]!.details as { ruleId: string }).ruleId, 'approve-internal-read');
    assert.ok((await audit('access.grant.create')).some((e) => (e.details as { grantId: string }).grantId === d.grant!.id));
    const line = await db.query<{ v0: string; v2: string; v3: string; v5: string }>(
      `SELECT v0, v2, v3, v5 FROM casbin_rule WHERE id = (SELECT policy_rule_id FROM access_grants WHERE id = $1)`,
      [d.grant!.id],
    );
    assert.deepEqual(line[0], {
      v0: `user:${await principalId('ds')}`,
      v2: `dataset:${ds['sales']}`,
      v3: 'read',
      v5: new Date(d.grant!.expiresAt).toISOString(),
    });

    const mine = await gql<{ myAccessRequests: { nodes: { id: string }[] } }>('ds', '{ myAccessRequests { nodes { id } } }');
    assert.deepEqual(
      mine.data!.myAccessRequests.nodes.map((n) => n.id),
      [d.request.id],
    );
  });

  it('denies with the reason shown, and approves once compliance records the training', async () => {
    const denied = (await ask('ds', { datasetId: ds['customers'] })).data!.requestDatasetAccess;
    assert.equal(denied.request.status, 'DENIED');
    assert.equal(denied.request.ruleId, 'deny-pii-untrained');
    assert.match(denied.request.reason, /privacy training/);
    assert.deepEqual(denied.request.facts.dataset.tags, ['PII:US_SSN']);
    assert.equal(denied.grant, null);

    const refused = await gql('ds', 'mutation { setAccessAttestation(input: { principal: "ds@charter.local", kind: "privacy-training" }) { kind } }');
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'people do not attest for themselves');
    const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const set = await gql(
      'compliance',
      `mutation { setAccessAttestation(input: { principal: "ds@charter.local", kind: "privacy-training", expiresAt: "${expiresAt}" }) { kind expiresAt } }`,
    );
    assert.equal(set.errors, undefined, JSON.stringify(set.errors));
    const approved = (await ask('ds', { datasetId: ds['customers'] })).data!.requestDatasetAccess;
    assert.equal(approved.request.status, 'APPROVED');
    assert.deepEqual(approved.request.facts.requester.attestations, ['privacy-training']);
    assert.equal((await audit('access.attestation.set')).length, 1);
  });

  it('denies everything while a violation is open', async () => {
    const opened = await gql<{ openAccessViolation: { id: string } }>(
      'compliance',
      'mutation { openAccessViolation(input: { principal: "ds@charter.local", description: "shared an extract on a public drive" }) { id } }',
    );
    const denied = (await ask('ds', { datasetId: ds['sales'], action: 'READ_MASKED' })).data!.requestDatasetAccess;
    assert.equal(denied.request.ruleId, 'deny-open-violation');
    await gql('compliance', `mutation { closeAccessViolation(id: "${opened.data!.openAccessViolation.id}") }`);
    assert.equal((await ask('ds', { datasetId: ds['sales'], action: 'READ_MASKED' })).data!.requestDatasetAccess.request.status, 'APPROVED');
    assert.equal((await audit('access.violation.open')).length, 1);
    assert.equal((await audit('access.violation.close')).length, 1);
  });

  it('refuses bad input with the field at fault, writing nothing', async () => {
    const before = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_requests`);
    const purpose = await ask('ds', { datasetId: ds['sales'], purpose: 'curiosity' });
    assert.equal(purpose.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(purpose.errors?.[0]?.extensions?.field, 'input.purpose');
    const noDataset = await ask('ds', {});
    assert.equal(noDataset.errors?.[0]?.extensions?.field, 'input.datasetId');
    const missing = await ask('ds', { datasetId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.deepEqual(await db.query(`SELECT count(*)::int AS n FROM access_requests`), before);
  });

  it("escalates to the owner, who approves; the owner's inbox shows it; the requester cannot approve", async () => {
    const escalated = (await ask('ds', { datasetId: ds['ledger'], action: 'EXPORT', purpose: 'data-quality' })).data!.requestDatasetAccess;
    assert.equal(escalated.request.status, 'ESCALATED');
    assert.equal(escalated.request.stage, 'OWNER');
    assert.equal(escalated.request.ruleId, 'escalate-everything-else');
    assert.equal(escalated.grant, null);

    const inbox = await gql<{ accessRequests: { nodes: { id: string }[] } }>('owner', '{ accessRequests(status: ESCALATED) { nodes { id } } }');
    assert.ok(inbox.data!.accessRequests.nodes.some((n) => n.id === escalated.request.id));
    const self = await gql('ds', `mutation { approveAccessRequest(input: { requestId: "${escalated.request.id}" }) { request { status } } }`);
    assert.equal(self.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'data scientists do not review');

    const tooLong = await gql(
      'owner',
      `mutation { approveAccessRequest(input: { requestId: "${escalated.request.id}", durationDays: 31 }) { request { status } } }`,
    );
    assert.equal(tooLong.errors?.[0]?.extensions?.field, 'input.durationDays', 'an owner may shorten the duration, not extend it');
    // The owner approves for a shorter time than the 30 days asked.
    const approved = await gql<{ approveAccessRequest: Decision }>(
      'owner',
      `mutation { approveAccessRequest(input: { requestId: "${escalated.request.id}", note: "quarterly reconciliation", durationDays: 7 }) { ${DECISION} } }`,
    );
    assert.equal(approved.errors, undefined, JSON.stringify(approved.errors));
    const d = approved.data!.approveAccessRequest;
    assert.equal(d.request.status, 'APPROVED');
    const days = (Date.parse(d.grant!.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `the grant lasts the 7 days approved, not the 30 asked (${days})`);
    assert.equal(d.request.decidedAutomatically, false);
    assert.deepEqual(d.request.approvals, [{ approver: { email: 'owner@charter.local' }, authority: 'owner' }]);
    assert.equal(d.grant!.grantedBy, 'approvers:owner@charter.local');
    const again = await gql('owner', `mutation { approveAccessRequest(input: { requestId: "${escalated.request.id}" }) { request { status } } }`);
    assert.equal(again.errors?.[0]?.extensions?.code, 'CONFLICT');
  });

  it('separation of duties: nobody decides on their own request', async () => {
    const own = (await ask('owner', { datasetId: ds['ledger'], action: 'EXPORT', purpose: 'data-quality' })).data!.requestDatasetAccess;
    assert.equal(own.request.status, 'ESCALATED');
    const res = await gql('owner', `mutation { approveAccessRequest(input: { requestId: "${own.request.id}" }) { request { status } } }`);
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(res.errors[0].message, /separation of duties/);
    const deny = await gql('owner', `mutation { denyAccessRequest(input: { requestId: "${own.request.id}", reason: "no" }) { status } }`);
    assert.equal(deny.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    // The domain's risk officer can decide it instead.
    const denied = await gql<{ denyAccessRequest: { status: string; reason: string } }>(
      'risk',
      `mutation { denyAccessRequest(input: { requestId: "${own.request.id}", reason: "use the masked view" }) { status reason } }`,
    );
    assert.deepEqual(denied.data!.denyAccessRequest, { status: 'DENIED', reason: 'use the masked view' });
    assert.equal((await audit('access.request.reject')).length, 1);
  });

  it('restricted data needs two distinct approvers', async () => {
    const req = (await ask('ds', { datasetId: ds['patients'], action: 'READ_MASKED', purpose: 'model-training' })).data!.requestDatasetAccess.request;
    assert.equal(req.status, 'ESCALATED');
    assert.equal(req.ruleId, 'escalate-restricted');
    assert.equal(req.requiredApprovals, 2);
    const first = await gql<{ approveAccessRequest: Decision }>(
      'owner',
      `mutation { approveAccessRequest(input: { requestId: "${req.id}" }) { ${DECISION} } }`,
    );
    assert.equal(first.data!.approveAccessRequest.request.status, 'ESCALATED');
    assert.equal(first.data!.approveAccessRequest.request.stage, 'RISK_OFFICER');
    assert.equal(first.data!.approveAccessRequest.grant, null);
    const twice = await gql('owner', `mutation { approveAccessRequest(input: { requestId: "${req.id}" }) { request { status } } }`);
    assert.equal(twice.errors?.[0]?.extensions?.code, 'CONFLICT', 'the same person cannot be both approvers');
    const second = await gql<{ approveAccessRequest: Decision }>(
      'risk',
      `mutation { approveAccessRequest(input: { requestId: "${req.id}" }) { ${DECISION} } }`,
    );
    const d = second.data!.approveAccessRequest;
    assert.equal(d.request.status, 'APPROVED');
    assert.deepEqual(
      d.request.approvals.map((a) => a.authority),
      ['owner', 'risk_officer'],
    );
    assert.ok(d.grant);
  });

  it('hands an overdue escalation to the risk officer (sweeper, audited)', async () => {
    const req = (await ask('ds', { datasetId: ds['ledger'], action: 'EXPORT', purpose: 'analytics' })).data!.requestDatasetAccess.request;
    assert.equal(req.stage, 'OWNER');
    const orphan = (await ask('ds', { datasetId: ds['orphans'], action: 'EXPORT', purpose: 'analytics' })).data!.requestDatasetAccess.request;
    assert.equal(orphan.stage, 'RISK_OFFICER', 'no owner: straight to the risk officer');
    await new Promise((r) => setTimeout(r, 1100));
    await app.app.get(AccessSweeper).sweep();
    const inbox = await gql<{ accessRequests: { nodes: { id: string; stage: string }[] } }>(
      'risk',
      '{ accessRequests(status: ESCALATED, stage: RISK_OFFICER) { nodes { id stage } } }',
    );
    assert.ok(inbox.data!.accessRequests.nodes.some((n) => n.id === req.id));
    assert.ok((await audit('access.request.escalateToRiskOfficer')).some((e) => (e.details as { requestId: string }).requestId === req.id));
  });

  it('the decision API answers from grants, covers weaker actions, and audits denials', async () => {
    await settle();
    const dsId = await principalId('ds');
    const allowed = await check({ subject: `user:${dsId}`, dataset: ds['sales'], action: 'read' });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.body.allowed, true);
    assert.ok(allowed.body.grantId && allowed.body.expiresAt);
    assert.deepEqual(allowed.body.fields, [], 'the grant covers the whole dataset');
    assert.equal(
      (await check({ subject: 'ds@charter.local', dataset: { namespace: 'postgres://wh', name: 'sales' }, action: 'read_masked' })).body.allowed,
      true,
    );
    const exportDenied = await check({ subject: dsId, dataset: ds['sales'], action: 'export' });
    assert.equal(exportDenied.body.allowed, false);
    assert.match(exportDenied.body.reason, /do not include export/);
    assert.equal((await check({ subject: 'nobody@charter.local', dataset: ds['sales'], action: 'read' })).body.allowed, false);

    const bad = await check({ subject: dsId, dataset: 'sales', action: 'read' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, '/dataset');
    const person = await fetch(`${app.url}/api/v1/authz/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.token('ds')}` },
      body: JSON.stringify({ subject: dsId, dataset: ds['sales'], action: 'read' }),
    });
    assert.equal(person.status, 403, 'only data platforms (access.check) ask');

    await app.app.get(DenialAuditBatcher).flush();
    const denials = await audit('access.check');
    assert.ok(denials.some((e) => e.reason.includes('do not include export') && e.target === `dataset:${ds['sales']}`));
  });

  it('enforces expiry at check time, before any sweep, and the sweeper then ends and audits it', async () => {
    const d = (await ask('ds', { datasetId: ds['sales'], action: 'EXPORT', purpose: 'analytics' })).data!.requestDatasetAccess;
    // ds holds '*' roles, so internal exports are "same domain".
    assert.equal(d.request.status, 'APPROVED');
    const grantId = d.grant!.id;
    // Let the grant run out in a second: in the grant, and in its Casbin line.
    await db.query(`UPDATE access_grants SET granted_at = now() - interval '1 hour', expires_at = now() + interval '1 second' WHERE id = $1`, [grantId]);
    await db.query(
      `UPDATE casbin_rule SET v5 = to_char((SELECT expires_at FROM access_grants WHERE id = $1) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        WHERE id = (SELECT policy_rule_id FROM access_grants WHERE id = $1)`,
      [grantId],
    );
    await db.query(`SELECT pg_notify('charter_policy', '')`);
    await settle();
    await app.app.get(AuthorizationService).reload();
    const dsId = await principalId('ds');
    const subject = { id: dsId, subject: `user:${dsId}`, kind: 'user' as const, via: 'oidc' as const, roles: [] };
    assert.equal((await check({ subject: dsId, dataset: ds['sales'], action: 'export' })).body.grantId, grantId);
    assert.equal(app.app.get(AuthorizationService).check(subject, `dataset:${ds['sales']}.export`, 'retail').allowed, true);

    await new Promise((r) => setTimeout(r, 1200));
    const after = await check({ subject: dsId, dataset: ds['sales'], action: 'export' });
    assert.equal(after.body.allowed, false, 'expired grants deny even though nothing swept them');
    assert.match(after.body.reason, /expired/);
    assert.equal(
      app.app.get(AuthorizationService).check(subject, `dataset:${ds['sales']}.export`, 'retail').allowed,
      false,
      'the Casbin line stops matching too',
    );
    assert.equal((await db.query(`SELECT ended_at FROM access_grants WHERE id = $1`, [grantId]))[0]!.ended_at === null, true);

    await app.app.get(AccessSweeper).sweep();
    const row = (
      await db.query<{ end_reason: string; policy_line: number }>(
        `SELECT end_reason, (SELECT count(*)::int FROM casbin_rule WHERE id = g.policy_rule_id) AS policy_line FROM access_grants g WHERE id = $1`,
        [grantId],
      )
    )[0]!;
    assert.deepEqual(row, { end_reason: 'expired', policy_line: 0 });
    assert.ok((await audit('access.grant.expire')).some((e) => (e.details as { grantId: string }).grantId === grantId));
  });

  it('owners and CISOs revoke at any time with a reason; the decision API follows', async () => {
    const dsId = await principalId('ds');
    const grantId = (await check({ subject: dsId, dataset: ds['sales'], action: 'read' })).body.grantId!;
    const noReason = await gql('owner', `mutation { revokeAccessGrant(input: { grantId: "${grantId}", reason: " " }) { id } }`);
    assert.equal(noReason.errors?.[0]?.extensions?.field, 'input.reason');
    const byScientist = await gql('ds', `mutation { revokeAccessGrant(input: { grantId: "${grantId}", reason: "x" }) { id } }`);
    assert.equal(byScientist.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const revoked = await gql<{ revokeAccessGrant: { active: boolean; endReason: string; endNote: string; endedBy: { email: string } } }>(
      'owner',
      `mutation { revokeAccessGrant(input: { grantId: "${grantId}", reason: "project ended" }) { active endReason endNote endedBy { email } } }`,
    );
    assert.deepEqual(revoked.data!.revokeAccessGrant, {
      active: false,
      endReason: 'REVOKED',
      endNote: 'project ended',
      endedBy: { email: 'owner@charter.local' },
    });
    await settle();
    const answer = await check({ subject: dsId, dataset: ds['sales'], action: 'read' });
    assert.equal(answer.body.allowed, false);
    assert.ok((await audit('access.grant.revoke')).some((e) => e.reason === 'project ended'));

    const other = (await check({ subject: dsId, dataset: ds['customers'], action: 'read' })).body.grantId!;
    const byCiso = await gql<{ revokeAccessGrant: { endReason: string } }>(
      'ciso',
      `mutation { revokeAccessGrant(input: { grantId: "${other}", reason: "incident 42" }) { endReason } }`,
    );
    assert.equal(byCiso.data!.revokeAccessGrant.endReason, 'REVOKED');
  });

  it('a CISO follows person → grants → requests and approvals → datasets, and asks who had access at a past time', async () => {
    const chain = await gql<{
      accessChain: {
        person: { email: string };
        grants: {
          active: boolean;
          endReason: string | null;
          grantedBy: string;
          dataset: { name: string; sensitivity: string };
          request: { ruleId: string; approvals: { approver: { email: string } }[] };
        }[];
      };
    }>(
      'ciso',
      `{ accessChain(principal: "ds@charter.local") { person { email } grants { active endReason grantedBy dataset { name sensitivity } request { ruleId purpose approvals { approver { email } } } } } }`,
    );
    assert.equal(chain.errors, undefined, JSON.stringify(chain.errors));
    const c = chain.data!.accessChain;
    assert.equal(c.person.email, 'ds@charter.local');
    const patients = c.grants.find((g) => g.dataset.name === 'patients')!;
    assert.deepEqual(
      patients.request.approvals.map((a) => a.approver.email),
      ['owner@charter.local', 'risk@charter.local'],
    );
    assert.ok(c.grants.some((g) => g.endReason === 'REVOKED' && g.dataset.name === 'sales'));
    assert.ok(c.grants.some((g) => g.grantedBy === 'rule:approve-internal-read'));

    // A moment ago the revoked grant on sales was valid; now only ones still live show.
    const [sales] = await db.query<{ granted_at: Date }>(`SELECT granted_at FROM access_grants WHERE dataset_id = $1 AND end_reason = 'revoked'`, [
      ds['sales'],
    ]);
    const then = await gql<{ datasetAccessAt: { person: { email: string }; endReason: string | null; grantedBy: string }[] }>(
      'ciso',
      `{ datasetAccessAt(namespace: "postgres://wh", name: "sales", at: "${new Date(sales!.granted_at.getTime() + 1).toISOString()}") { person { email } endReason grantedBy } }`,
    );
    assert.ok(then.data!.datasetAccessAt.some((g) => g.endReason === 'REVOKED' && g.grantedBy === 'rule:approve-internal-read'));
    const now = await gql<{ datasetAccessAt: { endReason: string | null }[] }>(
      'ciso',
      `{ datasetAccessAt(datasetId: "${ds['sales']}", at: "${new Date().toISOString()}") { endReason } }`,
    );
    assert.ok(now.data!.datasetAccessAt.every((g) => g.endReason === null));
    const denied = await gql('ds', '{ accessChain(principal: "ds@charter.local") { person { email } } }');
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
