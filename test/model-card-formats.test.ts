import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { contentSha256, diffContent } from '../src/model-cards/cards/card-content';
import { HuggingFaceCardError, exportHuggingFace, importHuggingFace, splitFrontMatter } from '../src/model-cards/cards/hugging-face';
import { ModelCardSchema } from '../src/model-cards/cards/mct-schema';
import { loadModelPolicies, parseModelPolicies } from '../src/model-cards/model-policies';
import { defaultPoliciesDir } from '../src/pii/thresholds';
import { productionGateFailures, stageMoveProblem } from '../src/model-cards/promotion/promotion-gate';
import { computeBiasMetrics } from '../src/model-cards/bias/bias-metrics';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'model-card');
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const schema = new ModelCardSchema();

describe('Model Card Toolkit schema', () => {
  it('accepts the toolkit’s own example cards', () => {
    assert.equal(schema.validate(JSON.parse(read('cats_vs_dogs_v0_0_2.json'))), null);
    assert.equal(schema.validate(JSON.parse(read('considerations.json'))), null);
  });

  it('names the JSON pointer and the rule of a broken card', () => {
    const card = JSON.parse(read('cats_vs_dogs_v0_0_2.json')) as { model_details: { licenses: unknown[]; owners: unknown[] } };
    card.model_details.licenses = [{ identifier: 'Apache-2.0', custom_text: 'also this' }];
    assert.deepEqual(schema.validate(card), {
      pointer: '/model_details/licenses/0',
      rule: 'oneOf',
      message: 'must have exactly one of the alternatives (for a license: "identifier" or "custom_text")',
    });
    card.model_details.licenses = [];
    card.model_details.owners = [{ name: 42 }];
    assert.deepEqual(schema.validate(card), { pointer: '/model_details/owners/0/name', rule: 'type', message: 'must be string' });
    assert.equal(schema.validate([])?.rule, 'type');
  });

  it('round-trips a toolkit card unchanged (JSON in, JSON out, same hash)', () => {
    const original = JSON.parse(read('cats_vs_dogs_v0_0_2.json')) as Record<string, unknown>;
    const exported = JSON.parse(`${JSON.stringify(original, null, 2)}\n`) as Record<string, unknown>;
    assert.deepEqual(exported, original);
    assert.equal(contentSha256(exported), contentSha256(original));
    // Key order does not change the signed hash.
    const reordered = Object.fromEntries(Object.entries(original).reverse());
    assert.equal(contentSha256(reordered), contentSha256(original));
  });
});

describe('Hugging Face model cards', () => {
  it('imports the hub’s sample card into a valid toolkit card and exports the same metadata and body', () => {
    const markdown = read('sample_simple.md');
    const card = importHuggingFace(markdown, 'fallback');
    assert.equal(schema.validate(card), null);
    assert.deepEqual(card['model_details'], {
      name: 'my-cool-model',
      documentation: splitFrontMatter(markdown).body,
      licenses: [{ identifier: 'mit' }],
      huggingface: { card_data: { language: ['en'], library_name: 'pytorch-lightning', tags: ['pytorch', 'image-classification'] } },
    });
    assert.deepEqual(card['model_parameters'], { data: [{ name: 'beans' }] });
    assert.deepEqual(card['quantitative_analysis'], { performance_metrics: [{ type: 'acc' }] });

    const exported = exportHuggingFace(card);
    const before = splitFrontMatter(markdown);
    const after = splitFrontMatter(exported);
    assert.deepEqual(parse(after.frontMatter!), parse(before.frontMatter!));
    assert.equal(after.body, before.body);
    // And again: import(export(card)) is the same card.
    assert.deepEqual(importHuggingFace(exported, 'fallback'), card);
  });

  it('keeps a model-index through the round trip and rebuilds it once the metrics change', () => {
    const markdown = [
      '---',
      'license: apache-2.0',
      'model-index:',
      '- name: credit-scorer',
      '  results:',
      '  - task: { type: tabular-classification }',
      '    dataset: { type: credit_applications, name: Credit applications 2025, split: test }',
      '    metrics:',
      '    - { type: accuracy, value: 0.91, name: Test accuracy }',
      '    - { type: f1, value: 0.84 }',
      '---',
      '',
      '# credit-scorer',
      '',
    ].join('\n');
    const card = importHuggingFace(markdown, 'x');
    assert.deepEqual((card['quantitative_analysis'] as { performance_metrics: unknown[] }).performance_metrics, [
      { type: 'accuracy', value: '0.91', slice: 'Credit applications 2025' },
      { type: 'f1', value: '0.84', slice: 'Credit applications 2025' },
    ]);
    assert.deepEqual(parse(splitFrontMatter(exportHuggingFace(card)).frontMatter!), {
      ...parse(splitFrontMatter(markdown).frontMatter!),
      metrics: ['accuracy', 'f1'],
    });

    (card['quantitative_analysis'] as { performance_metrics: { value: string }[] }).performance_metrics[1]!.value = '0.86';
    const rebuilt = parse(splitFrontMatter(exportHuggingFace(card)).frontMatter!) as { 'model-index': { results: { task: unknown; metrics: unknown[] }[] }[] };
    assert.deepEqual(rebuilt['model-index'][0]!.results[0]!.task, { type: 'tabular-classification' });
    assert.deepEqual(rebuilt['model-index'][0]!.results[0]!.metrics, [
      { type: 'accuracy', value: 0.91 },
      { type: 'f1', value: 0.86 },
    ]);
  });

  it('exports a toolkit card as a README with license, datasets, metrics and a readable body', () => {
    const card = JSON.parse(read('considerations.json')) as Record<string, unknown>;
    const { frontMatter, body } = splitFrontMatter(exportHuggingFace(card));
    const meta = parse(frontMatter!) as Record<string, unknown>;
    assert.equal(meta['license'], 'Apache 2.0');
    assert.deepEqual(meta['datasets'], ['train_split', 'eval_split']);
    assert.match(body, /^# train and eval model$/m);
    assert.match(body, /## Limitations/);
  });

  it('rejects the hub’s invalid sample (front matter is a list) naming the rule', () => {
    assert.throws(
      () => importHuggingFace(read('sample_invalid_card_data.md'), 'x'),
      (e: unknown) => e instanceof HuggingFaceCardError && e.problem.rule === 'type' && e.problem.pointer === '',
    );
    assert.throws(
      () => importHuggingFace('---\nmodel-index:\n- name: m\n  results:\n  - task: {}\n    dataset: { type: d, name: d }\n    metrics: []\n---\n', 'x'),
      (e: unknown) => e instanceof HuggingFaceCardError && e.problem.pointer === '/model-index/0/results/0/task/type' && e.problem.rule === 'required',
    );
  });
});

describe('revision diff', () => {
  it('lists field-level changes as JSON pointers with before and after', () => {
    const a = { model_details: { name: 'm', owners: [{ name: 'x' }], 'a/b': 1 }, considerations: { users: [{ description: 'u' }] } };
    const b = {
      model_details: { name: 'n', owners: [{ name: 'x' }, { name: 'y' }] },
      considerations: { users: [{ description: 'u' }] },
      schema_version: '0.0.2',
    };
    assert.deepEqual(diffContent(a, b), [
      { path: '/model_details/a~1b', op: 'removed', before: 1, after: null },
      { path: '/model_details/name', op: 'changed', before: 'm', after: 'n' },
      { path: '/model_details/owners/1', op: 'added', before: null, after: { name: 'y' } },
      { path: '/schema_version', op: 'added', before: null, after: '0.0.2' },
    ]);
    assert.deepEqual(diffContent(a, a), []);
  });
});

describe('model policies', () => {
  it('loads the shipped files', () => {
    const p = loadModelPolicies(defaultPoliciesDir());
    assert.equal(p.approvers.high, 2);
    assert.equal(p.gates.unacceptable.productionAllowed, false);
  });

  it('names the file and the field of a bad setting', () => {
    const review = readFileSync(path.join(defaultPoliciesDir(), 'model-review.yaml'), 'utf8');
    const gates = readFileSync(path.join(defaultPoliciesDir(), 'promotion-gates.yaml'), 'utf8');
    assert.throws(() => parseModelPolicies(review.replace('high: 2', 'high: 0'), gates), /model-review\.yaml: approvers\.high: must be >= 1 \(rule minimum\)/);
    assert.throws(
      () => parseModelPolicies(review, gates.replace('minDemographicParityRatio: 0.8\n', 'minDemographicParityRatio: 1.5\n')),
      /promotion-gates\.yaml: tiers\.minimal\.thresholds\.minDemographicParityRatio: must be <= 1/,
    );
    assert.throws(
      () => parseModelPolicies(review.replace('  limited: 1\n', ''), gates),
      /model-review\.yaml: approvers\.limited: must have required property 'limited'/,
    );
    assert.throws(
      () => parseModelPolicies(review, gates.replace('    productionAllowed: true\n', '    productionAllowed: true\n    typo: 1\n')),
      /promotion-gates\.yaml: tiers\.minimal\.typo: is not a known setting/,
    );
  });
});

describe('promotion gate', () => {
  const policies = loadModelPolicies(defaultPoliciesDir());
  const fair = computeBiasMetrics(
    new Map([
      ['a', { tp: 40, fp: 10, tn: 40, fn: 10 }],
      ['b', { tp: 38, fp: 11, tn: 39, fn: 12 }],
    ]),
    { minGroupSize: 50 },
  );
  const facts = { tier: 'high' as const, cardStatus: 'approved', cardRevision: 3, approvals: 2, requiredApprovals: 2, now: new Date() };

  it('passes with an approved card and a fair, fresh report', () => {
    assert.deepEqual(
      productionGateFailures(policies.gates.high, { ...facts, latestReports: [{ id: 'r', protectedAttribute: 'sex', metrics: fair, createdAt: new Date() }] }),
      [],
    );
  });

  it('names every failing condition', () => {
    const failures = productionGateFailures(policies.gates.high, { ...facts, cardStatus: 'in_review', approvals: 1, latestReports: [] });
    assert.deepEqual(failures, [
      { condition: 'card_approval', message: "the model card's current revision 3 is in_review, not approved (1 of 2 approvals)" },
      { condition: 'bias_report', message: 'no bias report exists for this version' },
    ]);
    const old = new Date(Date.now() - 100.5 * 86_400_000);
    const [stale] = productionGateFailures(policies.gates.high, {
      ...facts,
      latestReports: [{ id: 'r', protectedAttribute: 'sex', metrics: fair, createdAt: old }],
    });
    assert.match(stale!.message, /it is 100 days old, more than 90/);
    const [banned] = productionGateFailures(policies.gates.unacceptable, {
      ...facts,
      tier: 'unacceptable',
      latestReports: [{ id: 'r', protectedAttribute: 'sex', metrics: fair, createdAt: new Date() }],
    });
    assert.equal(banned!.condition, 'production_allowed');
  });

  it('needs the newest report on every attribute within the thresholds: a passing report on another attribute does not cure a failing one', () => {
    const unfair = computeBiasMetrics(
      new Map([
        ['a', { tp: 40, fp: 10, tn: 40, fn: 10 }],
        ['b', { tp: 10, fp: 5, tn: 70, fn: 15 }],
      ]),
      { minGroupSize: 50 },
    );
    const failures = productionGateFailures(policies.gates.high, {
      ...facts,
      latestReports: [
        { id: 'on-age', protectedAttribute: 'age_band', metrics: fair, createdAt: new Date() },
        { id: 'on-sex', protectedAttribute: 'sex', metrics: unfair, createdAt: new Date() },
      ],
    });
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.condition, 'bias_report');
    assert.match(failures[0]!.message, /^bias report on-sex \(sex, the newest on that attribute\) is not within the high thresholds: demographic parity/);
  });

  it('forbids stage moves outside the machine, naming the rule', () => {
    assert.equal(stageMoveProblem('staging', 'production'), null);
    assert.equal(
      stageMoveProblem('development', 'production'),
      'stage rule: development → production is not allowed (from development a version moves to staging or retired)',
    );
    assert.equal(stageMoveProblem('retired', 'staging'), 'stage rule: retired → staging is not allowed (retired is final)');
  });
});
