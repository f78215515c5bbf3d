import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PhoneMatcher, findPhones } from './phone';

describe('phone detector (libphonenumber-js)', () => {
  it('scores international numbers of many countries as valid', () => {
    const m = new PhoneMatcher();
    for (const v of [
      '+49 30 901820',
      '+44 20 7946 0958',
      '+33 1 42 68 53 00',
      '+34 912 345 678',
      '+1 202-456-1111',
      '+81 3-3224-5000',
      '+91 98765 43210',
      '0049 30 901820',
    ]) {
      assert.ok(m.score(v) >= 0.9, v);
    }
  });

  it("scores formatted national numbers of a column's country as valid", () => {
    const us = new PhoneMatcher();
    assert.ok(us.score('(202) 456-1111') >= 0.8);
    assert.ok(us.score('202.456.1111 x123') >= 0.8, 'extension');
    assert.ok(new PhoneMatcher().score('030 901820') >= 0.8, 'German national format');
    assert.ok(new PhoneMatcher().score('01 42 68 53 00') >= 0.8, 'French national format');
  });

  it("once a column's country is known, another country's national number is still dialable", () => {
    const m = new PhoneMatcher();
    assert.ok(m.score('030 901820') >= 0.8);
    assert.ok(m.score('01 42 68 53 00') >= 0.55);
  });

  it('gives bare digit runs only weak evidence, and nothing to ids, dates and versions', () => {
    const m = new PhoneMatcher();
    assert.ok(m.score('2024561111') <= 0.4);
    for (const v of ['1234567890123456', '2021-03-04', '1.2.3', '12:30:45', 'ABC-12345', '42', '+1']) assert.equal(m.score(v), 0, v);
  });

  it('near miss: dialable shape but not a possible number', () => {
    assert.equal(new PhoneMatcher().score('+49 1'), 0);
    assert.equal(new PhoneMatcher().score('+999 1234 5678'), 0);
  });

  it('finds formatted and international numbers in text, not amounts', () => {
    const text = 'Call +44 20 7946 0958 or (202) 456-1111; invoice 1234567 was 99.50.';
    assert.deepEqual(
      findPhones(text).map((s) => text.slice(s.start, s.end)),
      ['+44 20 7946 0958', '(202) 456-1111'],
    );
  });
});
