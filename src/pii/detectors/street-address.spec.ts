import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findStreetAddresses, streetAddressScore } from './street-address';

describe('street address detector', () => {
  it('accepts addresses in English, German, Spanish, French, Italian and Dutch forms', () => {
    for (const v of [
      '221B Baker Street',
      '5961 Kassulke Mission Apt. 434',
      'Hauptstraße 5',
      'Hans-Schlehahn-Str. 54',
      'Calle Mayor, 12',
      '12 rue de la Paix',
      'Via Roma 10',
      'Kerkstraat 7',
    ]) {
      assert.ok(streetAddressScore(v) >= 0.85, v);
    }
  });

  it('gives street-like shapes without a street word only weak evidence', () => {
    const s = streetAddressScore('Colegio Mayte 43');
    assert.ok(s > 0 && s < 0.5);
  });

  it('rejects codes, versions, sentences and numbers alone', () => {
    for (const v of ['SKU-1234-AB', '1.2.3', 'Windows 11 is installed on 3 machines today', '12345', 'Main Street']) assert.equal(streetAddressScore(v), 0, v);
  });

  it('finds addresses in text', () => {
    const text = 'Ship to 221 Baker Street or Hauptstraße 5 please';
    assert.equal(findStreetAddresses(text).length, 2);
  });
});
