import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyColumn, classifyTable } from './classify';
import { ColumnStats } from './column-stats';
import { CellClassifier } from './detectors';
import { defaultPoliciesDir, loadThresholds } from './thresholds';

const thresholds = loadThresholds(defaultPoliciesDir());

function column(name: string, values: readonly (string | null)[]): ColumnStats {
  const stats = new ColumnStats(name, new CellClassifier(), thresholds);
  for (const v of values) stats.add(v);
  return stats;
}

const repeat = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_v, i) => f(i));
const emails = repeat(50, (i) => `user${i}@example.com`);
const phones = repeat(50, (i) => `+49 30 9018${String(200 + i).padStart(3, '0')}`);
const types = (name: string, values: readonly (string | null)[]) => classifyColumn(column(name, values), thresholds, 2026).result.entities.map((e) => e.type);

describe('column classification', () => {
  it('classifies a meaningless header by content', () => {
    assert.deepEqual(types('col_7', emails), ['EMAIL_ADDRESS']);
    assert.deepEqual(types('field3', phones), ['PHONE_NUMBER']);
  });

  it('does not let a lying header beat content', () => {
    assert.deepEqual(types('email', phones), ['PHONE_NUMBER'], 'a phone column named email');
    assert.deepEqual(
      types(
        'phone',
        repeat(50, (i) => `ABC-${1000 + i}-XY`),
      ),
      [],
      'product codes named phone',
    );
    assert.deepEqual(types('sku', emails), ['EMAIL_ADDRESS'], 'e-mails under a harmless header');
  });

  it('never trusts the header alone', () => {
    assert.deepEqual(
      types(
        'email',
        repeat(50, (i) => String(i * 7)),
      ),
      [],
    );
  });

  it('lets a matching header confirm weak content (bare digits named telefon)', () => {
    const bare = repeat(50, (i) => `2024561${String(100 + i)}`);
    assert.deepEqual(types('col_2', bare), [], 'bare digits alone are not enough');
    assert.deepEqual(types('telefon', bare), ['PHONE_NUMBER']);
  });

  it('counts share of matching cells, ignoring empty ones', () => {
    const mostlyEmpty = [...emails.slice(0, 10), ...repeat(90, () => '')];
    const result = classifyColumn(column('x', mostlyEmpty), thresholds).result;
    assert.deepEqual(result.entities[0], { type: 'EMAIL_ADDRESS', score: 0.95, matchRatio: 1 });
    const diluted = [...emails.slice(0, 10), ...repeat(90, (i) => `note ${i}`)];
    assert.deepEqual(types('x', diluted), [], '10% e-mails is not an e-mail column');
  });

  it('reports every personal type of a free-text column', () => {
    const notes = repeat(60, (i) =>
      i % 3 === 0
        ? `Please ask John Smith about the renewal of contract ${i} next week.`
        : i % 3 === 1
          ? `The customer wrote from jane${i}@example.com about the late delivery.`
          : `Called back on +44 20 7946 0958 and left a message for them.`,
    );
    const result = classifyColumn(column('notes', notes), thresholds).result;
    assert.equal(result.freeText, true);
    assert.deepEqual(result.entities.map((e) => e.type).sort(), ['EMAIL_ADDRESS', 'PERSON', 'PHONE_NUMBER']);
    assert.equal(result.pii, true);
  });

  it('keeps non-personal types apart', () => {
    const result = classifyColumn(
      column(
        'created_at',
        repeat(50, (i) => `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`),
      ),
      thresholds,
    ).result;
    assert.equal(result.pii, false);
    assert.deepEqual(
      result.other.map((e) => e.type),
      ['DATE_TIME'],
    );
  });

  it('dates of birth: by header, or by a birthday-like spread under a meaningless header', () => {
    const births = repeat(50, (i) => `${1950 + i}-0${1 + (i % 9)}-1${i % 9}`);
    assert.deepEqual(types('geburtsdatum', births), ['DATE_OF_BIRTH']);
    assert.deepEqual(types('col_3', births), ['DATE_OF_BIRTH']);
    assert.deepEqual(types('order_date', births), [], 'a header naming other dates');
    const recent = repeat(50, (i) => `2024-0${1 + (i % 9)}-1${i % 9}`);
    assert.deepEqual(types('col_3', recent), [], 'recent dates are not birthdays');
  });

  it('uses a PERSON neighbour for single-word names the lexicon does not know', () => {
    const first = repeat(60, (i) => ['John', 'Mary', 'Peter', 'Susan', 'James', 'Linda'][i % 6]!);
    const last = repeat(60, (i) => `Quarendon${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}`);
    assert.deepEqual(types('c2', last), [], 'alone: unknown words');
    const table = classifyTable(
      [
        column('c1', first),
        column('c2', last),
        column(
          'c3',
          repeat(60, (i) => String(i)),
        ),
      ],
      thresholds,
    );
    assert.deepEqual(
      table.map((c) => c.entities.map((e) => e.type)),
      [['PERSON'], ['PERSON'], []],
    );
  });

  it('masks examples', () => {
    const result = classifyColumn(column('email', emails), thresholds).result;
    assert.ok(result.examples.length >= 1 && result.examples.length <= 3);
    for (const e of result.examples) assert.match(e, /^u\*+@e\*+\.com$/);
  });
});
