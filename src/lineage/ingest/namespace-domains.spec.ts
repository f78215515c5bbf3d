import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NamespaceDomains } from './namespace-domains';

function load(yaml: string): NamespaceDomains {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'charter-domains-'));
  try {
    writeFileSync(path.join(dir, 'lineage-domains.yaml'), yaml);
    return NamespaceDomains.load(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('NamespaceDomains', () => {
  it('maps exact namespaces and prefixes, first match wins, default "*"', () => {
    const domains = load('namespaces:\n  "postgres://crm:5432": retail\n  "s3://risk*": risk\n  "s3://*": lake\n');
    assert.equal(domains.domainOf('postgres://crm:5432'), 'retail');
    assert.equal(domains.domainOf('postgres://crm:5432/other'), '*');
    assert.equal(domains.domainOf('s3://risk-lake'), 'risk');
    assert.equal(domains.domainOf('s3://marketing'), 'lake');
    assert.equal(domains.domainOf('spark'), '*');
  });

  it('loads the shipped policies/lineage-domains.yaml', () => {
    assert.equal(NamespaceDomains.load(path.resolve(__dirname, '..', '..', '..', '..', 'policies')).domainOf('anything'), '*');
  });

  it('names the file and the entry at fault', () => {
    assert.throws(() => load('namespaces:\n  "s3://x": ""\n'), /lineage-domains\.yaml: namespaces\.s3:\/\/x: must name a domain/);
    assert.throws(() => load('namespaces: [unclosed'), /lineage-domains\.yaml: /);
  });
});
