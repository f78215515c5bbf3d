import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../common/app-error';
import { parseModelTarget } from '../report.service';
import { datasetTargets, grantOf, hopsFrom } from './dataset-evidence';
import type { GrantEvidenceRow } from './evidence.repository';
import { cardFields } from './model-evidence';

describe('evidence helpers', () => {
  it('flattens a Model Card Toolkit document into short labels, list items numbered', () => {
    const fields = cardFields({
      model_details: { name: 'credit-default', owners: [{ name: 'Zoë', contact: 'zoe@example.org' }], licenses: [] },
      model_parameters: { data: [{ name: 'features' }, { name: 'curated' }] },
      considerations: { use_cases: ['scoring', 'pricing'] },
    });
    assert.deepEqual(fields, [
      { label: 'model details › name', value: 'credit-default' },
      { label: 'owners 1 › name', value: 'Zoë' },
      { label: 'owners 1 › contact', value: 'zoe@example.org' },
      { label: 'data 1 › name', value: 'features' },
      { label: 'data 2 › name', value: 'curated' },
      { label: 'considerations › use cases', value: 'scoring, pricing' },
    ]);
  });

  it('parses model:<name>:<version> with colons in the name, and refuses anything else on input.target', () => {
    assert.deepEqual(parseModelTarget('model:credit-default:2.0'), { name: 'credit-default', version: '2.0' });
    assert.deepEqual(parseModelTarget('model:team:scorer:3'), { name: 'team:scorer', version: '3' });
    for (const bad of ['credit-default', 'model:', 'model:x', 'dataset:a:b']) {
      assert.throws(
        () => parseModelTarget(bad),
        (e: unknown) => e instanceof AppError && e.field === 'input.target',
        bad,
      );
    }
  });

  it('counts hops along and against the data flow', () => {
    const graph = {
      nodes: [],
      edges: [
        { from: 'a', to: 'j1' },
        { from: 'j1', to: 'b' },
        { from: 'b', to: 'j2' },
        { from: 'j2', to: 'c' },
      ],
      truncated: false,
    };
    assert.deepEqual(
      [...hopsFrom(graph, ['a'], 'downstream')],
      [
        ['a', 0],
        ['j1', 1],
        ['b', 2],
        ['j2', 3],
        ['c', 4],
      ],
    );
    assert.deepEqual([...hopsFrom(graph, ['c'], 'upstream')].at(-1), ['a', 4]);
  });

  it('names the basis of a grant: the rule, or every approver', () => {
    const row: GrantEvidenceRow = {
      id: 'g1',
      dataset: 'dataset:pg:applications',
      grantee_id: 'p1',
      grantee_label: 'ds@charter.local',
      action: 'read',
      purpose: 'model-training',
      granted_at: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2026-01-31T00:00:00Z'),
      end_reason: 'revoked',
      ended_at: new Date('2026-01-31T00:00:00Z'),
      decided_automatically: false,
      rule_id: 'escalate-restricted',
      approver_ids: ['o1', 'r1'],
      approver_labels: ['owner@charter.local', null],
    };
    const grant = grantOf(row);
    assert.deepEqual(grant.basis, { kind: 'approver', approver: { id: 'o1, r1', label: 'owner@charter.local, r1' } });
    assert.equal(grant.revokedAt, '2026-01-31T00:00:00.000Z');
    assert.equal(grant.purpose, 'read: model-training');
    assert.deepEqual(grantOf({ ...row, decided_automatically: true, rule_id: 'approve-masked' }).basis, { kind: 'rule', rule: 'approve-masked' });
  });

  it('knows every name modules give a dataset in audit targets', () => {
    assert.deepEqual(datasetTargets({ id: 'u1', namespace: 'pg://h:5432', name: 'db.t' }), [
      'dataset:pg://h:5432:db.t',
      'dataset:pg://h:5432/db.t',
      'dataset:u1',
    ]);
  });
});
