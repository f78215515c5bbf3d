import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/console/console-assets';
import { DEMO_MODEL, runDemo, type DemoResult } from '../src/demo/demo-estate';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

/**
 * The console's performance budget on the demo estate: JavaScript under 400 kB gzipped, and a
 * first load (cold browser: console → provider's sign-in page → signed in → the page's data on
 * screen) under 2 s. Printed by `npm run bench:console`.
 */
const JS_BUDGET_BYTES = 400 * 1024;
const FIRST_LOAD_BUDGET_MS = 2000;

describe('web console budget on the demo estate', () => {
  let stack: ConsoleStack | undefined;
  let dataDir: string | undefined;
  let demo: DemoResult;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-console-budget-'));
    stack = await startConsoleStack({ CHARTER_DATA_DIR: dataDir });
    const s = stack;
    demo = await runDemo({ url: s.url, token: (user) => s.token(user), log: () => undefined, predictions: 240 });
  });
  after(async () => {
    await stack?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('ships under 400 kB of gzipped JavaScript', async () => {
    const dir = path.join(CONSOLE_DIST_DIR, 'assets');
    let total = 0;
    for (const name of await fs.readdir(dir)) {
      if (!name.endsWith('.js')) continue;
      const size = gzipSync(await fs.readFile(path.join(dir, name)), { level: 9 }).length;
      total += size;
      console.log(`console budget: ${name} ${(size / 1024).toFixed(1)} kB gzipped`);
    }
    console.log(`console budget: JavaScript ${(total / 1024).toFixed(1)} kB gzipped (budget ${JS_BUDGET_BYTES / 1024} kB)`);
    assert.ok(total < JS_BUDGET_BYTES, `${total} bytes of gzipped JavaScript`);
  });

  /** A cold browser opens `to`, signs in on the provider's page, and waits for `ready` on the page it came for. */
  async function firstLoad(user: string, to: string, ready: (page: Page) => Promise<unknown>): Promise<{ toSignIn: number; toReady: number }> {
    const s = stack!;
    const context = await s.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`${s.url}${to}`);
    await page.locator('#username').waitFor();
    const toSignIn = performance.now() - t0;
    await page.fill('#username', user);
    await page.fill('#password', user);
    const t1 = performance.now();
    await page.click('button[type=submit]');
    await ready(page);
    const toReady = performance.now() - t1;
    await context.close();
    return { toSignIn, toReady };
  }

  it('loads each role’s first screen in under 2 s, from a cold browser through sign-in to the data on screen', async () => {
    const v2 = demo.versions.find((v) => v.version === '2.0')!;
    const cases: [string, string, string, (page: Page) => Promise<unknown>][] = [
      ['home (data scientist)', 'ds', '/', (p) => p.getByRole('heading', { name: /Welcome/ }).waitFor()],
      [
        'models inventory with sparklines (risk officer)',
        'risk',
        '/models',
        (p) =>
          p
            .getByRole('img', { name: /^Predictions per day/ })
            .first()
            .waitFor(),
      ],
      [
        `model card ${DEMO_MODEL} 2.0 with bias charts (risk officer)`,
        'risk',
        `/cards/${v2.id}`,
        (p) =>
          p
            .getByRole('img', { name: /^Selection rate by/ })
            .first()
            .waitFor(),
      ],
      [
        'grants and denied attempts (CISO)',
        'ciso',
        '/access',
        (p) => p.getByRole('region', { name: 'Recent denied attempts' }).getByRole('row').nth(1).waitFor(),
      ],
    ];
    // One warm-up, so the figures are the console's and not the first Chromium process start.
    await firstLoad('ds', '/', (p) => p.getByRole('heading', { name: /Welcome/ }).waitFor());
    const slow: string[] = [];
    for (const [what, user, to, ready] of cases) {
      const { toSignIn, toReady } = await firstLoad(user, to, ready);
      const total = toSignIn + toReady;
      console.log(
        `console budget: first load of ${what}: ${total.toFixed(0)} ms (console → sign-in page ${toSignIn.toFixed(0)} ms, sign-in → data on screen ${toReady.toFixed(0)} ms; budget ${FIRST_LOAD_BUDGET_MS} ms)`,
      );
      if (total >= FIRST_LOAD_BUDGET_MS) slow.push(`${what}: ${total.toFixed(0)} ms`);
    }
    assert.deepEqual(slow, [], 'first loads over budget');
  });
});
