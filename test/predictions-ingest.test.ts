import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PredictionsService, type LabelledOutcome } from '../src/predictions/query/predictions.service';
import type { TestApp } from './support/app';
import type { TestDatabase } from './support/database';
import type { TestIdentityProvider } from './support/identity-provider';
import { startTestStack, type TestStack } from './support/stack';

const REFERENCE = '/work/shared/reference/inference-logging';
const reference = (file: string): unknown => JSON.parse(readFileSync(path.join(REFERENCE, file), 'utf8'));

interface Capture {
  headers: Record<string, string>;
  body: string;
}
interface SeldonCase {
  n: number;
  comment: string;
  headers: Record<string, string>;
  body?: unknown;
}
interface KserveEvent {
  ce_context?: Record<string, string>;
  extensions?: Record<string, string>;
  data?: unknown;
  http_headers?: Record<string, string>;
  body_raw?: string;
}

/** Headers a Go logger sends, minus those fetch sets itself. */
function loggerHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!['host', 'content-length', 'accept-encoding', 'user-agent'].includes(k.toLowerCase())) out[k] = v;
  return out;
}

/** A KServe capture as binary-mode headers + body. */
function kserveRequest(e: KserveEvent): { headers: Record<string, string>; body: string } {
  if (e.http_headers) return { headers: loggerHeaders(e.http_headers), body: e.body_raw ?? '' };
  const headers: Record<string, string> = { 'content-type': e.ce_context!['datacontenttype'] ?? 'application/json' };
  for (const [k, v] of Object.entries(e.ce_context!)) if (k !== 'datacontenttype') headers[`Ce-${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
  for (const [k, v] of Object.entries(e.extensions ?? {})) headers[`Ce-${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
  return { headers, body: JSON.stringify(e.data) };
}

describe('prediction audit records: ingest, pairing, chain (POST /api/v1/predictions)', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let app: TestApp;
  let stack: TestStack | undefined;
  let apiKey: string;

  before(async () => {
    stack = await startTestStack({ PREDICTIONS_PAIRING_TIMEOUT_SECONDS: '2' });
    ({ db, idp, app } = stack);
    const created = await app.graphql<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "seldon-logger", roles: ["service"] }) { secret } }',
      await idp.token('admin'),
    );
    apiKey = created.data!.createApiKey.secret;
  });
  after(async () => {
    await stack?.close();
  });

  async function post(body: string, headers: Record<string, string>, url = `${app.url}/api/v1/predictions`, auth = true) {
    const res = await fetch(url, { method: 'POST', headers: { ...(auth ? { authorization: `Bearer ${apiKey}` } : {}), ...headers }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params))[0]!.n);
  const gql = async <T>(query: string, user = 'risk', variables?: Record<string, unknown>) => app.graphql<T>(query, await idp.token(user), variables);

  it('pairs the captured Seldon Core request and response (Ce-Requestid) into one record, payloads kept as sent', async () => {
    for (const file of ['seldon/payload_logging_captured_response.json', 'seldon/payload_logging_captured_request.json']) {
      const capture = reference(file) as Capture;
      const res = await post(capture.body, loggerHeaders(capture.headers));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { accepted: 1, duplicates: 0 });
    }
    const r = await gql<{
      prediction: Record<string, unknown> & { request: { payload: unknown; attributes: Record<string, string> }; response: { payload: unknown } };
    }>(
      `{ prediction(requestId: "33fb419e-8d6b-44e0-a084-8bd4bd4dbf7b", includePayloads: true) {
           requestId modelName status latencyMs request { payload attributes eventType } response { payload } } }`,
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const p = r.data!.prediction;
    assert.equal(p['modelName'], 'model-logs');
    assert.equal(p['status'], 'PAIRED');
    assert.equal(p['latencyMs'], 9);
    assert.deepEqual(p.request.payload, { data: { ndarray: [[1, 2, 5]] } });
    assert.equal(p.request.attributes['modelid'], 'classifier');
    assert.equal(p.request.attributes['namespace'], 'seldon');
    assert.deepEqual(p.response.payload, { data: { names: ['proba'], ndarray: [[0.43782349911420193]] }, meta: {} });
  });

  it('pairs KServe captures by Ce-Id, including the 2020 KFServing headers with JSON-quoted values', async () => {
    const events = (reference('kserve/logger_captures.json') as { events: KserveEvent[] }).events;
    for (const e of events) {
      const { headers, body } = kserveRequest(e);
      const res = await post(body, headers);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const r = await gql<{ prediction: { modelName: string; status: string; request: { attributes: Record<string, string> } } }>(
      '{ prediction(requestId: "0009174a-24a8-4603-b098-09c8799950e9") { modelName status request { attributes } } }',
    );
    assert.equal(r.data!.prediction.modelName, 'sklearn-iris');
    assert.equal(r.data!.prediction.status, 'PAIRED');
    assert.equal(r.data!.prediction.request.attributes['namespace'], 'default');
    assert.equal(await count("SELECT count(*) AS n FROM prediction_records WHERE model_name = 'iris'"), 1);
  });

  it("replays Seldon's request-logger test cases: inference halves stored and paired, outlier events refused", async () => {
    const cases = (reference('seldon/request_logger_test_cases.json') as { cases: SeldonCase[] }).cases.filter((c) => c.body !== undefined);
    for (const c of cases) {
      const res = await post(JSON.stringify(c.body), c.headers);
      if (c.headers['Ce-Type']!.endsWith('outlier')) {
        assert.equal(res.status, 400, `case ${c.n}`);
        assert.equal(res.body['field'], 'ce-type');
      } else assert.equal(res.status, 200, `case ${c.n} ${c.comment}: ${JSON.stringify(res.body)}`);
    }
    const pair = await gql<{ prediction: { modelName: string; modelVersion: string; status: string } }>(
      '{ prediction(requestId: "2z1") { modelName modelVersion status } }',
    );
    assert.deepEqual(pair.data!.prediction, { modelName: 'tensor', modelVersion: '1', status: 'PAIRED' });
    const unnamed = await gql<{ prediction: { modelName: string } }>('{ prediction(requestId: "4d") { modelName } }');
    assert.equal(unnamed.data!.prediction.modelName, 'unknown');
    const byModelId = await gql<{ prediction: { modelName: string } }>('{ prediction(requestId: "3c") { modelName } }');
    assert.equal(byModelId.data!.prediction.modelName, 'classifier');
  });

  it('takes structured, batch and NDJSON CloudEvents, and the API key in the path', async () => {
    const event = (id: string, kind: string, data: unknown) => ({
      specversion: '1.0',
      id,
      type: `org.kubeflow.serving.inference.${kind}`,
      source: 'http://localhost:9081/',
      time: '2026-01-01T00:00:00Z',
      inferenceservicename: 'structured-model',
      datacontenttype: 'application/json',
      data,
    });
    const one = await post(JSON.stringify(event('s-1', 'request', { instances: [[1, 2]] })), { 'content-type': 'application/cloudevents+json' });
    assert.deepEqual(one.body, { accepted: 1, duplicates: 0 });
    const batch = await post(JSON.stringify([event('s-1', 'response', { predictions: [1] }), event('s-2', 'request', { instances: [[3, 4]] })]), {
      'content-type': 'application/cloudevents-batch+json; charset=utf-8',
    });
    assert.deepEqual(batch.body, { accepted: 2, duplicates: 0 });
    const ndjson = [event('s-2', 'response', { predictions: [0] }), event('s-3', 'request', { instances: [[5, 6]] })].map((e) => JSON.stringify(e)).join('\n');
    const nd = await post(ndjson, { 'content-type': 'application/x-ndjson' });
    assert.deepEqual(nd.body, { accepted: 2, duplicates: 0 });
    const binary = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 's-3',
      'ce-type': 'org.kubeflow.serving.inference.response',
      'ce-source': 'x',
      'ce-inferenceservicename': 'structured-model',
    };
    const viaPath = await post('{"predictions":[1]}', binary, `${app.url}/api/v1/predictions/key/${apiKey}`, false);
    assert.deepEqual(viaPath.body, { accepted: 1, duplicates: 0 });
    const bad = await post('{"predictions":[1]}', binary, `${app.url}/api/v1/predictions/key/chk_000000000000_${'x'.repeat(43)}`, false);
    assert.equal(bad.status, 401);
    assert.equal(
      await count(
        "SELECT count(*) AS n FROM prediction_records WHERE model_name = 'structured-model' AND request_seq IS NOT NULL AND response_seq IS NOT NULL",
      ),
      3,
    );
  });

  it('stores a resent half once and reports it as a duplicate', async () => {
    const capture = reference('seldon/payload_logging_captured_request.json') as Capture;
    const res = await post(capture.body, loggerHeaders(capture.headers));
    assert.deepEqual(res.body, { accepted: 0, duplicates: 1 });
    assert.equal(await count("SELECT count(*) AS n FROM prediction_events WHERE model_name = 'model-logs'"), 2);
  });

  it('keeps the halves of every node of a Seldon inference graph (same request id, other node and event id)', async () => {
    const node = (modelid: string, kind: 'request' | 'response', id: string) => ({
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-type': `io.seldon.serving.inference.${kind}`,
      'ce-source': `http://graph-model-default.seldon:8000/${modelid}`,
      'ce-requestid': 'graph-1',
      'ce-modelid': modelid,
      'ce-inferenceservicename': 'graph-model',
      'ce-namespace': 'seldon',
    });
    const halves: [Record<string, string>, string][] = [
      [node('transformer', 'request', 'e-1'), '{"data":{"ndarray":[[1,2]]}}'],
      [node('classifier', 'request', 'e-2'), '{"data":{"ndarray":[[0.1,0.2]]}}'],
      [node('classifier', 'response', 'e-3'), '{"data":{"ndarray":[[0.9]]}}'],
      [node('transformer', 'response', 'e-4'), '{"data":{"ndarray":[[0.9]]}}'],
    ];
    for (const [headers, body] of halves) assert.deepEqual((await post(body, headers)).body, { accepted: 1, duplicates: 0 });
    assert.deepEqual((await post(halves[1]![1], halves[1]![0])).body, { accepted: 0, duplicates: 1 }, 'a resent event is still a duplicate');
    assert.equal(await count("SELECT count(*) AS n FROM prediction_events WHERE model_name = 'graph-model' AND correlation_id = 'graph-1'"), 4);
    const [pair] = await db.query<{ other_events: string[] }>(
      "SELECT other_events FROM prediction_records WHERE model_name = 'graph-model' AND correlation_id = 'graph-1'",
    );
    assert.equal(pair!.other_events.length, 2);
    const verified = await gql<{ verifyPredictionChain: { valid: boolean } }>('{ verifyPredictionChain(model: "graph-model") { valid } }');
    assert.equal(verified.data!.verifyPredictionChain.valid, true);
  });

  it('refuses malformed events with a 4xx naming the problem, and stores nothing of the request', async () => {
    const before = await count('SELECT count(*) AS n FROM prediction_events');
    const ok = { 'content-type': 'application/json', 'ce-id': 'bad-1', 'ce-type': 'org.kubeflow.serving.inference.request', 'ce-inferenceservicename': 'm' };
    const cases: [string, Record<string, string>, string][] = [
      ['{"a":1}', { 'content-type': 'application/json' }, 'ce-type'],
      ['{"a":1}', { ...ok, 'ce-specversion': '9.9' }, 'ce-specversion'],
      ['{"a":1}', { ...ok, 'ce-type': 'com.example.other' }, 'ce-type'],
      ['{"a":1}', { ...ok, 'ce-time': 'yesterday' }, 'ce-time'],
      ['{"a":1}', { 'content-type': 'application/json', 'ce-type': 'org.kubeflow.serving.inference.request' }, 'ce-id'],
      ['{not json', { 'content-type': 'application/cloudevents+json' }, '/'],
      ['{"type":"org.kubeflow.serving.inference.request","id":"x"}', { 'content-type': 'application/cloudevents-batch+json' }, '/'],
      [
        JSON.stringify([
          { type: 'org.kubeflow.serving.inference.request', id: 'bad-2', inferenceservicename: 'm' },
          { type: 'org.kubeflow.serving.inference.request', inferenceservicename: 'm' },
        ]),
        { 'content-type': 'application/cloudevents-batch+json' },
        '/1/id',
      ],
      [
        '{"type":"org.kubeflow.serving.inference.request","id":"bad-3","inferenceservicename":"m"}\n{oops',
        { 'content-type': 'application/x-ndjson' },
        'line 2',
      ],
    ];
    // PostgreSQL text cannot hold U+0000 (nor can jsonb), and unpaired surrogates cannot be stored:
    // refused naming the attribute, where they used to fail the insert with a 500.
    const structured = { 'content-type': 'application/cloudevents+json' };
    const request = { type: 'org.kubeflow.serving.inference.request', inferenceservicename: 'm' };
    cases.push(
      [JSON.stringify({ ...request, id: 'bad-4', source: 'a\u0000b' }), structured, '/source'],
      [JSON.stringify({ ...request, id: 'bad-5\ud800' }), structured, '/id'],
      [JSON.stringify({ ...request, id: 'bad-6', 'x\u0000': 'y' }), structured, '/x\\u0000'],
      [JSON.stringify({ ...request, id: 'bad-7', data: { model_version: 'v\u0000' } }), structured, '/data/model_version'],
      [
        JSON.stringify([
          { ...request, id: 'bad-8', data: { text: 'fine \u0000 in a payload' } },
          { ...request, id: 'bad-9', namespace: '\u0000' },
        ]),
        { 'content-type': 'application/cloudevents-batch+json' },
        '/1/namespace',
      ],
      [`${JSON.stringify({ ...request, id: 'bad-10', source: '\u0000' })}\n`, { 'content-type': 'application/x-ndjson' }, 'line 1/source'],
    );
    for (const [body, headers, field] of cases) {
      const res = await post(body, headers);
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body['field'], field, JSON.stringify(res.body));
      assert.ok(typeof res.body['message'] === 'string' && res.body['message'].length > 0);
    }
    const invalidJson = await post('{"a":', ok);
    assert.equal(invalidJson.status, 400);
    assert.equal(await count('SELECT count(*) AS n FROM prediction_events'), before);
  });

  it('keeps payloads byte for byte as sent (key order, whitespace, 1.0, \\u0000) in every mode, and the chain covers that text', async () => {
    const text = '{ "z": 1.0, "a" : [1.50, -0.0, 1e2],\t "s": "nul \\u0000 here, \\ud83d\\ude00 \\"quoted\\"" }';
    const binary = await post(text, {
      'content-type': 'application/json',
      'ce-id': 'exact-1',
      'ce-type': 'org.kubeflow.serving.inference.request',
      'ce-inferenceservicename': 'exact-text',
    });
    assert.equal(binary.status, 200, JSON.stringify(binary.body));
    const event = (id: string, kind: string) =>
      `{"specversion":"1.0", "id":"${id}","type":"org.kubeflow.serving.inference.${kind}","inferenceservicename":"exact-text","data" :  ${text} , "source":"s"}`;
    const batch = await post(`[ ${event('exact-1', 'response')},\n${event('exact-2', 'request')} ]`, { 'content-type': 'application/cloudevents-batch+json' });
    assert.deepEqual(batch.body, { accepted: 2, duplicates: 0 });
    const structured = await post(event('exact-3', 'request'), { 'content-type': 'application/cloudevents+json' });
    assert.deepEqual(structured.body, { accepted: 1, duplicates: 0 });
    const ndjson = await post(`${event('exact-4', 'request')}\n`, { 'content-type': 'application/x-ndjson' });
    assert.deepEqual(ndjson.body, { accepted: 1, duplicates: 0 });
    // Around a value, whitespace and a JSON null are kept too.
    for (const [id, body] of [
      ['exact-5', ' {"plain": [1.0]}\n'],
      ['exact-6', 'null'],
    ]) {
      const res = await post(body!, {
        'content-type': 'application/json',
        'ce-id': id!,
        'ce-type': 'org.kubeflow.serving.inference.request',
        'ce-inferenceservicename': 'exact-text',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const rows = await db.query<{ payload: string }>("SELECT payload::text AS payload FROM prediction_events WHERE model_name = 'exact-text' ORDER BY seq");
    assert.deepEqual(
      rows.map((r) => r.payload),
      [text, text, text, text, text, ' {"plain": [1.0]}\n', 'null'],
    );
    // Read back as a value (as prediction(includePayloads) does; that read is audited, see below).
    const [parsed] = await db.query<{ payload: { s: string } }>("SELECT payload FROM prediction_events WHERE model_name = 'exact-text' AND seq = 1");
    assert.equal(parsed!.payload.s, 'nul \u0000 here, \u{1F600} "quoted"');
    const verify = async () =>
      (
        await gql<{ verifyPredictionChain: { valid: boolean; checkedCount: number; firstBrokenSeq: number | null } }>(
          '{ verifyPredictionChain(model: "exact-text") { valid checkedCount firstBrokenSeq } }',
          'compliance',
        )
      ).data!.verifyPredictionChain;
    assert.deepEqual(await verify(), { valid: true, checkedCount: 7, firstBrokenSeq: null });
    // The same value in other text (whitespace only) is a change: the hash covers the text as sent.
    await db.query(`UPDATE prediction_events SET payload = $1::json WHERE model_name = 'exact-text' AND seq = 2`, [text.replace('1.0', '1.00')]);
    assert.deepEqual(await verify(), { valid: false, checkedCount: 1, firstBrokenSeq: 2 });
  });

  it('verifies each model chain, and finds a row changed, deleted or swapped by direct SQL', async () => {
    const verify = async (model: string) =>
      (
        await gql<{ verifyPredictionChain: { valid: boolean; checkedCount: number; firstBrokenSeq: number | null; problem: string | null } }>(
          `{ verifyPredictionChain(model: "${model}") { valid checkedCount firstBrokenSeq problem } }`,
          'compliance',
        )
      ).data!.verifyPredictionChain;
    for (const model of ['model-logs', 'tensor', 'structured-model', 'sklearn-iris']) {
      const v = await verify(model);
      assert.equal(v.valid, true, `${model}: ${v.problem}`);
    }
    assert.equal((await verify('structured-model')).checkedCount, 6);

    const copy = async (model: string) => {
      await db.query(`DELETE FROM prediction_records WHERE model_name = $1`, [model]);
      await db.query(
        `INSERT INTO prediction_events SELECT $1, seq, received_at, kind, correlation_id, event_id, event_type, source, model_version, occurred_at,
         attributes, content_type, payload, subject_hash, sender, prev_hash, record_hash FROM prediction_events WHERE model_name = 'structured-model'`,
        [model],
      );
      await db.query(`INSERT INTO prediction_chain_heads SELECT $1, seq, hash FROM prediction_chain_heads WHERE model_name = 'structured-model'`, [model]);
    };
    // A copy with another model name does not verify: the model name is under the hash.
    await copy('tampered-changed');
    assert.equal((await verify('tampered-changed')).firstBrokenSeq, 1);

    // Changed: a payload edited in place.
    await db.query(`UPDATE prediction_events SET payload = '{"predictions":[9]}' WHERE model_name = 'structured-model' AND seq = 4`);
    let v = await verify('structured-model');
    assert.deepEqual([v.valid, v.firstBrokenSeq], [false, 4]);
    assert.match(v.problem!, /changed/);
    await db.query(`UPDATE prediction_events SET payload = '{"predictions":[0]}' WHERE model_name = 'structured-model' AND seq = 4`);
    assert.equal((await verify('structured-model')).valid, true);

    // Swapped: two rows exchange their positions.
    await db.query(`UPDATE prediction_events SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE model_name = 'structured-model' AND seq IN (2, 3)`);
    v = await verify('structured-model');
    assert.deepEqual([v.valid, v.firstBrokenSeq], [false, 2]);
    await db.query(`UPDATE prediction_events SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE model_name = 'structured-model' AND seq IN (2, 3)`);
    assert.equal((await verify('structured-model')).valid, true);

    // Deleted: a row in the middle, then the newest row.
    await db.query(`DELETE FROM prediction_events WHERE model_name = 'structured-model' AND seq = 3`);
    v = await verify('structured-model');
    assert.deepEqual([v.valid, v.firstBrokenSeq], [false, 3]);
    assert.match(v.problem!, /missing/);
    await db.query(`DELETE FROM prediction_events WHERE model_name = 'model-logs' AND seq = 2`);
    v = await verify('model-logs');
    assert.deepEqual([v.valid, v.firstBrokenSeq], [false, 2]);
  });

  it('shows payloads only with predictions.readPayload, and audits every payload read', async () => {
    const query = '{ prediction(requestId: "2b", includePayloads: true) { request { payload } } }';
    const ds = await gql(query, 'ds');
    assert.equal(ds.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const noPayload = await gql<{ prediction: { request: { payload: unknown; recordHash: string } } }>(
      '{ prediction(requestId: "2b") { request { payload recordHash } } }',
      'ds',
    );
    assert.equal(noPayload.data!.prediction.request.payload, null);
    assert.equal(noPayload.data!.prediction.request.recordHash.length, 64);
    for (const user of ['risk', 'compliance', 'admin']) {
      const r = await gql<{ prediction: { request: { payload: unknown } } }>(query, user);
      assert.deepEqual(
        r.data!.prediction.request.payload,
        {
          data: {
            names: ['a', 'b'],
            ndarray: [
              [1, 2],
              [3, 4],
            ],
          },
        },
        user,
      );
    }
    const audits = await db.query<{ decision: string; details: { records: { requestId: string }[] } }>(
      "SELECT decision, details FROM governance_audit_events WHERE action = 'predictions.payload.read' ORDER BY seq",
    );
    // The first read was the Seldon capture's, earlier in this file.
    assert.deepEqual(
      audits.slice(1).map((a) => a.decision),
      ['deny', 'allow', 'allow', 'allow'],
    );
    assert.ok(audits.slice(2).every((a) => a.details.records.some((r) => r.requestId === '2b')));
  });

  it('lists predictions with cursor pagination, filters by version and pairing status, flags unmatched halves', async () => {
    const half = (id: string, kind: string, version?: string) =>
      post(kind === 'request' ? '{"inputs":[]}' : `{"model_name":"pager","model_version":"${version ?? 'v1'}","outputs":[]}`, {
        'content-type': 'application/json',
        'ce-id': id,
        'ce-type': `org.kubeflow.serving.inference.${kind}`,
        'ce-inferenceservicename': 'pager',
      });
    for (let i = 0; i < 5; i++) {
      await half(`p-${i}`, 'request');
      if (i !== 2) await half(`p-${i}`, 'response', i === 4 ? 'v2' : 'v1');
    }
    await half('p-orphan', 'response', 'v1');
    const page = async (after: string | null, extra = '') =>
      (
        await gql<{
          predictions: { nodes: { requestId: string; status: string; modelVersion: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
        }>(
          `query($after: String) { predictions(model: "pager", first: 2, after: $after${extra}) { nodes { requestId status modelVersion } pageInfo { hasNextPage endCursor } } }`,
          'ds',
          { after },
        )
      ).data!.predictions;
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page(after);
      ids.push(...p.nodes.map((n) => n.requestId));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    assert.deepEqual(ids, ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-orphan']);
    assert.deepEqual(
      (await page(null, ', version: "v2"')).nodes.map((n) => n.requestId),
      ['p-4'],
    );
    assert.deepEqual(
      (await page(null, ', filter: { status: PENDING }')).nodes.map((n) => n.requestId),
      ['p-2', 'p-orphan'],
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const unmatched = await page(null, ', filter: { status: UNMATCHED }');
    assert.deepEqual(
      unmatched.nodes.map((n) => [n.requestId, n.status]),
      [
        ['p-2', 'UNMATCHED'],
        ['p-orphan', 'UNMATCHED'],
      ],
    );
    const bad = await gql('{ predictions(model: "pager", first: 2, after: "nope") { nodes { requestId } } }', 'ds');
    assert.equal(bad.errors?.[0]?.extensions?.field, 'after');
  });

  it('aggregates per model and version, and alerts when a model goes quiet', async () => {
    const r = await gql<{ predictionStats: { buckets: { count: number; errorRate: number }[]; outputs: { value: string; count: number }[] } }>(
      `{ predictionStats(model: "pager", from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", bucket: DAY, outputField: "model_version") {
           buckets { count errorRate latencyP50Ms } outputs { value count } } }`,
      'risk',
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    // The distribution lists payload values, so it needs the payload permission; counts alone do not.
    const noPayload = await gql(
      '{ predictionStats(model: "pager", from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", bucket: DAY, outputField: "model_version") { buckets { count } } }',
      'ds',
    );
    assert.equal(noPayload.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const counts = await gql<{ predictionStats: { buckets: { count: number }[] } }>(
      '{ predictionStats(model: "pager", from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", bucket: DAY) { buckets { count } } }',
      'ds',
    );
    assert.equal(counts.data!.predictionStats.buckets[0]!.count, 6);
    assert.equal(r.data!.predictionStats.buckets[0]!.count, 6);
    assert.equal(r.data!.predictionStats.buckets[0]!.errorRate, 2 / 6);
    assert.deepEqual(r.data!.predictionStats.outputs, [
      { value: 'v1', count: 4 },
      { value: 'v2', count: 1 },
    ]);
    const set = await gql('mutation { setPredictionSettings(input: { modelName: "pager", minHourlyVolume: 100 }) { minHourlyVolume } }', 'admin');
    assert.equal(set.errors, undefined, JSON.stringify(set.errors));
    const alerts = await gql<{ predictionVolumeAlerts: unknown[] }>('{ predictionVolumeAlerts { modelName threshold lastHourCount } }', 'ds');
    assert.deepEqual(alerts.data!.predictionVolumeAlerts, [{ modelName: 'pager', threshold: 100, lastHourCount: 6 }]);
  });

  it('redacts and pseudonymises configured fields, and finds a data subject by keyed hash only', async () => {
    const set = await gql(
      `mutation { setPredictionSettings(input: { modelName: "loans", redactFields: ["applicant.name"], pseudonymiseFields: ["applicant.email"],
         subjectField: "applicant.customerId", scanTextFields: ["applicant.note"] }) { modelName redactFields subjectField scanTextFields } }`,
      'admin',
    );
    assert.equal(set.errors, undefined, JSON.stringify(set.errors));
    const audit = await db.query<{ target: string }>(
      "SELECT target FROM governance_audit_events WHERE action = 'predictions.settings.set' ORDER BY seq DESC LIMIT 1",
    );
    assert.equal(audit[0]!.target, 'model:loans');
    const send = (id: string, customer: string, email: string) =>
      post(JSON.stringify({ applicant: { name: 'Ada Lovelace', email, customerId: customer, income: 50000, note: `call me: ${email}, thanks` } }), {
        'content-type': 'application/json',
        'ce-requestid': id,
        'ce-id': `${id}-e`,
        'ce-type': 'io.seldon.serving.inference.request',
        'ce-inferenceservicename': 'loans',
      });
    await send('loan-1', 'C-42', 'ada@example.com');
    await send('loan-2', 'C-43', 'ada@example.com');
    await send('loan-3', 'C-42', 'other@example.com');
    const raw = await db.query<{ payload: { applicant: Record<string, unknown> }; subject_hash: string }>(
      "SELECT payload, subject_hash FROM prediction_events WHERE model_name = 'loans' ORDER BY seq",
    );
    assert.equal(raw[0]!.payload.applicant['name'], '[REDACTED]');
    assert.match(String(raw[0]!.payload.applicant['email']), /^hmac:[0-9a-f]{64}$/);
    assert.equal(raw[0]!.payload.applicant['email'], raw[1]!.payload.applicant['email']);
    assert.notEqual(raw[0]!.payload.applicant['email'], raw[2]!.payload.applicant['email']);
    assert.equal(raw[0]!.payload.applicant['income'], 50000);
    // Free text: the PII text detector's finding is pseudonymised in place, the rest kept.
    assert.match(String(raw[0]!.payload.applicant['note']), /^call me: <EMAIL_ADDRESS:[0-9a-f]{16}>, thanks$/);
    assert.ok(!JSON.stringify(raw).includes('example.com'));
    assert.ok(!JSON.stringify(raw).includes('C-42'));
    assert.equal(raw[0]!.subject_hash, raw[2]!.subject_hash);
    const mine = await gql<{ predictionsForSubject: { nodes: { requestId: string }[] } }>(
      '{ predictionsForSubject(model: "loans", subjectId: "C-42") { nodes { requestId } } }',
    );
    assert.deepEqual(
      mine.data!.predictionsForSubject.nodes.map((n) => n.requestId),
      ['loan-1', 'loan-3'],
    );
    const badPath = await gql('mutation { setPredictionSettings(input: { modelName: "loans", redactFields: ["a..b"] }) { modelName } }', 'admin');
    assert.equal(badPath.errors?.[0]?.extensions?.field, 'input.redactFields');
  });

  it('attaches feedback (Seldon shape and GraphQL) and yields labelled outcomes for bias reports', async () => {
    for (const [id, outcome] of [
      ['loan-1', 1],
      ['loan-2', 0],
      ['loan-3', 0],
    ] as const) {
      await post(JSON.stringify({ data: { names: ['approved'], ndarray: [outcome] } }), {
        'content-type': 'application/json',
        'ce-requestid': id,
        'ce-type': 'io.seldon.serving.inference.response',
        'ce-inferenceservicename': 'loans',
      });
    }
    const seldon = await fetch(`${app.url}/api/v1/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ response: { meta: { puid: 'loan-1' }, data: { ndarray: [1] } }, truth: { data: { ndarray: [0] } }, reward: 0 }),
    });
    assert.equal(seldon.status, 201, await seldon.clone().text());
    const missing = await fetch(`${app.url}/api/v1/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: 'no-such-request', truth: 1 }),
    });
    assert.equal(missing.status, 404);
    const viaGraphql = await gql<{ addPredictionFeedback: { id: string } }>(
      'mutation { addPredictionFeedback(input: { requestId: "loan-2", model: "loans", truth: { data: { ndarray: [0] } } }) { id truth } }',
      'admin',
    );
    assert.equal(viaGraphql.errors, undefined, JSON.stringify(viaGraphql.errors));
    const shown = await gql<{ prediction: { feedback: { reward: number | null }[] } }>('{ prediction(requestId: "loan-1") { feedback { reward truth } } }');
    assert.equal(shown.data!.prediction.feedback[0]!.reward, 0);

    const service = app.app.get(PredictionsService);
    const outcomes: LabelledOutcome[] = [];
    for await (const o of service.labelledOutcomes({ model: 'loans', protectedAttribute: 'applicant.email', outcome: 'data.ndarray.0' })) outcomes.push(o);
    assert.equal(outcomes.length, 2);
    assert.deepEqual(
      outcomes.map((o) => [o.predicted, o.actual]),
      [
        [1, 0],
        [0, 0],
      ],
    );
    assert.match(outcomes[0]!.group, /^hmac:/);
    const audit = await count("SELECT count(*) AS n FROM governance_audit_events WHERE action = 'predictions.feedback'");
    assert.equal(audit, 2);
  });
});

describe('PREDICTIONS_REQUIRE_REGISTERED_MODELS=true', () => {
  let stack: TestStack | undefined;

  before(async () => {
    stack = await startTestStack({ PREDICTIONS_REQUIRE_REGISTERED_MODELS: 'true' });
  });
  after(async () => {
    await stack?.close();
  });

  it('refuses events for a model without prediction settings, storing nothing of the batch, and takes them once registered', async () => {
    const { app, idp, db } = stack!;
    const admin = await idp.token('admin');
    const key = (
      await app.graphql<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "k", roles: ["service"] }) { secret } }', admin)
    ).data!.createApiKey.secret;
    const event = (model: string) => ({ type: 'org.kubeflow.serving.inference.request', id: `r-${model}`, inferenceservicename: model, data: {} });
    const post = () =>
      fetch(`${app.url}/api/v1/predictions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([event('known'), event('stranger')]),
      });
    await app.graphql('mutation { setPredictionSettings(input: { modelName: "known" }) { modelName } }', admin);
    const refused = await post();
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as { message: string; field: string };
    assert.match(body.message, /event 1: model "stranger" is not registered/);
    assert.equal(body.field, 'inferenceservicename');
    assert.equal((await db.query<{ n: string }>('SELECT count(*) AS n FROM prediction_events'))[0]!.n, '0');
    await app.graphql('mutation { setPredictionSettings(input: { modelName: "stranger" }) { modelName } }', admin);
    assert.equal((await post()).status, 200);
  });
});
