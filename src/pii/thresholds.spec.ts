import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { THRESHOLDS_FILE, defaultPoliciesDir, loadThresholds, parseThresholds } from './thresholds';

const shipped = readFileSync(path.join(defaultPoliciesDir(), THRESHOLDS_FILE), 'utf8');

function withChange(change: (doc: Record<string, Record<string, unknown>>) => void): string {
  const doc = parse(shipped) as Record<string, Record<string, unknown>>;
  change(doc);
  return stringify(doc);
}

describe('policies/pii-thresholds.yaml', () => {
  it('the shipped file loads', () => {
    const t = loadThresholds(defaultPoliciesDir());
    assert.equal(t.column.minEvidence, 0.5);
    assert.ok(t.sensitivity.restricted.includes('CREDIT_CARD'));
  });

  it('names the file and the field of a bad value', () => {
    assert.throws(
      () =>
        parseThresholds(
          withChange((d) => (d['column']!['minEvidence'] = 1.5)),
          'p.yaml',
        ),
      /^Error: p\.yaml: column\.minEvidence: /,
    );
    assert.throws(
      () =>
        parseThresholds(
          withChange((d) => (d['sensitivity']!['restricted'] = ['CREDIT_CARDS'])),
          'p.yaml',
        ),
      /p\.yaml: sensitivity\.restricted\.0: /,
    );
  });

  it('refuses unknown and missing fields, and broken YAML', () => {
    assert.throws(
      () =>
        parseThresholds(
          withChange((d) => (d['column']!['minEvidnce'] = 0.5)),
          'p.yaml',
        ),
      /p\.yaml: column: .*minEvidnce/,
    );
    assert.throws(
      () =>
        parseThresholds(
          withChange((d) => delete d['sampling']),
          'p.yaml',
        ),
      /p\.yaml: sampling: /,
    );
    assert.throws(() => parseThresholds('column: [', 'p.yaml'), /p\.yaml: not valid YAML/);
  });

  it('a missing file is named', () => {
    assert.throws(() => loadThresholds('/nonexistent-dir'), /nonexistent-dir\/pii-thresholds\.yaml: cannot read: ENOENT/);
  });
});
