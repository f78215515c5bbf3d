import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../common/app-error';
import { fromBatch, fromBinary, fromNdjson, fromStructured } from './cloudevents';

describe('CloudEvents recognition', () => {
  it('pairs Seldon by requestid and KServe by id, and names the model', () => {
    const seldon = fromBinary(
      { 'Ce-Id': 'e1', 'Ce-Requestid': 'r1', 'Ce-Type': 'io.seldon.serving.inference.response', 'Ce-Inferenceservicename': 'dep', 'Ce-Modelid': 'node' },
      { data: {} },
      'application/json',
    );
    assert.deepEqual(
      [seldon.kind, seldon.correlationId, seldon.eventId, seldon.modelName, seldon.attributes['modelid']],
      ['response', 'r1', 'e1', 'dep', 'node'],
    );
    const kserve = fromBinary({ 'ce-id': 'k1', 'ce-type': 'org.kubeflow.serving.inference.request', 'ce-inferenceservice': '"iris"' }, {}, null);
    assert.deepEqual([kserve.kind, kserve.correlationId, kserve.modelName], ['request', 'k1', 'iris']);
    const byModelId = fromBinary({ 'ce-requestid': 'x', 'ce-type': 'io.seldon.serving.inference.request', 'ce-modelid': 'classifier' }, {}, null);
    assert.equal(byModelId.modelName, 'classifier');
  });

  it('reads a V2 response model_version, ce-time, and structured data_base64', () => {
    const e = fromStructured({
      type: 'org.kubeflow.serving.inference.response',
      id: 'v',
      inferenceservicename: 'm',
      time: '2026-01-02T03:04:05.123456789Z',
      data_base64: Buffer.from('{"model_name":"m","model_version":"7","outputs":[]}').toString('base64'),
    });
    assert.equal(e.modelVersion, '7');
    assert.equal(e.occurredAt?.toISOString(), '2026-01-02T03:04:05.123Z');
  });

  it('names the field at fault', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof AppError);
        return error.field;
      }
      return 'no error';
    };
    assert.equal(
      field(() => fromBinary({}, {}, null)),
      'ce-type',
    );
    assert.equal(
      field(() => fromBatch([{ type: 'org.kubeflow.serving.inference.request', id: 'a' }, { type: 'x' }])),
      '/1/type',
    );
    assert.equal(
      field(() => fromBatch({})),
      '/',
    );
    assert.equal(
      field(() => fromNdjson('\n{"type":"org.kubeflow.serving.inference.request"}')),
      'line 2/id',
    );
    assert.equal(
      field(() => fromStructured({ type: 'org.kubeflow.serving.inference.request', id: 'a', specversion: '2.0' })),
      '/specversion',
    );
    // new Date('12345') is the year 12345, which PostgreSQL refuses: a 400 here, not a 500 later.
    assert.equal(
      field(() => fromStructured({ type: 'org.kubeflow.serving.inference.request', id: 'a', time: '12345' })),
      '/time',
    );
  });

  it('keeps the payload text as sent: data in batch and NDJSON text, data_base64 decoded, binary raw body, other bodies as JSON strings', () => {
    const request = '"type":"org.kubeflow.serving.inference.request","inferenceservicename":"m"';
    const batch = `[{${request},"id":"a","data": {"b" : 1.0}}, {${request},"id":"b","data":"text"},{${request},"id":"c"}]`;
    assert.deepEqual(
      fromBatch(JSON.parse(batch), batch).map((e) => e.payloadText),
      ['{"b" : 1.0}', '"text"', null],
    );
    const line = `{${request},"id":"d","data_base64":"${Buffer.from(' [1.50] ').toString('base64')}"}`;
    assert.deepEqual(
      fromNdjson(`${line}\n`).map((e) => [e.payload, e.payloadText]),
      [[[1.5], ' [1.50] ']],
    );
    const headers = { 'ce-type': 'org.kubeflow.serving.inference.response', 'ce-id': 'e' };
    assert.equal(fromBinary(headers, { a: 1 }, 'application/json', '{"a": 1.0}').payloadText, '{"a": 1.0}');
    assert.equal(fromBinary(headers, 'plain text', 'text/plain').payloadText, '"plain text"');
    assert.equal(fromBinary(headers, undefined, null).payloadText, null);
  });
});
