import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digitsOnly, luhnValid, nhsValid } from './checksums';

describe('checksums', () => {
  it('Luhn accepts valid numbers and rejects a changed digit', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(luhnValid('79927398710'), false);
  });

  it('NHS mod-11: valid, wrong check digit, and check value 10 (never issued)', () => {
    assert.equal(nhsValid('9434765919'), true);
    assert.equal(nhsValid('9434765918'), false);
    // 000000001x: sum 2 -> 11 - 2 = 9 is the check digit; a body giving check 10 is invalid.
    assert.equal(nhsValid('0000000019'), true);
    assert.equal(nhsValid('1000000010'), false); // body 100000001 gives check 10
    assert.equal(nhsValid('943476591'), false);
  });

  it('digitsOnly keeps digits, allows listed separators, refuses anything else', () => {
    assert.equal(digitsOnly('4111 1111-1111', ' -'), '411111111111');
    assert.equal(digitsOnly('4111/1111', ' -'), undefined);
  });
});
