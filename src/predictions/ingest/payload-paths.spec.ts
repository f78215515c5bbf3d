import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidPath, keyText, replaceAt, valuesAt } from './payload-paths';

describe('payload field paths', () => {
  const payload = { applicant: { id: 'C-1', tags: ['a', 'b'] }, inputs: [{ data: [1, 2] }, { data: [3, 4] }] };

  it('reads values by dotted path, array indexes and *', () => {
    assert.deepEqual(valuesAt(payload, 'applicant.id'), ['C-1']);
    assert.deepEqual(valuesAt(payload, 'inputs.1.data.0'), [3]);
    assert.deepEqual(valuesAt(payload, 'inputs.*.data.1'), [2, 4]);
    assert.deepEqual(valuesAt(payload, 'applicant.missing'), []);
    assert.deepEqual(valuesAt(payload, 'inputs.9'), []);
  });

  it('replaces values in a copy, leaving the input unchanged', () => {
    const out = replaceAt(payload, 'inputs.*.data', () => '[REDACTED]') as typeof payload;
    assert.deepEqual(
      out.inputs.map((i) => i.data),
      ['[REDACTED]', '[REDACTED]'],
    );
    assert.deepEqual(payload.inputs[0]!.data, [1, 2]);
    assert.deepEqual(
      replaceAt(payload, 'nothing.here', () => 1),
      payload,
    );
  });

  it('validates paths and gives type-independent key text', () => {
    assert.equal(isValidPath('a.b.0'), true);
    assert.equal(isValidPath('a..b'), false);
    assert.equal(isValidPath(''), false);
    assert.equal(keyText('42'), '42');
    assert.equal(keyText(42), '42');
    assert.equal(keyText({ a: 1 }), '{"a":1}');
  });
});
