import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeHeader, readHeader } from './headers';

describe('header meaning', () => {
  it('normalises case, camelCase, separators and diacritics', () => {
    assert.equal(normalizeHeader('CustomerEmail_Address'), 'customer email address');
    assert.equal(normalizeHeader('Straße'), 'strasse');
    assert.equal(normalizeHeader('teléfono'), 'telefono');
  });

  it('reads the same meaning in several languages', () => {
    const cases: [string, string][] = [
      ['email', 'EMAIL_ADDRESS'],
      ['correo', 'EMAIL_ADDRESS'],
      ['courriel', 'EMAIL_ADDRESS'],
      ['E-Mail-Adresse', 'EMAIL_ADDRESS'],
      ['telefon', 'PHONE_NUMBER'],
      ['phone', 'PHONE_NUMBER'],
      ['teléfono', 'PHONE_NUMBER'],
      ['geburtsdatum', 'DATE_OF_BIRTH'],
      ['date of birth', 'DATE_OF_BIRTH'],
      ['fecha de nacimiento', 'DATE_OF_BIRTH'],
      ['date_de_naissance', 'DATE_OF_BIRTH'],
      ['lugar de nacimiento', 'LOCATION'],
      ['name', 'PERSON'],
      ['nombre', 'PERSON'],
      ['nom', 'PERSON'],
      ['vorname', 'PERSON'],
      ['address', 'STREET_ADDRESS'],
      ['dirección', 'STREET_ADDRESS'],
      ['adresse', 'STREET_ADDRESS'],
      ['straße', 'STREET_ADDRESS'],
      ['ip_address', 'IP_ADDRESS'],
      ['mac_address', 'MAC_ADDRESS'],
      ['Stadt', 'LOCATION'],
      ['nationality', 'NRP'],
      ['api_key', 'SECRET'],
      ['company_name', 'ORGANIZATION'],
      ['created_at', 'DATE_TIME'],
    ];
    for (const [header, hint] of cases) assert.equal(readHeader(header).hint, hint, header);
  });

  it('names that are not about a person are not PERSON', () => {
    for (const h of ['product_name', 'file name', 'hostname', 'username', 'sku', 'order_id']) assert.notEqual(readHeader(h).hint, 'PERSON', h);
  });

  it('recognises meaningless headers', () => {
    for (const h of ['col_7', 'field3', 'Unnamed: 0', 'V12', 'c4', '', 'column 2']) assert.equal(readHeader(h).meaningful, false, h);
    assert.equal(readHeader('shoe size').meaningful, true);
  });
});
