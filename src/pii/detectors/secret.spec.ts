import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entropy, findSecrets, secretScore } from './secret';

describe('secret detector', () => {
  it('recognises vendor key formats by prefix', () => {
    for (const v of [
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_' + 'a'.repeat(18) + 'B'.repeat(18),
      'xoxb-1234567890-abcdefghij',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'AIza' + 'x'.repeat(35),
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      '-----BEGIN RSA PRIVATE KEY-----',
    ]) {
      assert.equal(secretScore(v), 0.95, v);
    }
  });

  it('scores long random tokens moderately by entropy', () => {
    assert.equal(secretScore('aZ3kP9qLx2Vb7Nm4Rt8Yw1'), 0.65);
    assert.ok(entropy('aZ3kP9qLx2Vb7Nm4Rt8Yw1') > 4);
  });

  it('does not take hashes, UUIDs, product codes or words for secrets', () => {
    for (const v of ['d41d8cd98f00b204e9800998ecf8427e', '550e8400-e29b-41d4-a716-446655440000', 'ETH-13100-5L', 'SKU-1234-AB', 'password', 'Hello world']) {
      assert.equal(secretScore(v), 0, v);
    }
  });

  it('near miss: a known prefix with too short a body is not a known key', () => {
    assert.notEqual(secretScore('ghp_short'), 0.95);
  });

  it('finds keys in text', () => {
    const text = 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE';
    assert.deepEqual(
      findSecrets(text).map((s) => text.slice(s.start, s.end)),
      ['AKIAIOSFODNN7EXAMPLE'],
    );
  });
});
