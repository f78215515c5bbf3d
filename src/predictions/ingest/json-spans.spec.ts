import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elementStarts, memberSpans, valueEnd } from './json-spans';

describe('json-spans', () => {
  it('finds the text of values as written: strings with escapes, nested brackets in strings, numbers, literals', () => {
    const text = '[ {"a": "x\\\\", "data" : { "k": "}]\\"", "n": [1.0, {}] } , "b": true}, 2.50 ,null,"\\\\\\"" ]';
    const starts = elementStarts(text, 0);
    assert.equal(starts.length, 4);
    assert.deepEqual(
      starts.map((s) => text.slice(s, valueEnd(text, s))),
      ['{"a": "x\\\\", "data" : { "k": "}]\\"", "n": [1.0, {}] } , "b": true}', '2.50', 'null', '"\\\\\\""'],
    );
    const data = memberSpans(text, starts[0]!, ['data', 'b']);
    assert.equal(text.slice(...data.get('data')!), '{ "k": "}]\\"", "n": [1.0, {}] }');
    assert.equal(text.slice(...data.get('b')!), 'true');
  });

  it('decodes escaped member names and keeps the last of a repeated member, as JSON.parse does', () => {
    const text = ' {"d\\u0061ta": 1, "data": [ 2 ]}';
    assert.equal(text.slice(...memberSpans(text, 0, ['data']).get('data')!), '[ 2 ]');
    assert.deepEqual(elementStarts('[]', 0), []);
    assert.equal(memberSpans('{}', 0, ['data']).size, 0);
  });
});
