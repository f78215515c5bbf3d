import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../common/app-error';
import { formatNodeId, parseNodeId } from './node-id';

function badInput(value: string): AppError {
  try {
    parseNodeId(value);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'BAD_USER_INPUT');
    assert.equal(error.field, 'nodeId');
    return error;
  }
  assert.fail(`${value} should be refused`);
}

describe('node ids (Marquez NodeId rules)', () => {
  it('parses dataset and job ids with plain parts', () => {
    assert.deepEqual(parseNodeId('dataset:food_delivery:public.delivery_7_days'), {
      type: 'DATASET',
      namespace: 'food_delivery',
      name: 'public.delivery_7_days',
    });
    assert.deepEqual(parseNodeId('job:etl:load_orders'), { type: 'JOB', namespace: 'etl', name: 'load_orders' });
  });

  it('keeps URI namespaces whole: colons before // or a port are not separators', () => {
    assert.deepEqual(parseNodeId('dataset:postgres://db.example.com:5432:public.orders'), {
      type: 'DATASET',
      namespace: 'postgres://db.example.com:5432',
      name: 'public.orders',
    });
    assert.deepEqual(parseNodeId('dataset:kafka://broker:9092:orders:v2'), { type: 'DATASET', namespace: 'kafka://broker:9092', name: 'orders:v2' });
  });

  it('lets a name contain colons: the last part takes the rest', () => {
    assert.deepEqual(parseNodeId('dataset:s3:bucket:path:to:file'), { type: 'DATASET', namespace: 's3', name: 'bucket:path:to:file' });
    assert.deepEqual(parseNodeId('job:ns:dag:task:1'), { type: 'JOB', namespace: 'ns', name: 'dag:task:1' });
  });

  it('takes exactly the expected parts as they are, digits included (Marquez splits plainly first)', () => {
    assert.deepEqual(parseNodeId('dataset:ns:2024'), { type: 'DATASET', namespace: 'ns', name: '2024' });
    assert.deepEqual(parseNodeId('dataset:123:name'), { type: 'DATASET', namespace: '123', name: 'name' });
  });

  it('always ends the type prefix at the first colon, even before a digit', () => {
    assert.deepEqual(parseNodeId('dataset:1ns:a:b'), { type: 'DATASET', namespace: '1ns', name: 'a:b' });
  });

  it('parses dataset fields, with the other readings when the dataset name has colons', () => {
    assert.deepEqual(parseNodeId('datasetField:ns:orders:email'), { type: 'DATASET_FIELD', namespace: 'ns', name: 'orders', field: 'email', alternatives: [] });
    assert.deepEqual(parseNodeId('datasetField:ns:a:b:c'), {
      type: 'DATASET_FIELD',
      namespace: 'ns',
      name: 'a',
      field: 'b:c',
      alternatives: [{ name: 'a:b', field: 'c' }],
    });
    assert.deepEqual(parseNodeId('datasetField:postgres://h:5432:db.t:col'), {
      type: 'DATASET_FIELD',
      namespace: 'postgres://h:5432',
      name: 'db.t',
      field: 'col',
      alternatives: [],
    });
  });

  it('keeps # inside names, but refuses a Marquez version suffix', () => {
    assert.deepEqual(parseNodeId('dataset:ns:table#1'), { type: 'DATASET', namespace: 'ns', name: 'table#1' });
    assert.match(badInput('dataset:ns:table#0a1b2c3d-0000-4000-8000-000000000000').message, /version/);
  });

  it('refuses unknown types, missing parts and empty parts, naming the field', () => {
    assert.match(badInput('run:0a1b2c3d-0000-4000-8000-000000000000').message, /must start with dataset:, job: or datasetField:/);
    assert.match(badInput('table:ns:name').message, /must start with/);
    badInput('dataset:ns');
    badInput('dataset:ns:');
    badInput('dataset::name');
    badInput('datasetField:ns:orders');
    badInput('');
    badInput(`dataset:ns:${'x'.repeat(5000)}`);
  });

  it('formats ids that parse back to the same node', () => {
    for (const id of [
      { type: 'DATASET' as const, namespace: 'postgres://db:5432', name: 'public.orders' },
      { type: 'JOB' as const, namespace: 'airflow', name: 'dag.task' },
      { type: 'DATASET' as const, namespace: 'ns', name: 'with:colon' },
    ]) {
      assert.deepEqual(parseNodeId(formatNodeId(id)), id);
    }
    assert.equal(formatNodeId({ type: 'DATASET_FIELD', namespace: 'ns', name: 'orders', field: 'email' }), 'datasetField:ns:orders:email');
  });
});
