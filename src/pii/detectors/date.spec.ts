import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDates, parseDate } from './date';

describe('date detector', () => {
  it('parses ISO, day-first, month-first and named-month dates in several languages', () => {
    assert.deepEqual(parseDate('1985-03-12'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('12.03.1985'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('03/25/1985'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('12 March 1985'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('12. März 1985'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('12 de marzo de 1985'), { year: 1985, dateOnly: true });
    assert.deepEqual(parseDate('March 12, 1985'), { year: 1985, dateOnly: true });
  });

  it('tells timestamps from dates', () => {
    assert.deepEqual(parseDate('2024-01-05T10:22:33Z'), { year: 2024, dateOnly: false });
    assert.deepEqual(parseDate('2024-01-05 10:22:33.123+02:00'), { year: 2024, dateOnly: false });
  });

  it('rejects impossible dates and look-alikes', () => {
    for (const v of ['2023-02-30', '31.04.2020', '13/13/2020', '1.2.3', '10.0.0.1', '2024-13-01', '12 Foo 1985', '20240105'])
      assert.equal(parseDate(v), undefined, v);
  });

  it('finds numeric dates in text', () => {
    const text = 'born 1985-03-12, seen 12.03.2020';
    assert.equal(findDates(text).length, 2);
  });
});
