import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailScore, findEmails } from './email';

describe('e-mail detector', () => {
  it('accepts real-world addresses, including sub-addresses and IDN domains', () => {
    for (const v of ['jane.doe@example.com', 'a+tag@mail.example.co.uk', "o'brien@example.ie", 'jürgen@münchen.de', 'mailto:x@example.org']) {
      assert.ok(emailScore(v) > 0.9, v);
    }
  });

  it('rejects non-addresses and near misses', () => {
    for (const v of ['jane.doe@', '@example.com', 'jane@example', 'jane doe@example.com', 'jane..doe@example.com', 'user@@example.com', 'hello world']) {
      assert.equal(emailScore(v), 0, v);
    }
  });

  it('finds addresses in text with their offsets', () => {
    const text = 'Write to jane@example.com or bob@example.org.';
    assert.deepEqual(
      findEmails(text).map((s) => text.slice(s.start, s.end)),
      ['jane@example.com', 'bob@example.org'],
    );
  });
});
