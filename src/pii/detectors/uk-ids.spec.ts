import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUkIds, nhsScore, ninoScore } from './uk-ids';

describe('UK NINO detector', () => {
  it('accepts valid numbers, spaced or not', () => {
    assert.ok(ninoScore('AB123456C') > 0.8);
    assert.ok(ninoScore('ab 12 34 56 c') > 0.8);
  });

  it('rejects forbidden letters, unissued prefixes and suffixes past D', () => {
    for (const v of ['DA123456C', 'AO123456C', 'QQ123456C', 'GB123456A', 'ZZ123456A', 'AB123456E', 'AB12345C']) assert.equal(ninoScore(v), 0, v);
  });
});

describe('UK NHS number detector', () => {
  it('accepts mod-11 valid numbers; grouped ones more strongly', () => {
    assert.ok(nhsScore('943 476 5919') >= 0.8);
    assert.ok(nhsScore('9434765919') > 0 && nhsScore('9434765919') < 0.5);
  });

  it('rejects a wrong check digit and wrong grouping', () => {
    assert.equal(nhsScore('943 476 5918'), 0);
    assert.equal(nhsScore('9434 76 5919'), 0);
  });

  it('finds both in text', () => {
    const text = 'NI AB123456C, NHS 943 476 5919.';
    assert.deepEqual(
      findUkIds(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`),
      ['UK_NINO:AB123456C', 'UK_NHS:943 476 5919'],
    );
  });
});
