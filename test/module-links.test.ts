import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

/**
 * The links between modules: the registry's models are the serving names prediction records carry,
 * bias reports read those records' feedback, and the CISO's access chain reaches the models trained
 * on the datasets a person was granted.
 */
describe('links between the registry, prediction records and access grants', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let apiKey: string;
  let versionId: string;

  before(async () => {
    stack = await startTestStack({ PREDICTIONS_REQUIRE_REGISTERED_MODELS: 'true' });
    ({ db, idp, app } = stack);
    const created = await app.graphql<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "kserve-logger", roles: ["service"] }) { secret } }',
      await idp.token('admin'),
    );
    apiKey = created.data!.createApiKey.secret;
    await db.query(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, tags, sensitivity) VALUES ('postgres://wh', 'applications', 'credit', 'owner@charter.local', '{}', 'internal')`,
    );
  });
  after(async () => {
    await stack?.close();
  });

  const gql = async <T>(user: string, query: string, variables?: Record<string, unknown>) => app.graphql<T>(query, await idp.token(user), variables);

  const kserve = (id: string, kind: 'request' | 'response', model: string, data: unknown) => ({
    specversion: '1.0',
    id,
    type: `org.kubeflow.serving.inference.${kind}`,
    source: 'http://loans-predictor.credit/',
    inferenceservicename: model,
    modelversion: '1.0.0',
    datacontenttype: 'application/json',
    data,
  });

  async function postBatch(events: unknown[]) {
    const res = await fetch(`${app.url}/api/v1/predictions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('accepts prediction records for a model once it is in the registry, and refuses unknown models', async () => {
    const refused = await postBatch([kserve('early-1', 'request', 'loans', { applicant: { sex: 'F' } })]);
    assert.equal(refused.status, 400);
    assert.equal(refused.body['field'], 'inferenceservicename');

    const model = await gql<{ createModel: { name: string } }>(
      'ds',
      'mutation { createModel(input: { name: "loans", domain: "credit", riskTier: LIMITED }) { name } }',
    );
    assert.equal(model.errors, undefined, JSON.stringify(model.errors));
    const version = await gql<{ registerModelVersion: { id: string } }>(
      'ds',
      `mutation { registerModelVersion(input: { modelName: "loans", version: "1.0.0", artifactUri: "s3://models/loans/1.0.0", artifactDigest: "sha256:${'a'.repeat(64)}",
         datasets: [{ nodeId: "dataset:postgres://wh:applications", role: TRAINING }] }) { id } }`,
    );
    assert.equal(version.errors, undefined, JSON.stringify(version.errors));
    versionId = version.data!.registerModelVersion.id;

    const accepted = await postBatch([kserve('early-1', 'request', 'loans', { applicant: { sex: 'F' } })]);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const [registered] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM governance_audit_events WHERE action = 'predictions.settings.register' AND target = 'model:loans'`,
    );
    assert.equal(registered!.n, '1', 'registering the model for prediction logging is audited');
  });

  it('computes a bias report from the version’s prediction records with feedback, equal to the hand-worked values', async () => {
    // Per group, 10 repetitions of (predicted, actual):
    //   F: (1,1) (1,0) (0,0) (0,1)  → TP 10, FP 10, TN 10, FN 10: selection 20/40 = 0.5, TPR 10/20 = 0.5, FPR 10/20 = 0.5
    //   M: (1,1) (1,1) (1,0) (0,0)  → TP 20, FP 10, TN 10, FN 0:  selection 30/40 = 0.75, TPR 20/20 = 1, FPR 10/20 = 0.5
    // Demographic parity difference 0.75 − 0.5 = 0.25, ratio 0.5 / 0.75 = 2/3 (< 0.8: four-fifths rule broken);
    // equal opportunity difference |1 − 0.5| = 0.5; equalized odds difference max(0.5, |0.5 − 0.5|) = 0.5.
    const pattern: Record<string, [number, number][]> = {
      F: [
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 1],
      ],
      M: [
        [1, 1],
        [1, 1],
        [1, 0],
        [0, 0],
      ],
    };
    const events: unknown[] = [];
    const truths: [string, number][] = [];
    for (const [sex, pairs] of Object.entries(pattern)) {
      for (let rep = 0; rep < 10; rep++) {
        for (const [i, [predicted, actual]] of pairs.entries()) {
          const id = `loan-${sex}-${rep}-${i}`;
          events.push(kserve(id, 'request', 'loans', { applicant: { sex } }), kserve(id, 'response', 'loans', { decision: predicted }));
          truths.push([id, actual]);
        }
      }
    }
    // Not counted: a record without feedback, and one whose response has no decision (skipped, counted in the audit).
    events.push(kserve('loan-nofeedback', 'request', 'loans', { applicant: { sex: 'F' } }), kserve('loan-nofeedback', 'response', 'loans', { decision: 1 }));
    events.push(kserve('loan-odd', 'request', 'loans', { applicant: { sex: 'M' } }), kserve('loan-odd', 'response', 'loans', { error: 'timeout' }));
    truths.push(['loan-odd', 1]);
    const posted = await postBatch(events);
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    for (const [requestId, truth] of truths) {
      const res = await fetch(`${app.url}/api/v1/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ requestId, truth }),
      });
      assert.equal(res.status, 201, await res.text());
    }

    // Group names are payload values: reading records for a report needs the payload permission.
    const denied = await gql(
      'ds',
      `mutation ($v: ID!) { computeBiasReport(input: { modelVersionId: $v, protectedAttribute: "sex", fromPredictions: { protectedAttributePath: "applicant.sex", outcomePath: "decision" } }) { id } }`,
      { v: versionId },
    );
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const [deniedRead] = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM governance_audit_events WHERE action = 'predictions.payload.read' AND decision = 'deny' AND target = 'model:loans@1.0.0'`,
    );
    assert.equal(deniedRead!.n, '1');

    type Rate = { value: number | null };
    const res = await gql<{
      computeBiasReport: {
        source: string;
        groups: { group: string; count: number; selectionRate: Rate; truePositiveRate: Rate; falsePositiveRate: Rate }[];
        demographicParityDifference: Rate;
        demographicParityRatio: Rate;
        equalOpportunityDifference: Rate;
        equalizedOddsDifference: Rate;
        fourFifthsRuleViolated: boolean;
      };
    }>(
      'risk',
      `mutation ($v: ID!) { computeBiasReport(input: { modelVersionId: $v, protectedAttribute: "sex",
         fromPredictions: { protectedAttributePath: "applicant.sex", outcomePath: "decision" } }) {
         source groups { group count selectionRate { value } truePositiveRate { value } falsePositiveRate { value } }
         demographicParityDifference { value } demographicParityRatio { value } equalOpportunityDifference { value } equalizedOddsDifference { value }
         fourFifthsRuleViolated } }`,
      { v: versionId },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const r = res.data!.computeBiasReport;
    assert.equal(r.source, 'prediction_records');
    const byGroup = Object.fromEntries(r.groups.map((g) => [g.group, g]));
    assert.deepEqual(
      ['F', 'M'].map((g) => [byGroup[g]!.count, byGroup[g]!.selectionRate.value, byGroup[g]!.truePositiveRate.value, byGroup[g]!.falsePositiveRate.value]),
      [
        [40, 0.5, 0.5, 0.5],
        [40, 0.75, 1, 0.5],
      ],
    );
    assert.ok(Math.abs(r.demographicParityDifference.value! - 0.25) < 1e-12);
    assert.ok(Math.abs(r.demographicParityRatio.value! - 2 / 3) < 1e-12);
    assert.ok(Math.abs(r.equalOpportunityDifference.value! - 0.5) < 1e-12);
    assert.ok(Math.abs(r.equalizedOddsDifference.value! - 0.5) < 1e-12);
    assert.equal(r.fourFifthsRuleViolated, true);
    const [audit] = await db.query<{ details: { unlabelled: number; records: { outcomePath: string } } }>(
      `SELECT details FROM governance_audit_events WHERE action = 'modelBias.compute' ORDER BY seq DESC LIMIT 1`,
    );
    assert.equal(audit!.details.unlabelled, 1);
    assert.equal(audit!.details.records.outcomePath, 'decision');
    const [read] = await db.query<{ details: { purpose: string } }>(
      `SELECT details FROM governance_audit_events WHERE action = 'predictions.payload.read' AND decision = 'allow' AND target = 'model:loans@1.0.0'`,
    );
    assert.equal(read!.details.purpose, 'bias report');
  });

  it('names the field at fault when the records cannot give a report', async () => {
    const bad = await gql(
      'risk',
      `mutation ($v: ID!) { computeBiasReport(input: { modelVersionId: $v, protectedAttribute: "sex", fromPredictions: { protectedAttributePath: "applicant..sex", outcomePath: "decision" } }) { id } }`,
      { v: versionId },
    );
    assert.equal(bad.errors?.[0]?.extensions?.['field'], 'input.fromPredictions.protectedAttributePath');
    const none = await gql(
      'risk',
      `mutation ($v: ID!) { computeBiasReport(input: { modelVersionId: $v, protectedAttribute: "sex", fromPredictions: { protectedAttributePath: "applicant.sex", outcomePath: "decision", to: "2020-01-01T00:00:00Z" } }) { id } }`,
      { v: versionId },
    );
    assert.equal(none.errors?.[0]?.extensions?.['field'], 'input.fromPredictions');
    const two = await gql(
      'risk',
      `mutation ($v: ID!) { computeBiasReport(input: { modelVersionId: $v, protectedAttribute: "sex", samples: [], fromPredictions: { protectedAttributePath: "a", outcomePath: "b" } }) { id } }`,
      { v: versionId },
    );
    assert.equal(two.errors?.[0]?.extensions?.['field'], 'input');
    const [reports] = await db.query<{ n: string }>('SELECT count(*) AS n FROM model_bias_reports');
    assert.equal(reports!.n, '1', 'refused requests store nothing');
  });

  it('follows a person’s grants to the datasets and on to the model versions trained on them', async () => {
    const asked = await gql<{ requestDatasetAccess: { request: { status: string } } }>(
      'ds',
      'mutation { requestDatasetAccess(input: { namespace: "postgres://wh", name: "applications", action: READ, purpose: "model-training", durationDays: 30 }) { request { status } } }',
    );
    assert.equal(asked.errors, undefined, JSON.stringify(asked.errors));
    assert.equal(asked.data!.requestDatasetAccess.request.status, 'APPROVED');
    const chain = await gql<{ accessChain: { grants: { dataset: { name: string; models: { modelName: string; version: string }[] } }[] } }>(
      'ciso',
      '{ accessChain(principal: "ds@charter.local") { grants { dataset { name models { modelName version } } } } }',
    );
    assert.equal(chain.errors, undefined, JSON.stringify(chain.errors));
    assert.deepEqual(chain.data!.accessChain.grants, [{ dataset: { name: 'applications', models: [{ modelName: 'loans', version: '1.0.0' }] } }]);
  });

  it('answers "does personal data reach this model?" from the datasets its version was trained on', async () => {
    // Last: a PII tag on the dataset changes what the access rules decide above.
    await db.query(
      `INSERT INTO lineage_dataset_fields (dataset_id, name, type, tags)
       SELECT id, 'applicant_name', 'string', '{PII:PERSON}' FROM lineage_datasets WHERE name = 'applications'`,
    );
    const reach = await gql<{ piiReach: { dataset: string; field: string; tags: string[]; distance: number; restricted: boolean }[] }>(
      'risk',
      `query ($v: ID!) { piiReach(modelVersionId: $v) { dataset field tags distance restricted } }`,
      { v: versionId },
    );
    assert.equal(reach.errors, undefined, JSON.stringify(reach.errors));
    assert.deepEqual(reach.data!.piiReach, [
      { dataset: 'dataset:postgres://wh:applications', field: 'applicant_name', tags: ['PII:PERSON'], distance: 0, restricted: false },
    ]);
    const both = await gql('risk', `query ($v: ID!) { piiReach(nodeId: "dataset:postgres://wh:applications", modelVersionId: $v) { field } }`, {
      v: versionId,
    });
    assert.equal(both.errors?.[0]?.extensions?.['field'], 'nodeId');
  });
});
