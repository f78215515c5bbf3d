import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestStack, type TestStack } from './support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

/** The ```graphql blocks of the README's model-card section, each with the user named on its first line. */
function readmeSteps(): { user: string; query: string }[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Model cards:');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```graphql\n# as (\w+)[^\n]*\n([\s\S]*?)```/g)].map((m) => ({ user: m[1]!, query: m[2]! }));
}

describe("README: a risk officer's path from an imported card to an approved, promoted version", () => {
  let stack: TestStack | undefined;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.close());

  it('runs every step as written', async () => {
    const { app, idp } = stack!;
    const steps = readmeSteps();
    assert.equal(steps.length, 11);
    await app.graphql('{ me { id } }', await idp.token('mowner'));
    const variables: Record<string, unknown> = {
      document: readFileSync(path.join(ROOT, 'test', 'fixtures', 'model-card', 'cats_vs_dogs_v0_0_2.json'), 'utf8'),
    };
    const results: Record<string, unknown>[] = [];
    for (const step of steps) {
      const declared = [...step.query.matchAll(/\$(\w+):/g)].map((m) => m[1]!);
      const res = await app.graphql<Record<string, unknown>>(
        step.query,
        await idp.token(step.user),
        Object.fromEntries(declared.map((k) => [k, variables[k]])),
      );
      assert.equal(res.errors, undefined, `${step.user}: ${step.query}\n${JSON.stringify(res.errors)}`);
      results.push(res.data!);
      if (process.env['PRINT_README_ANSWERS']) console.log(JSON.stringify(res.data, null, 1));
      const registered = res.data!['registerModelVersion'] as { id: string } | undefined;
      if (registered) variables['v'] = registered.id;
    }
    const bias = results[7]!['computeBiasReport'] as { withinThresholds: boolean; fourFifthsRuleViolated: boolean };
    assert.deepEqual([bias.withinThresholds, bias.fourFifthsRuleViolated], [true, false]);
    assert.equal((results[6]!['approveModelCard'] as { status: string }).status, 'APPROVED');
    assert.equal((results[9]!['promoteModelVersion'] as { stage: string }).stage, 'PRODUCTION');
    const readme = results[10]!['exportModelCard'] as string;
    assert.match(readme, /^---\nlicense: other\nlicense_name: Apache-2.0\n/);
    assert.doesNotMatch(readme, /[&*]a\d/, 'no YAML anchors: the hub reads plain mappings');
  });
});
