import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalColumns, canonicalColumnsReference } from './record-hash';

describe('record-hash', () => {
  it('writes the same RFC 8785 canonical JSON as canonicalize, for awkward names and values', () => {
    const strings = ['', 'plain', 'quote " backslash \\ tab \t nl \n', 'é ü ß 中文', '\u{1F600}', '\u007f\u0001\u001f', 'Z', 'a', '_', 'B', '\u00e9', '\uffff'];
    for (let i = 0; i < 200; i++) {
      const pick = () => strings[Math.floor(Math.random() * strings.length)]!;
      const attributes: Record<string, string> = {};
      for (let k = 0; k < i % 7; k++) attributes[`${pick()}${k % 3 === 0 ? pick() : ''}`] = pick();
      const h = {
        modelName: pick(),
        kind: 'request',
        correlationId: pick(),
        eventId: pick(),
        eventType: pick(),
        source: pick(),
        modelVersion: pick(),
        occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1234567),
        attributes,
        contentType: i % 2 ? null : pick(),
        payloadText: null,
        subjectHash: i % 3 ? null : pick(),
        sender: pick(),
        hashVersion: 2 as const,
      };
      assert.equal(canonicalColumns(h), canonicalColumnsReference(h));
    }
  });
});
