import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIbans, ibanScore } from './iban';

describe('IBAN detector (ibantools)', () => {
  it('accepts valid IBANs, printed or electronic', () => {
    for (const v of ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'FR14 2004 1010 0505 0001 3M02 606', 'NL91ABNA0417164300'])
      assert.equal(ibanScore(v), 0.99, v);
  });

  it('rejects a wrong check digit and a wrong length for the country', () => {
    assert.equal(ibanScore('DE88 3704 0044 0532 0130 00'), 0);
    assert.equal(ibanScore('DE89 3704 0044 0532 0130 0'), 0);
    assert.equal(ibanScore('XX89370400440532013000'), 0);
  });

  it('near miss: mod-97 right but a national check digit wrong scores lower', () => {
    // Spanish IBAN with valid mod-97 whose BBAN control digits are wrong.
    assert.equal(ibanScore('ES4230303805675674062000'), 0.8);
  });

  it('finds IBANs in text', () => {
    const text = 'Please pay to DE89 3704 0044 0532 0130 00 by Friday.';
    assert.deepEqual(
      findIbans(text).map((s) => text.slice(s.start, s.end)),
      ['DE89 3704 0044 0532 0130 00'],
    );
  });
});
