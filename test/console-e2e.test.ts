import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_MODEL, DEMO_NAMESPACE, runDemo, type DemoResult } from '../src/demo/demo-estate';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

const datasetPage = (name: string) => `/datasets/${encodeURIComponent(DEMO_NAMESPACE)}/${encodeURIComponent(name)}`;

/**
 * The web console in real headless Chromium (Debian's), against the real app, PostgreSQL and
 * OpenID provider, on the demo estate (`npm run demo`): each demo user signs in through the
 * provider's login page and works their journey. Every screenshot is also checked with axe
 * (WCAG 2.1 A/AA, contrast included). Screenshots land in test/e2e/screenshots/ (not committed).
 */
describe('web console on the demo estate (browser)', () => {
  let stack: ConsoleStack | undefined;
  let s: ConsoleStack;
  let dataDir: string | undefined;
  let demo: DemoResult;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-console-data-'));
    stack = await startConsoleStack({ CHARTER_DATA_DIR: dataDir });
    s = stack;
    demo = await runDemo({ url: s.url, token: (user) => s.token(user), log: () => undefined, predictions: 40 });
  });

  /** A journey: on failure, every open page is saved as failed-<n>-*.png before the error is reported. */
  let journeys = 0;
  const journey = (title: string, fn: () => Promise<void>) => {
    const n = ++journeys;
    it(title, async () => {
      try {
        await fn();
      } catch (error) {
        await s.captureOpenPages(String(n));
        throw error;
      }
    });
  };

  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  journey('data scientist: searches datasets, reads one, requests access and sees the decision at once, follows pending requests', async () => {
    const page = await s.signIn('ds');
    await page.getByRole('heading', { name: /Welcome, Dana Scientist/ }).waitFor();
    await s.screenshot(page, '01-ds-home');
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no CISO pages in the navigation');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('link', { name: demo.datasets.curated, exact: true }).waitFor();
    const curatedRow = (await page.getByRole('row', { name: new RegExp(demo.datasets.curated) }).textContent()) ?? '';
    assert.match(curatedRow, /confidential/, 'the list shows sensitivity');
    assert.match(curatedRow, /Owen Owner/, 'the owner by name');
    await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('RESTRICTED');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sensitivity=RESTRICTED/);
    await page.getByRole('link', { name: demo.datasets.curated, exact: true }).waitFor({ state: 'detached' });
    assert.match(
      (await page.getByRole('row', { name: new RegExp(demo.datasets.raw) }).textContent()) ?? '',
      /restricted/,
      'the server filtered by sensitivity',
    );

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'With personal data' }).click();
    await page.waitForURL(/tag=PII/);
    await page.getByRole('link', { name: demo.datasets.features, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: demo.datasets.curated, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Owner').fill('owner@charter.local');
    await page.getByLabel('Name starts with').fill('credit.f');
    await page.getByRole('button', { name: 'Search' }).click();
    // The previous answer stays on screen while the new one loads: wait for the filtered one.
    await page.getByRole('link', { name: demo.datasets.curated, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: demo.datasets.features, exact: true }).waitFor();
    await s.screenshot(page, '02-ds-datasets');

    await page.goto(`${s.url}${datasetPage(demo.datasets.curated)}`);
    await page.getByRole('heading', { name: demo.datasets.curated, level: 1 }).waitFor();
    await page.getByRole('rowheader', { name: 'email' }).waitFor();
    assert.match(
      (await page
        .getByRole('row', { name: /^email/ })
        .first()
        .textContent()) ?? '',
      /EMAIL_ADDRESS/,
      'PII findings per column',
    );
    assert.match((await page.locator('main').textContent()) ?? '', /confidential/);
    await s.screenshot(page, '03-ds-dataset');

    await page.goto(`${s.url}${datasetPage(demo.datasets.features)}`);
    await page.getByRole('heading', { name: demo.datasets.features, level: 1 }).waitFor();
    await page.getByLabel('Purpose').selectOption('model-training');
    await page.getByLabel('Justification').fill('Retrain credit-default 2.1 on the new features');
    await page.getByRole('button', { name: 'Request access' }).click();
    const decision = page.getByRole('status').filter({ hasText: 'Decision' });
    await decision.waitFor();
    const text = (await decision.textContent()) ?? '';
    assert.match(text, /approved/);
    assert.match(text, /decided at once/);
    assert.match(text, /approve-internal-read/);
    await s.screenshot(page, '04-ds-decision');

    await page.goto(`${s.url}${datasetPage(demo.datasets.raw)}`);
    await page.getByRole('heading', { name: demo.datasets.raw, level: 1 }).waitFor();
    await page.getByRole('combobox', { name: 'Access' }).selectOption('READ_MASKED');
    await page.getByRole('button', { name: 'Request access' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision' }).waitFor();
    assert.match((await page.getByRole('status').filter({ hasText: 'Decision' }).textContent()) ?? '', /waiting for a person.*2 approval/s);

    await page.getByRole('link', { name: 'My requests' }).first().click();
    await page.getByRole('heading', { name: 'My access requests' }).waitFor();
    await page
      .getByRole('cell', { name: new RegExp(demo.datasets.features) })
      .first()
      .waitFor();
    await page.getByRole('combobox', { name: /Status/ }).selectOption('ESCALATED');
    await page.waitForURL(/status=ESCALATED/);
    await page
      .getByRole('cell', { name: new RegExp(demo.datasets.features) })
      .first()
      .waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('cell', { name: new RegExp(demo.datasets.raw) }).count(), 2, "the demo's request and this one");
    await s.screenshot(page, '05-ds-my-requests');
    await page.context().close();
  });

  journey('data scientist cannot reach the CISO pages, and the API refuses them too', async () => {
    const page = await s.signIn('ds');
    await page.goto(`${s.url}/audit`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await page.goto(`${s.url}/access`);
    await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
    await s.screenshot(page, '06-ds-no-ciso');
    await assert.rejects(s.graphql('ds', '{ auditEvents(first: 1) { nodes { seq } } }'), /FORBIDDEN/);
    await assert.rejects(s.graphql('ds', '{ accessGrants(first: 1) { nodes { id } } }'), /FORBIDDEN/);
    await page.context().close();
  });

  journey('data owner: approves an escalated request for a shorter time, denies another with a reason, confirms a PII finding', async () => {
    const page = await s.signIn('owner');
    await page.getByRole('link', { name: 'Access inbox' }).first().click();
    const quality = page.getByRole('listitem').filter({ hasText: `Dana Scientist asks to read ${demo.datasets.raw}` });
    await quality.waitFor();
    assert.match((await quality.textContent()) ?? '', /restricted.*escalate-restricted/s, 'the facts the rules used');
    assert.match((await quality.textContent()) ?? '', /IBAN parsing errors/, 'the justification');
    await s.screenshot(page, '07-owner-inbox');
    await quality.getByLabel(/Grant for/).fill('0');
    await quality.getByText('Enter a whole number of days from 1 to 14').waitFor();
    await quality.getByLabel(/Grant for/).fill('7');
    await quality.getByRole('button', { name: 'Approve for 7 days' }).click();
    // Restricted data needs a second approver: the request moves on to the domain's risk officer.
    await quality.waitFor({ state: 'detached' });

    const validation = page.getByRole('listitem').filter({ hasText: `Morgan Model-Owner asks to read ${demo.datasets.raw}` });
    assert.ok(await validation.getByRole('button', { name: 'Deny' }).isDisabled(), 'a reason is required to deny');
    await validation.getByLabel(/Note or reason/).fill('Validate on the masked curated data instead');
    await validation.getByRole('button', { name: 'Deny' }).click();
    await validation.waitFor({ state: 'detached' });

    const { accessRequests } = await s.graphql<{
      accessRequests: {
        nodes: { status: string; requester: { email: string }; purpose: string; reason: string | null; approvals: { durationDays: number | null }[] }[];
      };
    }>('ciso', '{ accessRequests(first: 50) { nodes { status purpose reason requester { email } approvals { durationDays } } } }');
    const quick = accessRequests.nodes.find((r) => r.purpose === 'data-quality');
    assert.equal(quick?.status, 'ESCALATED', 'still waiting for the risk officer');
    assert.deepEqual(
      quick?.approvals.map((a) => a.durationDays),
      [7],
    );
    const denied = accessRequests.nodes.find((r) => r.requester.email === 'mowner@charter.local' && r.purpose === 'model-evaluation');
    assert.equal(denied?.status, 'DENIED');
    assert.equal(denied?.reason, 'Validate on the masked curated data instead');

    await page.goto(`${s.url}${datasetPage(demo.datasets.raw)}`);
    const review = page.getByRole('region', { name: 'Review personal-data findings' });
    await review.getByRole('rowheader', { name: 'iban' }).waitFor();
    await review.getByLabel(/Note for the verdict/).fill('real account numbers from the CRM export');
    await review.getByRole('button', { name: /^Confirm \S+ in iban$/ }).click();
    await review.getByRole('row', { name: /iban/ }).getByText('real account numbers from the CRM export').waitFor();
    assert.match((await review.getByRole('row', { name: /iban/ }).textContent()) ?? '', /confirmed by you/);
    await s.screenshot(page, '08-owner-pii-review');
    await page.context().close();
  });

  journey(
    'CISO: follows person → grant → approvals → dataset → models, sees denied attempts, revokes a grant with a reason, checks the audit chain',
    async () => {
      const page = await s.signIn('ciso');
      await page.getByRole('link', { name: 'Access & grants' }).first().click();
      const read = page.getByRole('row').filter({ hasText: 'rule approve-confidential-same-domain' });
      await read.waitFor();
      const chain = (await read.textContent()) ?? '';
      assert.match(chain, /Dana Scientist/);
      assert.match(chain, new RegExp(demo.datasets.curated.replace('.', '\\.')));
      for (const v of ['1.0', '2.0']) assert.ok(chain.includes(`${DEMO_MODEL} ${v}`), `the chain reaches ${DEMO_MODEL} ${v}, built on the dataset`);
      const byPeople = page.getByRole('row').filter({ hasText: 'Morgan Model-Owner' });
      assert.match((await byPeople.textContent()) ?? '', /approved by Owen Owner.*Riley Risk/s, 'who approved the escalated grant');
      const denials = page.getByRole('region', { name: 'Recent denied attempts' });
      await denials.getByRole('cell', { name: /Validate on the masked curated data instead/ }).waitFor();
      await s.screenshot(page, '09-ciso-grants');

      const masked = page.getByRole('row').filter({ hasText: 'rule approve-masked' });
      await masked.getByRole('button', { name: 'Revoke' }).click();
      await masked.getByLabel('Reason').fill('Feature exploration finished');
      await masked.getByRole('button', { name: 'Confirm revoke' }).click();
      await masked.waitFor({ state: 'detached' });

      await denials.getByRole('link', { name: 'Every denial in the audit log' }).click();
      await page.waitForURL(/decision=deny/);
      await page.getByText('verified').waitFor();
      await page.getByLabel('Action').fill('access.grant.revoke');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByText('No audit event matches these filters').waitFor();
      await page.getByLabel('Decision').selectOption('');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByRole('cell', { name: 'Feature exploration finished' }).waitFor();
      assert.match((await page.getByRole('row').filter({ hasText: 'access.grant.revoke' }).first().textContent()) ?? '', /Casey CISO/);
      await s.screenshot(page, '10-ciso-audit');
      await page.context().close();
    },
  );

  journey(
    'risk officers: review inbox, card with diff since the last approval, bias chart, training data and stage history; request changes; two approvals for a high-risk card',
    async () => {
      // The model owner amends the approved 2.0 card: a new revision that needs approving again.
      const v2 = demo.versions.find((v) => v.version === '2.0')!;
      const v1 = demo.versions.find((v) => v.version === '1.0')!;
      const { modelCard } = await s.graphql<{ modelCard: { content: Record<string, unknown> } }>(
        'mowner',
        `query($id: ID!) { modelCard(id: $id) { content } }`,
        {
          id: v2.id,
        },
      );
      const amended = {
        ...modelCard.content,
        model_details: { ...(modelCard.content['model_details'] as object), overview: 'Monthly bias monitoring on age band added after the 2.0 approval.' },
      };
      await s.graphql('mowner', `mutation($id: ID!, $content: JSON!) { updateModelCard(input: { modelVersionId: $id, content: $content }) { id } }`, {
        id: v2.id,
        content: amended,
      });
      await s.graphql('mowner', `mutation($id: ID!) { submitModelCardForReview(input: { modelVersionId: $id, comment: "monitoring described" }) { id } }`, {
        id: v2.id,
      });

      const page = await s.signIn('risk');
      await page.getByRole('link', { name: 'Card reviews' }).first().click();
      await page.getByRole('link', { name: `${DEMO_MODEL} 1.0` }).waitFor();
      await s.screenshot(page, '11-risk-inbox');
      await page.getByRole('link', { name: `${DEMO_MODEL} 2.0` }).click();
      await page.getByRole('heading', { name: `${DEMO_MODEL} 2.0`, level: 1 }).waitFor();
      await page.getByText('From revision 1 (last approved) to 2.').waitFor();
      assert.match((await page.locator('table.diff').textContent()) ?? '', /model_details.*Monthly bias monitoring/s, 'the diff since the last approval');
      // The amended card is in review, so 2.0 no longer meets the gate (card approval), though the exception still waives the bias report.
      const gate = (await page.getByRole('region', { name: /no longer meets its production gate/ }).textContent()) ?? '';
      assert.match(gate, /card approval: .*not waived/s);
      assert.match(gate, /bias report: .*waived by age-band-monitoring/s);
      const exception = (await page.getByRole('region', { name: 'Promotion exceptions' }).textContent()) ?? '';
      assert.match(exception, /age-band-monitoring.*active until.*waives bias report.*by Riley Risk/s, 'the override that let 2.0 into production');
      assert.match((await page.locator('.sections').textContent()) ?? '', /overview\s*Monthly bias monitoring/, 'card sections as labelled fields');
      await s.screenshot(page, '12-risk-card-diff');
      assert.ok(await page.getByRole('button', { name: 'Request changes' }).isDisabled(), 'a comment is required to request changes');
      await page.getByLabel(/Comment/).fill('Name who runs the monthly monitoring');
      await page.getByRole('button', { name: 'Request changes' }).click();
      await page.locator('blockquote').filter({ hasText: 'Name who runs the monthly monitoring' }).waitFor();
      const trail = (await page.locator('.timeline').nth(1).textContent()) ?? '';
      assert.match(trail, /approve of revision 1 by Riley Risk.*approve of revision 1 by Robin Risk/s, 'the first approvals, by name');
      assert.match(trail, /request changes of revision 2 by Riley Risk/i);
      assert.equal(await page.getByRole('button', { name: 'Request changes' }).count(), 0, 'nothing to review until resubmitted');

      await page.getByRole('link', { name: 'Card reviews' }).first().click();
      await page.getByRole('link', { name: `${DEMO_MODEL} 2.0` }).waitFor({ state: 'detached' });
      await page.getByRole('link', { name: `${DEMO_MODEL} 1.0` }).click();
      await page.getByRole('heading', { name: `${DEMO_MODEL} 1.0`, level: 1 }).waitFor();
      await page.getByText('four-fifths rule violated').waitFor();
      assert.match((await page.getByRole('img', { name: 'Selection rate by age_band' }).textContent()) ?? '', /60\+.*n=150.*< 4\/5/s);
      assert.match((await page.getByRole('img', { name: 'Selection rate by gender' }).textContent()) ?? '', /female.*n=500/s);
      await page.getByRole('link', { name: demo.datasets.features, exact: true }).waitFor();
      await page.getByRole('link', { name: demo.datasets.curated, exact: true }).waitFor();
      const stages = page.locator('.timeline').first();
      assert.match((await stages.textContent()) ?? '', /registered in development by Morgan Model-Owner/);
      assert.equal(await stages.getByText('Morgan Model-Owner').first().getAttribute('title'), 'mowner@charter.local');
      const trails = (await page.locator('.timeline').allTextContents()).join(' ');
      assert.doesNotMatch(trails, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/, 'people by name, not principal ids, in the stage history and review trail');
      await page.getByText('4/5 of the highest rate: 40.0%').waitFor();
      // No label of the chart overlaps another label, a bar or the 4/5 line.
      const chart = page.getByRole('img', { name: 'Selection rate by age_band' });
      const boxesOf = async (selector: string) =>
        (await Promise.all((await chart.locator(selector).all()).map((e) => e.boundingBox()))).filter((b) => b !== null);
      const labels = await boxesOf('text');
      const everything = [...labels, ...(await boxesOf('rect, line.threshold'))];
      for (const a of labels)
        for (const b of everything)
          if (a !== b) assert.ok(!(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height), 'chart labels overlap');
      await s.screenshot(page, '13-risk-card-bias');
      await page.getByLabel(/Comment/).fill('Age-band gap documented; monitoring plan accepted');
      await page.getByRole('button', { name: 'Approve revision 1' }).click();
      await page.getByText('Revision 1 · 1/2 approvals').waitFor();
      await page.getByRole('region', { name: /Would not pass the production gate yet/ }).waitFor();
      await page.context().close();

      const second = await s.signIn('risk2');
      await second.goto(`${s.url}/cards/${v1.id}`);
      await second.getByText('needs 2 distinct approvers; 1 so far').waitFor();
      await second.getByRole('button', { name: 'Approve revision 1' }).click();
      await second.getByText('card approved').waitFor();
      await second.getByRole('link', { name: 'Card reviews' }).first().click();
      await second.getByText('Nothing is waiting for review').waitFor();
      await second.context().close();
    },
  );

  journey('models inventory: prediction volume sparklines, filters by risk tier and stage on the server, volume alerts', async () => {
    const page = await s.signIn('ds');
    await page.getByRole('link', { name: 'Models' }).first().click();
    await page.getByRole('rowheader', { name: DEMO_MODEL }).waitFor();
    await page.getByRole('rowheader', { name: 'fraud-screening' }).waitFor();
    await page.getByText('No model has gone quiet').waitFor();
    // 40 prediction pairs for each of the two versions, all logged today.
    const sparkline = page.getByRole('row', { name: new RegExp(DEMO_MODEL) }).getByRole('img', { name: /^Predictions per day, last 14 days:/ });
    assert.match((await sparkline.getAttribute('aria-label')) ?? '', /: 80 in total/);
    await page
      .getByRole('row', { name: /fraud-screening/ })
      .getByText('no predictions')
      .waitFor();
    await page.getByRole('combobox', { name: 'Risk tier' }).selectOption('HIGH');
    await page.getByRole('rowheader', { name: 'fraud-screening' }).waitFor({ state: 'detached' });
    await page.getByRole('rowheader', { name: DEMO_MODEL }).waitFor();
    await page.getByRole('combobox', { name: 'Risk tier' }).selectOption('');
    await page.getByRole('combobox', { name: 'Stage' }).selectOption('PRODUCTION');
    await page.getByRole('rowheader', { name: 'collections-priority' }).waitFor({ state: 'detached' });
    await page.getByRole('rowheader', { name: DEMO_MODEL }).waitFor();
    await page.getByRole('combobox', { name: 'Stage' }).selectOption('');
    await page.getByRole('rowheader', { name: 'collections-priority' }).waitFor();
    await s.screenshot(page, '14-ds-models');
    await page.context().close();
  });

  journey('compliance: generates a model pack for a period, follows its progress, downloads PDF and JSON, verifies the PDF', async () => {
    const page = await s.signIn('compliance');
    await page.getByRole('link', { name: 'Compliance packs' }).first().click();
    const pdfs = page.getByRole('button', { name: /^pack\.pdf/ });
    await pdfs.first().waitFor();
    const before = await pdfs.count();
    assert.equal(before, demo.reports.length, "the demo's packs are listed");
    const form = page.getByRole('form', { name: 'Generate a pack' });
    await form.getByLabel('Kind').selectOption('MODEL');
    await form.getByLabel('Target').fill(`model:${DEMO_MODEL}:2.0`);
    await page.getByRole('button', { name: 'Generate pack' }).click();
    // The new pack's row appears with its progress; it is done when its files are listed.
    await pdfs
      .nth(before)
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        await s.screenshot(page, '15-compliance-packs-failed');
        throw error;
      });
    await s.screenshot(page, '15-compliance-packs');
    const newest = page
      .getByRole('row')
      .filter({ hasText: `model:${DEMO_MODEL}:2.0` })
      .first();
    const [pdf] = await Promise.all([page.waitForEvent('download'), newest.getByRole('button', { name: /^pack\.pdf/ }).click()]);
    const file = path.join(dataDir!, 'downloaded-pack.pdf');
    await pdf.saveAs(file);
    assert.equal((await fs.readFile(file)).subarray(0, 5).toString(), '%PDF-');
    const [json] = await Promise.all([page.waitForEvent('download'), newest.getByRole('button', { name: /^pack\.json/ }).click()]);
    const pack = JSON.parse(await fs.readFile(await json.path(), 'utf8')) as { kind?: string; cover?: unknown };
    assert.ok(pack.cover, 'the JSON pack has a cover section');
    await page.getByLabel(/A pack\.pdf/).setInputFiles(file);
    await page.getByText('genuine and unchanged').waitFor();
    await s.screenshot(page, '16-compliance-verified');
    await page.context().close();
  });

  journey('lineage explorer: from a dataset page to its graph, expanding a node by keyboard, upstream only, column level', async () => {
    const page = await s.signIn('ds');
    await page.goto(`${s.url}${datasetPage(demo.datasets.curated)}`);
    await page.getByRole('link', { name: 'Show lineage' }).click();
    const graph = page.getByRole('group', { name: 'Lineage graph' });
    await graph.getByRole('button', { name: 'job build_features' }).waitFor();
    await graph.getByRole('button', { name: `dataset ${demo.datasets.features}` }).waitFor();
    await graph.getByRole('button', { name: `dataset ${demo.datasets.raw}` }).waitFor();
    await s.screenshot(page, '17-ds-lineage');
    await graph.getByRole('button', { name: `dataset ${demo.datasets.features}` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/credit\.features/);
    await page.getByRole('combobox', { name: 'Direction' }).selectOption('UPSTREAM');
    await graph.getByRole('button', { name: 'job ingest_applications' }).waitFor();
    await graph.getByRole('button', { name: 'dataset crm/applications.csv' }).waitFor();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await s.screenshot(page, '18-ds-lineage-upstream');
    await page.getByLabel('column level').check();
    await page.waitForURL(/columns=1/);
    await graph
      .getByRole('button', { name: /applicant_key/ })
      .first()
      .waitFor();
    await graph
      .getByRole('button', { name: /birth_date/ })
      .first()
      .waitFor();
    await s.screenshot(page, '19-ds-lineage-columns');
    await page.context().close();
  });

  journey('at tablet width: an API error shows its request id, and the widest pages fit', async () => {
    const page = await s.signIn('ds', 820, 1180);
    await page.goto(`${s.url}/datasets/nowhere/missing`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Request id: [0-9a-f-]{36}/);
    await s.screenshot(page, '20-ds-error-tablet');
    // Nothing wider than a tablet: the pages with the widest tables and the bias chart.
    const overflow = async () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    for (const [to, ready, name] of [
      ['/datasets', page.getByRole('link', { name: demo.datasets.curated, exact: true }), '21-ds-datasets-tablet'],
      [`/cards/${demo.versions.find((v) => v.version === '1.0')!.id}`, page.getByRole('img', { name: 'Selection rate by age_band' }), '22-ds-card-tablet'],
      ['/models', page.getByRole('rowheader', { name: DEMO_MODEL }), '23-ds-models-tablet'],
    ] as const) {
      await page.goto(`${s.url}${to}`);
      await ready.waitFor();
      await s.screenshot(page, name);
      assert.equal(await overflow(), 0, `${to} scrolls sideways at 820 px`);
    }
    await page.context().close();
  });

  journey('works by keyboard alone: skip link, navigation, and a form', async () => {
    const page = await s.signIn('ds');
    const focused = page.locator(':focus');
    // Each page puts focus on its heading, so a screen reader starts there.
    assert.match((await focused.textContent()) ?? '', /Welcome, Dana Scientist/);
    // The skip link shows when focused and jumps past the navigation.
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await skip.focus();
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0 && box.width > 0, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('main :focus').count(), 1, 'after the skip link, Tab lands in the page, not the navigation');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Name starts with').waitFor();
    await page.getByLabel('Name starts with').focus();
    await page.keyboard.type('credit.app');
    await page.keyboard.press('Enter');
    await page.waitForURL(/name=credit\.app/);
    await page.getByRole('link', { name: demo.datasets.features, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: demo.datasets.raw, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: demo.datasets.raw, level: 1 }).waitFor();
    await page.context().close();
  });
});
