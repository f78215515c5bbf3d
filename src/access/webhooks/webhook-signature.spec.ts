import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'a-secret-of-sixteen+';
  const body = '{"event":"grant.created"}';

  it('verifies its own signature and refuses a changed body, a wrong key or an old timestamp', () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    assert.equal(verifyWebhook(secret, body, header, 1_700_000_010), true);
    assert.equal(verifyWebhook(secret, body.replace('created', 'revoked'), header, 1_700_000_010), false);
    assert.equal(verifyWebhook('another-secret-here', body, header, 1_700_000_010), false);
    assert.equal(verifyWebhook(secret, body, header, 1_700_000_000 + 3600), false);
    assert.equal(verifyWebhook(secret, body, 'garbage', 1_700_000_000), false);
  });
});
