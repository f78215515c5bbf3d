import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSsns, ssnScore } from './us-ssn';

describe('US SSN detector', () => {
  it('accepts numbers in the SSA ranges', () => {
    assert.ok(ssnScore('536-22-1234') >= 0.8);
    assert.ok(ssnScore('001 01 0001') >= 0.8);
  });

  it('rejects area 000, 666 and 900-999, group 00, serial 0000 and voided numbers', () => {
    for (const v of ['000-12-3456', '666-12-3456', '912-12-3456', '536-00-1234', '536-22-0000', '078-05-1120', '219-09-9999']) assert.equal(ssnScore(v), 0, v);
  });

  it('near misses: bare nine digits are weak; mixed separators and wrong grouping are nothing', () => {
    assert.ok(ssnScore('536221234') > 0 && ssnScore('536221234') < 0.5);
    assert.equal(ssnScore('536-22 1234'), 0);
    assert.equal(ssnScore('5362-2-1234'), 0);
  });

  it('finds SSNs in text', () => {
    const text = 'SSN 536-22-1234, not 666-12-3456';
    assert.deepEqual(
      findSsns(text).map((s) => text.slice(s.start, s.end)),
      ['536-22-1234'],
    );
  });
});
