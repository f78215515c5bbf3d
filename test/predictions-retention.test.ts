import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PredictionRetentionService } from '../src/predictions/maintenance/prediction-retention.service';
import { PredictionsService } from '../src/predictions/query/predictions.service';
import { startTestStack, type TestStack } from './support/stack';

describe('prediction retention, checkpoints and the volume alert rule', () => {
  let stack: TestStack | undefined;
  let key: string;

  before(async () => {
    stack = await startTestStack();
    const admin = await stack.idp.token('admin');
    key = (
      await stack.app.graphql<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "k", roles: ["service"] }) { secret } }', admin)
    ).data!.createApiKey.secret;
  });
  after(async () => {
    await stack?.close();
  });

  const send = async (model: string, ids: string[]) => {
    const events = ids.flatMap((id) =>
      ['request', 'response'].map((kind) => ({ type: `org.kubeflow.serving.inference.${kind}`, id, inferenceservicename: model, data: { id } })),
    );
    const res = await fetch(`${stack!.app.url}/api/v1/predictions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
    });
    assert.equal(res.status, 200);
  };
  const settings = async (input: string) => {
    const r = await stack!.app.graphql(`mutation { setPredictionSettings(input: { ${input} }) { modelName } }`, await stack!.idp.token('admin'));
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  };
  const verify = async (model: string) =>
    (
      await stack!.app.graphql<{ verifyPredictionChain: { valid: boolean; checkedCount: number; firstBrokenSeq: number | null; problem: string | null } }>(
        `{ verifyPredictionChain(model: "${model}") { valid checkedCount firstBrokenSeq problem } }`,
        await stack!.idp.token('compliance'),
      )
    ).data!.verifyPredictionChain;

  it('drops a partition only when every model in it allows, leaves signed checkpoints, and the chain verifies after', async () => {
    const retention = stack!.app.app.get(PredictionRetentionService);
    await settings('modelName: "short", retentionDays: 1');
    await send('short', ['a', 'b', 'c']);
    await send('forever', ['z']);
    const later = new Date(Date.now() + 3 * 86_400_000);

    const blocked = await retention.run(null, later);
    assert.deepEqual(blocked.checkpoints, [], 'a model without retentionDays keeps its partition');

    await settings('modelName: "forever", retentionDays: 1');
    const dropped = await retention.run(null, later);
    assert.ok(dropped.droppedPartitions.length >= 1);
    assert.deepEqual(
      dropped.checkpoints.sort((x, y) => x.modelName.localeCompare(y.modelName)),
      [
        { modelName: 'forever', seq: 2 },
        { modelName: 'short', seq: 6 },
      ],
    );
    const { db } = stack!;
    assert.equal((await db.query<{ n: string }>("SELECT count(*) AS n FROM prediction_events WHERE model_name = 'short'"))[0]!.n, '0');
    assert.equal((await db.query<{ n: string }>("SELECT count(*) AS n FROM prediction_records WHERE model_name = 'short'"))[0]!.n, '0');
    const audit = await db.query<{ target: string }>("SELECT target FROM governance_audit_events WHERE action = 'predictions.retention.drop'");
    // Empty past partitions went at the first call already.
    assert.equal(audit.length, blocked.droppedPartitions.length + dropped.droppedPartitions.length);

    await send('short', ['d']);
    const v = await verify('short');
    assert.deepEqual([v.valid, v.checkedCount], [true, 2], v.problem ?? '');

    // A checkpoint changed without the key no longer vouches for the chain.
    await db.query("UPDATE prediction_checkpoints SET hash = repeat('a', 64) WHERE model_name = 'short'");
    const forged = await verify('short');
    assert.deepEqual([forged.valid, forged.firstBrokenSeq], [false, 7]);
  });

  it('writes one governance event when a model goes quiet, and one when it recovers', async () => {
    const predictions = stack!.app.app.get(PredictionsService);
    await settings('modelName: "quiet", minHourlyVolume: 2');
    await send('quiet', ['q1']);
    await predictions.checkVolumes();
    await predictions.checkVolumes();
    await send('quiet', ['q2', 'q3']);
    await predictions.checkVolumes();
    const events = await stack!.db.query<{ action: string; target: string }>(
      "SELECT action, target FROM governance_audit_events WHERE action LIKE 'predictions.volume.%' ORDER BY seq",
    );
    assert.deepEqual(events, [
      { action: 'predictions.volume.drop', target: 'model:quiet' },
      { action: 'predictions.volume.recovered', target: 'model:quiet' },
    ]);
  });
});
