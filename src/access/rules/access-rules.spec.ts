import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { evaluate, loadAccessRules, loadPurposes, RuleFileError, type AccessFacts } from './access-rules';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A policies dir with the shipped purposes and one rules file of our own. */
function withRules(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'charter-access-rules-'));
  dirs.push(dir);
  cpSync(path.join(POLICIES, 'access-purposes.yaml'), path.join(dir, 'access-purposes.yaml'));
  cpSync(path.join(POLICIES, 'access-rules'), path.join(dir, 'access-rules'), { recursive: true });
  writeFileSync(path.join(dir, 'access-rules', '99-test.yaml'), yaml);
  return dir;
}

const load = (dir: string) => loadAccessRules(dir, loadPurposes(dir));

function facts(
  over: { requester?: Partial<AccessFacts['requester']>; dataset?: Partial<AccessFacts['dataset']>; request?: Partial<AccessFacts['request']> } = {},
): AccessFacts {
  return {
    requester: {
      id: 'u',
      label: 'u@x',
      roles: ['data_scientist'],
      domains: ['retail'],
      attestations: ['privacy-training'],
      openViolations: 0,
      ...over.requester,
    },
    dataset: { id: 'd', namespace: 'pg://w', name: 't', sensitivity: 'internal', domain: 'retail', owner: 'o@x', tags: [], ...over.dataset },
    request: { action: 'read', purpose: 'analytics', durationDays: 30, fields: [], ...over.request },
  };
}

describe('access rules', () => {
  const rules = load(POLICIES);

  it('loads the shipped rules in file order', () => {
    assert.equal(rules[0]!.id, 'deny-open-violation');
    assert.equal(rules.at(-1)!.id, 'escalate-everything-else');
  });

  it('approves, capping the duration at the rule maximum', () => {
    const d = evaluate(rules, facts({ request: { durationDays: 200 } }))!;
    assert.equal(d.outcome, 'approve');
    assert.equal(d.rule.id, 'approve-internal-read');
    assert.equal(d.durationDays, 90);
  });

  it('denies with the reason shown to the requester', () => {
    const d = evaluate(rules, facts({ requester: { attestations: [] }, dataset: { tags: ['PII:US_SSN'] } }))!;
    assert.equal(d.outcome, 'deny');
    assert.equal(d.rule.id, 'deny-pii-untrained');
    assert.match(d.reason, /privacy training/);
    assert.equal(evaluate(rules, facts({ requester: { openViolations: 1 } }))!.rule.id, 'deny-open-violation');
  });

  it('escalates restricted data and what no approval covers', () => {
    assert.equal(evaluate(rules, facts({ dataset: { sensitivity: 'restricted' } }))!.rule.id, 'escalate-restricted');
    const d = evaluate(rules, facts({ dataset: { sensitivity: 'confidential' }, request: { action: 'export' } }))!;
    assert.equal(d.outcome, 'escalate');
    assert.equal(d.rule.id, 'escalate-everything-else');
  });

  it('matches tag prefixes, purposes and the requester domain', () => {
    const d = evaluate(rules, facts({ dataset: { tags: ['PII:EMAIL_ADDRESS'] }, request: { action: 'export', purpose: 'regulatory-reporting' } }))!;
    assert.notEqual(d.rule.id, 'deny-pii-export');
    const cross = evaluate(rules, facts({ dataset: { sensitivity: 'confidential', domain: 'risk' }, request: { action: 'export' } }))!;
    assert.equal(cross.rule.id, 'deny-confidential-export-cross-domain');
  });

  const bad: [string, string, RegExp][] = [
    [
      'an unknown outcome',
      'rules:\n  - id: r1\n    when: {}\n    outcome: allow\n',
      /access-rules\/99-test\.yaml: rule r1: outcome: must be equal to one of the allowed values/,
    ],
    [
      'an unknown condition',
      'rules:\n  - id: r2\n    when: { dataset: { colour: [red] } }\n    outcome: escalate\n',
      /99-test\.yaml: rule r2: when\.dataset\.colour: is not a known field/,
    ],
    [
      'an approval without a maximum duration',
      'rules:\n  - id: r3\n    when: {}\n    outcome: approve\n',
      /rule r3: maxDurationDays: must have required property/,
    ],
    ['a denial without a reason', 'rules:\n  - id: r4\n    when: {}\n    outcome: deny\n', /rule r4: reason: must have required property/],
    [
      'a bad sensitivity',
      'rules:\n  - id: r5\n    when: { dataset: { sensitivity: [secret] } }\n    outcome: escalate\n',
      /rule r5: when\.dataset\.sensitivity\.0: must be equal to one of/,
    ],
    [
      'a purpose outside the vocabulary',
      'rules:\n  - id: r6\n    when: { request: { purposes: [fun] } }\n    outcome: escalate\n',
      /rule r6: when\.request\.purposes: "fun" is not a purpose/,
    ],
    [
      'a duplicate id',
      'rules:\n  - id: approve-public\n    when: {}\n    outcome: escalate\n',
      /rule approve-public: id: duplicates the rule of the same id in access-rules\/20-approvals\.yaml/,
    ],
    ['a rule without id', 'rules:\n  - when: {}\n    outcome: escalate\n', /rule #1: id: must have required property/],
    ['broken YAML', 'rules: [\n', /99-test\.yaml: \(document\)/],
  ];
  for (const [what, yaml, message] of bad) {
    it(`refuses ${what}, naming the file, rule and field`, () => {
      assert.throws(
        () => load(withRules(yaml)),
        (e: unknown) => e instanceof RuleFileError && message.test(e.message),
      );
    });
  }
});
