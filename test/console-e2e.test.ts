import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';
import { LineageSeed, type SeedField } from './support/lineage-seed';

/**
 * The web console in real headless Chromium (Debian's), against the real app, PostgreSQL and
 * OpenID provider: each person signs in through the provider's login page and works a journey.
 * Screenshots land in test/e2e/screenshots/ (not committed).
 */
describe('web console (browser)', () => {
  let stack: ConsoleStack | undefined;
  let s: ConsoleStack;
  let dataDir: string | undefined;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-console-data-'));
    stack = await startConsoleStack({ CHARTER_DATA_DIR: dataDir });
    s = stack;
    for (const user of ['ds', 'owner', 'risk', 'ciso']) await s.graphql(user, '{ me { id } }');
    const seed = new LineageSeed(s.db);
    const datasets: [string, string, string, string[], SeedField[]][] = [
      [
        'sales',
        'internal',
        'retail',
        [],
        [
          { name: 'order_id', type: 'BIGINT' },
          { name: 'amount', type: 'DECIMAL' },
        ],
      ],
      [
        'customers',
        'internal',
        'retail',
        ['PII:EMAIL_ADDRESS'],
        [
          { name: 'customer_id', type: 'BIGINT' },
          { name: 'email', tags: ['PII', 'PII:EMAIL_ADDRESS'] },
        ],
      ],
      [
        'ledger',
        'confidential',
        'finance',
        [],
        [
          { name: 'entry_id', type: 'BIGINT' },
          { name: 'amount', type: 'DECIMAL' },
        ],
      ],
    ];
    for (const [name, sensitivity, domain, tags, fields] of datasets) {
      const id = await seed.dataset(`wh:${name}`, { domain, owner: 'owner@charter.local', tags, versions: [{ validFrom: '2026-01-01T00:00:00Z', fields }] });
      await s.db.query(`UPDATE lineage_datasets SET sensitivity = $2 WHERE id = $1`, [id, sensitivity]);
    }
    await seed.job('etl:daily_sales', { inputs: ['wh:sales'], outputs: ['wh:sales_daily'], domain: 'retail' });
    await seed.job('etl:sales_report', { inputs: ['wh:sales_daily'], outputs: ['wh:sales_report'], domain: 'retail' });
  });

  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('data scientist: signs in, searches datasets, reads one, requests access and sees the decision at once', async () => {
    const page = await s.signIn('ds');
    await page.getByRole('heading', { name: /Welcome, Dana Scientist/ }).waitFor();
    await s.screenshot(page, '01-ds-home');
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no CISO pages in the navigation');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('link', { name: 'sales', exact: true }).waitFor();
    assert.match((await page.getByRole('row', { name: /sales/ }).first().textContent()) ?? '', /internal/, 'the list shows sensitivity');
    await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('CONFIDENTIAL');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sensitivity=CONFIDENTIAL/);
    await page.getByRole('link', { name: 'sales', exact: true }).waitFor({ state: 'detached' });
    assert.match((await page.getByRole('row', { name: /ledger/ }).textContent()) ?? '', /confidential/, 'the server filtered by sensitivity');
    await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('');
    await page.getByLabel('Name starts with').fill('cust');
    await page.getByRole('button', { name: 'Search' }).click();
    // The previous answer stays on screen while the new one loads: wait for the filtered one.
    await page.getByRole('link', { name: 'sales', exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'customers' }).waitFor();
    assert.equal(await page.getByRole('link', { name: /^sales/ }).count(), 0, 'the server filtered by name');
    await s.screenshot(page, '02-ds-datasets');

    await page.getByRole('link', { name: 'customers' }).click();
    await page.getByRole('heading', { name: 'customers', level: 1 }).waitFor();
    await page.getByRole('rowheader', { name: 'email' }).waitFor();
    assert.ok((await page.getByRole('row', { name: /email/ }).textContent())?.includes('PII:EMAIL_ADDRESS'));

    await page.goto(`${s.url}/datasets/wh/sales`);
    await page.getByRole('heading', { name: 'sales', level: 1 }).waitFor();
    await page.getByLabel('Justification').fill('quarterly churn model');
    await page.getByRole('button', { name: 'Request access' }).click();
    const decision = page.getByRole('status').filter({ hasText: 'Decision' });
    await decision.waitFor();
    const text = (await decision.textContent()) ?? '';
    assert.match(text, /approved/);
    assert.match(text, /decided at once/);
    assert.match(text, /approve-internal-read/);
    await s.screenshot(page, '03-ds-decision');

    await page.goto(`${s.url}/datasets/wh/ledger`);
    await page.getByRole('heading', { name: 'ledger', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Request access' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision' }).waitFor();
    assert.match((await page.getByRole('status').filter({ hasText: 'Decision' }).textContent()) ?? '', /escalated|pending|waiting/);

    await page.getByRole('link', { name: 'My requests' }).first().click();
    await page.getByRole('heading', { name: 'My access requests' }).waitFor();
    await page.getByRole('cell', { name: /ledger/ }).waitFor();
    await page.getByRole('combobox', { name: /Status/ }).selectOption('ESCALATED');
    await page.waitForURL(/status=ESCALATED/);
    await page.getByRole('cell', { name: /sales/ }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('cell', { name: /ledger/ }).count(), 1);
    await s.screenshot(page, '04-ds-my-requests');
    await page.context().close();
  });

  it('data scientist cannot reach the CISO pages, and the API refuses them too', async () => {
    const page = await s.signIn('ds');
    await page.goto(`${s.url}/audit`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await page.goto(`${s.url}/access`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await s.screenshot(page, '05-ds-no-ciso');
    await assert.rejects(s.graphql('ds', '{ auditEvents(first: 1) { nodes { seq } } }'), /FORBIDDEN/);
    await assert.rejects(s.graphql('ds', '{ accessGrants(first: 1) { nodes { id } } }'), /FORBIDDEN/);
    await page.context().close();
  });

  it('data owner: approves the escalated request from the inbox for a shorter time', async () => {
    const page = await s.signIn('owner');
    await page.getByRole('link', { name: 'Access inbox' }).first().click();
    const card = page.getByRole('listitem').filter({ hasText: 'asks to read ledger' });
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /confidential/);
    await s.screenshot(page, '06-owner-inbox');
    await card.getByLabel(/Grant for/).fill('0');
    await card.getByText('Enter a whole number of days from 1 to 30').waitFor();
    await card.getByLabel(/Grant for/).fill('7');
    await card.getByRole('button', { name: 'Approve for 7 days' }).click();
    await page.getByText('No request is waiting for you').waitFor();
    const { accessGrants } = await s.graphql<{ accessGrants: { nodes: { dataset: { name: string }; grantedAt: string; expiresAt: string }[] } }>(
      'ciso',
      '{ accessGrants(first: 50) { nodes { dataset { name } grantedAt expiresAt } } }',
    );
    const ledger = accessGrants.nodes.find((g) => g.dataset.name === 'ledger');
    assert.ok(ledger, 'the approval granted access');
    assert.equal(Math.round((Date.parse(ledger.expiresAt) - Date.parse(ledger.grantedAt)) / 86_400_000), 7, 'granted for the shorter time');

    await page.goto(`${s.url}/datasets/wh/customers`);
    const review = page.getByRole('region', { name: 'Review personal-data findings' });
    await review.getByRole('rowheader', { name: 'email' }).waitFor();
    await review.getByLabel(/Note for the verdict/).fill('real customer addresses');
    await review.getByRole('button', { name: 'Confirm EMAIL_ADDRESS in email' }).click();
    await review.getByRole('row', { name: /email/ }).getByText('real customer addresses').waitFor();
    assert.match((await review.getByRole('row', { name: /email/ }).textContent()) ?? '', /confirmed by you/);
    assert.ok(await review.getByRole('button', { name: 'Confirm EMAIL_ADDRESS in email' }).isDisabled());
    await s.screenshot(page, '06b-owner-pii-review');
    await page.context().close();
  });

  it('CISO: sees grants and the models built on each dataset, revokes one with a reason, and checks the audit chain', async () => {
    await s.graphql('ds', 'mutation { createModel(input: { name: "sales-forecast", domain: "retail", riskTier: MINIMAL }) { id } }');
    await s.graphql('ds', `mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { id } }`, {
      input: {
        modelName: 'sales-forecast',
        version: '0.1.0',
        artifactUri: 's3://models/sales-forecast/0.1.0/model.onnx',
        artifactDigest: `sha256:${'b'.repeat(64)}`,
        datasets: [{ nodeId: 'dataset:wh:sales', role: 'TRAINING' }],
      },
    });
    const page = await s.signIn('ciso');
    await page.getByRole('link', { name: 'Access & grants' }).first().click();
    const row = page.getByRole('row').filter({ hasText: 'sales' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /sales-forecast 0\.1\.0/, 'the chain reaches the models built on the dataset');
    await s.screenshot(page, '07-ciso-grants');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByLabel('Reason').fill('left the churn project');
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await page.getByRole('row').filter({ hasText: 'sales' }).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Audit log' }).first().click();
    await page.getByText('verified').waitFor();
    await page.getByLabel('Action').fill('access.grant.revoke');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'access.grant.revoke' }).waitFor();
    await s.screenshot(page, '08-ciso-audit');
    await page.context().close();
  });

  it('risk officer: reviews a card in the inbox with its bias chart, diff and stage history, requests changes, then approves it', async () => {
    await s.graphql('ds', 'mutation { createModel(input: { name: "churn-predictor", domain: "retail", riskTier: LIMITED }) { id } }');
    const { registerModelVersion: v } = await s.graphql<{ registerModelVersion: { id: string } }>(
      'ds',
      `mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { id } }`,
      {
        input: {
          modelName: 'churn-predictor',
          version: '1.0.0',
          artifactUri: 's3://models/churn/1.0.0/model.onnx',
          artifactDigest: `sha256:${'a'.repeat(64)}`,
          datasets: [{ nodeId: 'dataset:wh:sales', role: 'TRAINING' }],
        },
      },
    );
    await s.graphql('ds', `mutation($input: ComputeBiasReportInput!) { computeBiasReport(input: $input) { id } }`, {
      input: {
        modelVersionId: v.id,
        protectedAttribute: 'sex',
        groupResults: [
          { group: 'female', truePositives: 12, falsePositives: 6, trueNegatives: 30, falseNegatives: 12 },
          { group: 'male', truePositives: 40, falsePositives: 10, trueNegatives: 40, falseNegatives: 10 },
        ],
      },
    });
    await s.graphql('ds', `mutation($id: ID!) { submitModelCardForReview(input: { modelVersionId: $id, comment: "ready" }) { id } }`, { id: v.id });

    const page = await s.signIn('risk');
    await page.getByRole('link', { name: 'Card reviews' }).first().click();
    await page.getByRole('link', { name: 'churn-predictor 1.0.0' }).click();
    await page.getByRole('heading', { name: 'churn-predictor 1.0.0', level: 1 }).waitFor();
    await page.getByText('four-fifths rule violated').waitFor();
    assert.match((await page.getByRole('img', { name: 'Selection rate by sex' }).textContent()) ?? '', /female.*n=60.*< 4\/5/s);
    await page.getByRole('link', { name: 'sales', exact: true }).waitFor();
    assert.match((await page.locator('.timeline').first().textContent()) ?? '', /registered in development/);
    await s.screenshot(page, '10-risk-card');
    assert.ok(await page.getByRole('button', { name: 'Request changes' }).isDisabled(), 'a comment is required to request changes');
    await page.getByLabel(/Comment/).fill('Describe how the female group was sampled');
    await page.getByRole('button', { name: 'Request changes' }).click();
    await page.locator('blockquote').filter({ hasText: 'Describe how the female group was sampled' }).waitFor();
    assert.match((await page.locator('.timeline').nth(1).textContent()) ?? '', /request changes of revision 1/i);
    assert.equal(await page.getByRole('button', { name: 'Request changes' }).count(), 0, 'nothing to review until resubmitted');
    // Changes are answered by an edit (a new revision), then the card is submitted again.
    const { modelCard } = await s.graphql<{ modelCard: { content: Record<string, unknown> } }>('ds', `query($id: ID!) { modelCard(id: $id) { content } }`, {
      id: v.id,
    });
    const answered = {
      ...modelCard.content,
      model_details: { ...(modelCard.content['model_details'] as object), overview: 'Female applicants sampled from 2025.' },
    };
    await s.graphql('ds', `mutation($id: ID!, $content: JSON!) { updateModelCard(input: { modelVersionId: $id, content: $content }) { id } }`, {
      id: v.id,
      content: answered,
    });
    await s.graphql('ds', `mutation($id: ID!) { submitModelCardForReview(input: { modelVersionId: $id, comment: "sampling described" }) { id } }`, {
      id: v.id,
    });
    await page.reload();
    await page.getByLabel(/Comment/).fill('Bias acknowledged; mitigation in 1.1');
    await page.getByRole('button', { name: 'Approve revision' }).click();
    await page.getByText('card approved').waitFor();
    await page.getByRole('link', { name: 'Card reviews' }).first().click();
    await page.getByText('Nothing is waiting for review').waitFor();
    await page.context().close();
  });

  it('models inventory: filters by risk tier and stage on the server', async () => {
    const page = await s.signIn('ds');
    await page.getByRole('link', { name: 'Models' }).first().click();
    await page.getByRole('rowheader', { name: 'churn-predictor' }).waitFor();
    await page.getByText('No model has gone quiet').waitFor();
    await page.getByRole('combobox', { name: 'Risk tier' }).selectOption('HIGH');
    await page.getByText('No model matches these filters').waitFor();
    await page.getByRole('combobox', { name: 'Risk tier' }).selectOption('LIMITED');
    await page.getByRole('combobox', { name: 'Stage' }).selectOption('DEVELOPMENT');
    await page.getByRole('rowheader', { name: 'churn-predictor' }).waitFor();
    await s.screenshot(page, '11-ds-models');
    await page.context().close();
  });

  it('compliance: generates a dataset pack, follows its progress, downloads the PDF and verifies it', async () => {
    const page = await s.signIn('compliance');
    await page.getByRole('link', { name: 'Compliance packs' }).first().click();
    await page.getByText('No pack yet').waitFor();
    await page.getByLabel('Target').fill('dataset:wh:sales');
    await page.getByRole('button', { name: 'Generate pack' }).click();
    const pdf = page.getByRole('button', { name: /^pack\.pdf/ });
    await pdf.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      await s.screenshot(page, '12-compliance-packs-failed');
      throw error;
    });
    await s.screenshot(page, '12-compliance-packs');
    const [download] = await Promise.all([page.waitForEvent('download'), pdf.click()]);
    const file = path.join(dataDir!, 'downloaded-pack.pdf');
    await download.saveAs(file);
    assert.equal((await fs.readFile(file)).subarray(0, 5).toString(), '%PDF-');
    await page.getByLabel(/A pack\.pdf/).setInputFiles(file);
    await page.getByText('genuine and unchanged').waitFor();
    await page.context().close();
  });

  it('lineage explorer: from a dataset page to its graph, expanding a node, upstream only', async () => {
    const page = await s.signIn('ds');
    await page.goto(`${s.url}/datasets/wh/sales`);
    await page.getByRole('link', { name: 'Show lineage' }).click();
    const graph = page.getByRole('group', { name: 'Lineage graph' });
    await graph.getByRole('button', { name: 'job daily_sales' }).waitFor();
    await graph.getByRole('button', { name: 'dataset sales_daily' }).waitFor();
    await s.screenshot(page, '13-ds-lineage');
    await graph.getByRole('button', { name: 'dataset sales_report' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/sales_report/);
    await page.getByRole('combobox', { name: 'Direction' }).selectOption('UPSTREAM');
    await graph.getByRole('button', { name: 'job sales_report' }).waitFor();
    await graph.getByRole('button', { name: 'dataset sales', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await s.screenshot(page, '14-ds-lineage-upstream');
    await page.context().close();
  });

  it('shows an error with the request id when the API fails', async () => {
    const page = await s.signIn('ds', 820, 1180);
    await page.goto(`${s.url}/datasets/nowhere/missing`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Request id: [0-9a-f-]{36}/);
    await s.screenshot(page, '09-ds-error-tablet');
    await page.context().close();
  });
});
