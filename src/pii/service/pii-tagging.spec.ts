import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadThresholds, defaultPoliciesDir } from '../thresholds';
import { planTagging, type TaggingInput } from './pii-tagging';

const rules = loadThresholds(defaultPoliciesDir()).sensitivity;
const finding = (type: 'EMAIL_ADDRESS' | 'CREDIT_CARD' | 'PERSON') => ({ type, score: 0.9, matchRatio: 0.9 });

function plan(overrides: Partial<TaggingInput>) {
  return planTagging({ columns: [], fields: ['id', 'Email', 'card'], verdicts: [], datasetTags: ['gold'], rules, ...overrides });
}

describe('planTagging', () => {
  it('tags matched fields (exact, else case-insensitive) and derives the sensitivity', () => {
    const p = plan({
      columns: [
        { name: 'email', entities: [finding('EMAIL_ADDRESS')] },
        { name: 'card', entities: [finding('CREDIT_CARD')] },
      ],
    });
    assert.deepEqual(Object.fromEntries(p.fieldTags), { id: [], Email: ['PII:EMAIL_ADDRESS'], card: ['PII:CREDIT_CARD'] });
    assert.equal(p.columnField.get('email'), 'Email');
    assert.deepEqual(p.datasetTags, ['gold', 'PII']);
    assert.equal(p.sensitivity, 'restricted');
  });

  it('ignores columns with no lineage field and ambiguous case-insensitive matches', () => {
    const p = plan({
      fields: ['a', 'A'],
      columns: [
        { name: 'x', entities: [finding('PERSON')] },
        { name: 'a_', entities: [] },
      ],
    });
    assert.equal(p.columnField.get('x'), null);
    assert.deepEqual(p.datasetTags, ['gold']);
    assert.equal(p.sensitivity, 'internal');
    const ambiguous = plan({
      fields: ['a', 'A'],
      columns: [
        { name: 'a ', entities: [] },
        { name: 'ä', entities: [] },
      ],
    });
    assert.equal(ambiguous.columnField.get('ä'), null);
  });

  it('never tags a rejected finding and keeps a confirmed one the scan missed', () => {
    const p = plan({
      columns: [{ name: 'Email', entities: [finding('EMAIL_ADDRESS')] }],
      verdicts: [
        { column_name: 'Email', entity_type: 'EMAIL_ADDRESS', verdict: 'rejected' },
        { column_name: 'card', entity_type: 'CREDIT_CARD', verdict: 'confirmed' },
        { column_name: 'gone', entity_type: 'PERSON', verdict: 'confirmed' },
      ],
    });
    assert.deepEqual(Object.fromEntries(p.fieldTags), { id: [], Email: [], card: ['PII:CREDIT_CARD'] });
    assert.equal(p.sensitivity, 'restricted');
  });

  it('drops the dataset PII tag when nothing is left', () => {
    assert.deepEqual(plan({ datasetTags: ['PII', 'gold'] }).datasetTags, ['gold']);
  });
});
