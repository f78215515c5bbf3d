import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const USERS = ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner', 'ingest'] as const;
type User = (typeof USERS)[number];

interface Operation {
  name: string;
  query: string;
  allowed: readonly User[];
}

const ALL = USERS;
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/** What the default policy (policies/policy.csv) grants. A change here must be a deliberate one. */
const OPERATIONS: Operation[] = [
  { name: 'me', query: '{ me { id roles } }', allowed: ALL },
  { name: 'auditEvents', query: '{ auditEvents(first: 1) { nodes { seq } } }', allowed: ['admin', 'ciso', 'compliance'] },
  { name: 'verifyAuditChain', query: '{ verifyAuditChain { valid } }', allowed: ['admin', 'ciso', 'compliance'] },
  { name: 'policies', query: '{ policies(first: 1) { nodes { id } } }', allowed: ['admin', 'ciso'] },
  { name: 'roleAssignments', query: '{ roleAssignments(first: 1) { nodes { id } } }', allowed: ['admin', 'ciso'] },
  { name: 'apiKeys', query: '{ apiKeys(first: 1) { nodes { id } } }', allowed: ['admin', 'ciso'] },
  { name: 'createApiKey', query: 'mutation { createApiKey(input: { name: "matrix", roles: ["service"] }) { apiKey { id } } }', allowed: ['admin'] },
  { name: 'revokeApiKey', query: `mutation { revokeApiKey(id: "${ZERO_UUID}") { id } }`, allowed: ['admin'] },
  { name: 'addPolicy', query: 'mutation { addPolicy(input: { subject: "matrix", object: "x", action: "read" }) { id } }', allowed: ['admin'] },
  { name: 'removePolicy', query: 'mutation { removePolicy(input: { subject: "nobody", object: "x", action: "read" }) }', allowed: ['admin'] },
  { name: 'assignRole', query: 'mutation { assignRole(input: { subject: "user:matrix", role: "ciso", domain: "matrix" }) { id } }', allowed: ['admin'] },
  { name: 'unassignRole', query: 'mutation { unassignRole(input: { subject: "user:nobody", role: "ciso" }) }', allowed: ['admin'] },
  { name: 'scanText', query: '{ scanText(text: "x") { type } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner', 'ingest'] },
  { name: 'piiDetectorPrecision', query: '{ piiDetectorPrecision { entityType } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner', 'ingest'] },
  {
    name: 'setPiiVerdict',
    query: 'mutation { setPiiVerdict(input: { namespace: "n", name: "none", column: "c", entityType: "PERSON", verdict: REJECTED }) { verdict } }',
    allowed: ['admin', 'owner'],
  },
  // Model registry and cards (issue 6): object-level domain checks and maker-checker come after the guard.
  { name: 'models', query: '{ models(first: 1) { nodes { id } } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'] },
  { name: 'model', query: '{ model(name: "none") { id } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'] },
  { name: 'modelVersion', query: `{ modelVersion(id: "${ZERO_UUID}") { id } }`, allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'] },
  { name: 'modelCard', query: `{ modelCard(id: "${ZERO_UUID}") { id } }`, allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'] },
  {
    name: 'exportModelCard',
    query: `{ exportModelCard(modelVersionId: "${ZERO_UUID}", format: MODEL_CARD_TOOLKIT) }`,
    allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'],
  },
  {
    name: 'biasReports',
    query: `{ biasReports(modelVersionId: "${ZERO_UUID}") { nodes { id } } }`,
    allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'],
  },
  { name: 'modelCardSigningKey', query: '{ modelCardSigningKey { keyId } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'] },
  { name: 'createModel', query: 'mutation { createModel(input: { name: "matrix", domain: "matrix", riskTier: MINIMAL }) { id } }', allowed: ['admin', 'ds'] },
  {
    name: 'registerModelVersion',
    query: `mutation { registerModelVersion(input: { modelName: "none", version: "1", artifactUri: "s3://m", artifactDigest: "sha256:${'0'.repeat(64)}" }) { id } }`,
    allowed: ['admin', 'ds'],
  },
  { name: 'updateModelCard', query: `mutation { updateModelCard(input: { modelVersionId: "${ZERO_UUID}", content: {} }) { id } }`, allowed: ['admin', 'ds'] },
  {
    name: 'importModelCard',
    query: `mutation { importModelCard(input: { modelVersionId: "${ZERO_UUID}", format: MODEL_CARD_TOOLKIT, document: "{}" }) { id } }`,
    allowed: ['admin', 'ds'],
  },
  {
    name: 'submitModelCardForReview',
    query: `mutation { submitModelCardForReview(input: { modelVersionId: "${ZERO_UUID}" }) { id } }`,
    allowed: ['admin', 'ds'],
  },
  {
    name: 'approveModelCard',
    query: `mutation { approveModelCard(input: { modelVersionId: "${ZERO_UUID}", revision: 1 }) { id } }`,
    allowed: ['admin', 'risk'],
  },
  {
    name: 'requestModelCardChanges',
    query: `mutation { requestModelCardChanges(input: { modelVersionId: "${ZERO_UUID}", comment: "x" }) { id } }`,
    allowed: ['admin', 'risk'],
  },
  {
    name: 'commentOnModelCard',
    query: `mutation { commentOnModelCard(input: { modelVersionId: "${ZERO_UUID}", comment: "x" }) { id } }`,
    allowed: ['admin', 'risk', 'compliance', 'ds'],
  },
  {
    name: 'computeBiasReport',
    query: `mutation { computeBiasReport(input: { modelVersionId: "${ZERO_UUID}", protectedAttribute: "sex", samples: [] }) { id } }`,
    allowed: ['admin', 'risk', 'ds'],
  },
  {
    name: 'promoteModelVersion',
    query: `mutation { promoteModelVersion(input: { modelVersionId: "${ZERO_UUID}", to: STAGING }) { id } }`,
    allowed: ['admin', 'ds'],
  },
  {
    name: 'grantPromotionException',
    query: `mutation { grantPromotionException(input: { modelVersionId: "${ZERO_UUID}", name: "x", reason: "x", waives: [BIAS_REPORT], expiresAt: "2099-01-01T00:00:00Z" }) { id } }`,
    allowed: ['admin', 'risk'],
  },
  // Dataset access requests (issue 7).
  ...((): Operation[] => {
    const requesters: User[] = ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner'];
    const reviewers: User[] = ['admin', 'risk', 'ciso', 'compliance', 'owner'];
    const readers: User[] = ['admin', 'risk', 'ciso', 'compliance', 'owner'];
    return [
      {
        name: 'requestDatasetAccess',
        query: `mutation { requestDatasetAccess(input: { datasetId: "${ZERO_UUID}", action: READ, purpose: "analytics", durationDays: 1 }) { request { id } } }`,
        allowed: requesters,
      },
      { name: 'myAccessRequests', query: '{ myAccessRequests(first: 1) { nodes { id } } }', allowed: requesters },
      { name: 'accessPurposes', query: '{ accessPurposes { id } }', allowed: requesters },
      { name: 'accessRules', query: '{ accessRules { id } }', allowed: requesters },
      { name: 'accessRequests', query: '{ accessRequests(first: 1) { nodes { id } } }', allowed: reviewers },
      { name: 'approveAccessRequest', query: `mutation { approveAccessRequest(input: { requestId: "${ZERO_UUID}" }) { request { id } } }`, allowed: reviewers },
      { name: 'denyAccessRequest', query: `mutation { denyAccessRequest(input: { requestId: "${ZERO_UUID}", reason: "x" }) { id } }`, allowed: reviewers },
      {
        name: 'revokeAccessGrant',
        query: `mutation { revokeAccessGrant(input: { grantId: "${ZERO_UUID}", reason: "x" }) { id } }`,
        allowed: ['admin', 'ciso', 'owner'],
      },
      { name: 'accessGrants', query: '{ accessGrants(first: 1) { nodes { id } } }', allowed: readers },
      { name: 'accessChain', query: `{ accessChain(principal: "${ZERO_UUID}") { person { id } } }`, allowed: readers },
      { name: 'datasetAccessAt', query: `{ datasetAccessAt(datasetId: "${ZERO_UUID}", at: "2026-01-01T00:00:00Z") { id } }`, allowed: readers },
      { name: 'accessWebhookDeliveries', query: '{ accessWebhookDeliveries(first: 1) { nodes { id } } }', allowed: readers },
      { name: 'retryAccessWebhook', query: 'mutation { retryAccessWebhook(id: "1") { id } }', allowed: ['admin'] },
      { name: 'reloadAccessRules', query: 'mutation { reloadAccessRules { id } }', allowed: ['admin'] },
      {
        name: 'setAccessAttestation',
        query: `mutation { setAccessAttestation(input: { principal: "${ZERO_UUID}", kind: "privacy-training" }) { kind } }`,
        allowed: ['admin', 'compliance'],
      },
      {
        name: 'openAccessViolation',
        query: `mutation { openAccessViolation(input: { principal: "${ZERO_UUID}", description: "x" }) { id } }`,
        allowed: ['admin', 'compliance'],
      },
      { name: 'closeAccessViolation', query: `mutation { closeAccessViolation(id: "${ZERO_UUID}") }`, allowed: ['admin', 'compliance'] },
    ];
  })(),
  // Compliance reports.
  { name: 'reports', query: '{ reports(first: 1) { nodes { id } } }', allowed: ['admin', 'risk', 'ciso', 'compliance'] },
  { name: 'report', query: `{ report(id: "${ZERO_UUID}") { id } }`, allowed: ['admin', 'risk', 'ciso', 'compliance'] },
  { name: 'verifyReport', query: '{ verifyReport(fileBase64: "JVBERi0=") { valid } }', allowed: ['admin', 'risk', 'ciso', 'compliance'] },
  {
    name: 'generateReport',
    query: 'mutation { generateReport(input: { kind: DATASET, target: "dataset:n:none", from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }) { id } }',
    allowed: ['admin', 'risk', 'ciso', 'compliance'],
  },
  // Prediction audit records.
  { name: 'prediction', query: '{ prediction(requestId: "none") { requestId } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'] },
  { name: 'predictions', query: '{ predictions(model: "none", first: 1) { nodes { requestId } } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'] },
  {
    name: 'predictionsForSubject',
    query: '{ predictionsForSubject(model: "none", subjectId: "x", first: 1) { nodes { requestId } } }',
    allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'],
  },
  {
    name: 'predictionStats',
    query: '{ predictionStats(model: "none", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { buckets { count } } }',
    allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'],
  },
  { name: 'predictionVolumeAlerts', query: '{ predictionVolumeAlerts { modelName since } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'] },
  { name: 'predictionSettings', query: '{ predictionSettings { modelName } }', allowed: ['admin', 'risk', 'ciso', 'compliance', 'ds'] },
  { name: 'verifyPredictionChain', query: '{ verifyPredictionChain(model: "none") { valid } }', allowed: ['admin', 'risk', 'ciso', 'compliance'] },
  { name: 'setPredictionSettings', query: 'mutation { setPredictionSettings(input: { modelName: "matrix" }) { modelName } }', allowed: ['admin'] },
  { name: 'applyPredictionRetention', query: 'mutation { applyPredictionRetention { droppedPartitions } }', allowed: ['admin'] },
  {
    name: 'addPredictionFeedback',
    query: 'mutation { addPredictionFeedback(input: { requestId: "none", truth: 1 }) { id } }',
    allowed: ['admin', 'ingest'],
  },
];

describe('role x operation matrix under the default policy', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;

  before(async () => {
    stack = await startTestStack();
    ({ db, idp, app } = stack);
  });
  after(async () => {
    await stack?.close();
  });

  for (const op of OPERATIONS) {
    it(`${op.name}: allowed for ${op.allowed.join(', ')}; denied and audited for the rest`, async () => {
      for (const user of USERS) {
        const before = await db.query<{ n: string }>(`SELECT count(*) AS n FROM governance_audit_events WHERE action = 'authz.check' AND target = $1`, [
          `graphql:${op.query.startsWith('mutation') ? 'Mutation' : 'Query'}.${op.name}`,
        ]);
        const res = await app.graphql(op.query, await idp.token(user));
        const codes = (res.errors ?? []).map((e) => e.extensions?.code);
        if (op.allowed.includes(user)) {
          assert.ok(
            !codes.includes('FORBIDDEN') && !codes.includes('UNAUTHENTICATED'),
            `${user} should pass the guard for ${op.name}: ${JSON.stringify(res.errors)}`,
          );
        } else {
          assert.deepEqual(codes, ['FORBIDDEN'], `${user} must be refused ${op.name}`);
          assert.equal(res.status, 403);
          const after = await db.query<{ n: string }>(`SELECT count(*) AS n FROM governance_audit_events WHERE action = 'authz.check' AND target = $1`, [
            `graphql:${op.query.startsWith('mutation') ? 'Mutation' : 'Query'}.${op.name}`,
          ]);
          assert.equal(Number(after[0]!.n), Number(before[0]!.n) + 1, `the denial of ${op.name} to ${user} is audited`);
        }
      }
    });
  }

  it('audits every mutation, including the ones that fail after passing the guard', async () => {
    const rows = await db.query<{ action: string; decision: string }>(
      `SELECT action, decision FROM governance_audit_events WHERE action IN ('apiKey.create', 'policy.add', 'role.assign', 'graphql:Mutation.revokeApiKey', 'graphql:Mutation.removePolicy', 'graphql:Mutation.unassignRole') ORDER BY seq`,
    );
    const seen = new Set(rows.map((r) => `${r.action}:${r.decision}`));
    for (const expected of [
      'apiKey.create:allow',
      'policy.add:allow',
      'role.assign:allow',
      'graphql:Mutation.revokeApiKey:error',
      'graphql:Mutation.removePolicy:error',
      'graphql:Mutation.unassignRole:error',
    ]) {
      assert.ok(seen.has(expected), `missing audit event ${expected}; saw ${[...seen].join(', ')}`);
    }
  });

  it('a failed mutation writes nothing but its error audit row', async () => {
    const before = await db.query<{ n: string }>(`SELECT count(*) AS n FROM api_keys`);
    const res = await app.graphql('mutation { createApiKey(input: { name: "x", roles: ["wizard"] }) { apiKey { id } } }', await idp.token('admin'));
    assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(res.errors?.[0]?.extensions?.field, 'input.roles');
    const after = await db.query<{ n: string }>(`SELECT count(*) AS n FROM api_keys`);
    assert.equal(after[0]!.n, before[0]!.n);
  });

  it('domain-scoped role assignments and deny-overrides-allow take effect without a restart', async () => {
    const ds = await app.graphql<{ me: { id: string } }>('{ me { id } }', await idp.token('ds'));
    const subject = `user:${ds.data!.me.id}`;
    const admin = await idp.token('admin');
    const dsToken = await idp.token('ds');
    const query = '{ auditEvents(first: 1) { nodes { seq } } }';

    assert.equal((await app.graphql(query, dsToken)).status, 403);
    const assigned = await app.graphql(`mutation { assignRole(input: { subject: "${subject}", role: "ciso", domain: "retail" }) { id domain } }`, admin);
    assert.equal(assigned.errors, undefined);
    await eventually(async () => (await app.graphql(query, dsToken)).status === 200, 'the retail ciso role grants audit.read');

    const denied = await app.graphql(
      `mutation { addPolicy(input: { subject: "${subject}", domain: "*", object: "audit", action: "read", effect: deny }) { id effect } }`,
      admin,
    );
    assert.equal(denied.errors, undefined);
    await eventually(async () => (await app.graphql(query, dsToken)).status === 403, 'an explicit deny overrides the role');

    const removed = await app.graphql(
      `mutation { removePolicy(input: { subject: "${subject}", domain: "*", object: "audit", action: "read", effect: deny }) }`,
      admin,
    );
    assert.equal(removed.errors, undefined);
    await eventually(async () => (await app.graphql(query, dsToken)).status === 200, 'removing the deny restores access');
  });
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`not within ${timeoutMs} ms: ${what}`);
}
