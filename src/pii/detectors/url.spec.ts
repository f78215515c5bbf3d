import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUrls, urlScore } from './url';

describe('URL detector (non-personal)', () => {
  it('accepts http(s), ftp and www. forms', () => {
    for (const v of ['https://example.com/a?b=c', 'http://localhost:8080', 'www.example.org']) assert.ok(urlScore(v) > 0, v);
  });

  it('rejects bare domains, e-mail addresses and text', () => {
    for (const v of ['example.com', 'jane@example.com', 'see https://']) assert.equal(urlScore(v), 0, v);
  });

  it('finds URLs in text without trailing punctuation', () => {
    const text = 'Docs: https://example.com/docs.';
    assert.deepEqual(
      findUrls(text).map((s) => text.slice(s.start, s.end)),
      ['https://example.com/docs'],
    );
  });
});
