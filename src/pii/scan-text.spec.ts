import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskValue } from './mask';
import { scanText } from './scan-text';
import { isPersonal } from './types';

describe('scanText', () => {
  it('finds personal data in free text with offsets and masked values', () => {
    const text = 'Hi, I am John Smith from Berlin. Mail john.smith@example.com or call +49 30 901820. Card 4111 1111 1111 1111.';
    const spans = scanText(text);
    const found = spans.map((s) => [s.type, text.slice(s.start, s.end), s.masked]);
    assert.deepEqual(found, [
      ['PERSON', 'John Smith', 'J*** S****'],
      ['LOCATION', 'Berlin', 'B*****'],
      ['EMAIL_ADDRESS', 'john.smith@example.com', 'j*********@e******.com'],
      ['PHONE_NUMBER', '+49 30 901820', '+** ** ****20'],
      ['CREDIT_CARD', '4111 1111 1111 1111', '**** **** **** 1111'],
    ]);
    for (const s of spans) assert.ok(s.score > 0 && s.score <= 1);
  });

  it('reports non-personal types, which callers tell apart with isPersonal', () => {
    const spans = scanText('See https://example.com/page on 2024-05-01.');
    assert.deepEqual(
      spans.map((s) => [s.type, isPersonal(s.type)]),
      [
        ['URL', false],
        ['DATE_TIME', false],
      ],
    );
  });

  it('finds nothing in filler text and handles empty input', () => {
    assert.deepEqual(scanText('Lorem ipsum dolor sit amet, consectetur adipiscing elit. Maxime tui stella.'), []);
    assert.deepEqual(scanText(''), []);
  });

  it('resolves overlaps in favour of the more specific type', () => {
    const text = 'SSN 536-22-1234';
    assert.deepEqual(
      scanText(text).map((s) => s.type),
      ['US_SSN'],
    );
  });
});

describe('masking', () => {
  it('keeps the shape, never the identity', () => {
    assert.equal(maskValue('US_SSN', '536-22-1234'), '***-**-****');
    assert.equal(maskValue('IBAN_CODE', 'DE89 3704 0044 0532 0130 00'), 'DE** **** **** **** **** 00');
    assert.equal(maskValue('SECRET', 'AKIAIOSFODNN7EXAMPLE'), 'AKIA************');
    assert.equal(maskValue('URL', 'https://example.com'), 'https://example.com');
  });
});
