import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { laterState, mergePlans } from './ingest-batch';
import { planEvent } from './ingest-plan';

const RUN = '5b1c3a62-58a9-4d47-9b0e-9d6c3f7b1a11';
const event = (type: string, time: string, extra: Record<string, unknown> = {}) =>
  planEvent({
    eventType: type,
    eventTime: time,
    producer: 'https://example.com/producer',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: RUN },
    job: { namespace: 'ns', name: 'job' },
    ...extra,
  });

describe('mergePlans', () => {
  it('applies the run state rule whatever order the events come in', () => {
    const plans = [event('COMPLETE', '2026-01-01T12:00:00Z'), event('START', '2026-01-01T09:00:00Z'), event('RUNNING', '2026-01-01T10:00:00Z')];
    for (const order of [plans, [...plans].reverse(), [plans[1]!, plans[0]!, plans[2]!]]) {
      const [run] = mergePlans(order).runs;
      assert.equal(run!.state, 'COMPLETE');
      assert.deepEqual(run!.startedAt, new Date('2026-01-01T09:00:00Z'));
      assert.deepEqual(run!.endedAt, new Date('2026-01-01T12:00:00Z'));
    }
  });

  it('keeps one row per dataset, edge and version, with the widest time span', () => {
    const schema = { _producer: 'https://p', _schemaURL: 'https://s', fields: [{ name: 'id', type: 'INT' }] };
    const a = event('START', '2026-01-02T00:00:00Z', { inputs: [{ namespace: 'db', name: 't', facets: { schema } }] });
    const b = event('COMPLETE', '2026-01-03T00:00:00Z', { inputs: [{ namespace: 'db', name: 't', facets: { schema } }] });
    const batch = mergePlans([b, a]);
    assert.equal(batch.datasets.length, 1);
    assert.equal(batch.datasetVersions.length, 1);
    assert.deepEqual(batch.datasetVersions[0]!.validFrom, new Date('2026-01-02T00:00:00Z'));
    assert.equal(batch.edges.length, 1);
    assert.deepEqual([batch.edges[0]!.firstSeen, batch.edges[0]!.lastSeen], [new Date('2026-01-02T00:00:00Z'), new Date('2026-01-03T00:00:00Z')]);
  });

  it('gives the same hash to the same event and a different one to any change', () => {
    assert.equal(event('START', '2026-01-01T09:00:00Z').hash, event('START', '2026-01-01T09:00:00Z').hash);
    assert.notEqual(event('START', '2026-01-01T09:00:00Z').hash, event('START', '2026-01-01T09:00:01Z').hash);
  });

  it('never moves a run backwards', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const later = new Date('2026-01-01T01:00:00Z');
    assert.equal(laterState({ state: 'COMPLETE', at }, { state: 'START', at: later }), false);
    assert.equal(laterState({ state: 'START', at: later }, { state: 'RUNNING', at }), true);
    assert.equal(laterState({ state: 'RUNNING', at }, { state: 'RUNNING', at: later }), true);
    assert.equal(laterState({ state: 'FAIL', at: later }, { state: 'COMPLETE', at }), false);
  });
});
