import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { creditCardScore, findCreditCards, issuerKnown } from './credit-card';

describe('credit card detector', () => {
  it('accepts Luhn-valid numbers in issuer ranges, grouped or not', () => {
    for (const v of [
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '2223000048400011',
      '378282246310005',
      '3714 496353 98431',
      '6011111111111117',
      '3530111333300000',
    ]) {
      assert.ok(creditCardScore(v) >= 0.85, v);
    }
  });

  it('rejects a Luhn failure (a 16-digit order id) and Luhn-valid numbers outside issuer ranges', () => {
    assert.equal(creditCardScore('4111111111111112'), 0);
    assert.equal(creditCardScore('1234567812345670'), 0, 'Luhn-valid, no issuer starts with 1');
    assert.equal(issuerKnown('9111111111111111'), false);
  });

  it('near misses: wrong length for the issuer, letters, other separators', () => {
    assert.equal(creditCardScore('37828224631000'), 0, 'Amex is 15 digits');
    assert.equal(creditCardScore('4111-1111-1111-111a'), 0);
    assert.equal(creditCardScore('4111/1111/1111/1111'), 0);
  });

  it('finds cards in text', () => {
    const text = 'paid with 4111 1111 1111 1111, ref 4111111111111112';
    assert.deepEqual(
      findCreditCards(text).map((s) => text.slice(s.start, s.end)),
      ['4111 1111 1111 1111'],
    );
  });
});
