import AxeBuilder from '@axe-core/playwright';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCharterApp } from '../../src/app.factory';
import { requestDevToken } from '../../src/auth/dev-idp/dev-idp-client';
import { startDevIdentityProvider, type RunningDevIdentityProvider } from '../../src/auth/dev-idp/dev-identity-provider';
import { createLogger } from '../../src/common/logger';
import { CONSOLE_DIST_DIR } from '../../src/console/console-assets';
import { loadConfig } from '../../src/config/config';
import { findFreePort } from '../../src/database/embedded-postgres';
import { createTestDatabase, type TestDatabase } from './database';

/** Debian's chromium (apt-get install chromium); the flags this machine's closed network needs. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'test', 'e2e', 'screenshots');

export interface ConsoleStack {
  db: TestDatabase;
  /** Charter, serving the built console, e.g. http://127.0.0.1:43123 */
  url: string;
  issuer: string;
  app: NestFastifyApplication;
  browser: Browser;
  token(user: string): Promise<string>;
  graphql<T>(user: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A fresh browser context signed in through the provider's real login page. */
  signIn(user: string, width?: number, height?: number): Promise<Page>;
  /** Saves a full-page screenshot, then fails on any WCAG 2.1 A/AA violation axe finds on the page. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Screenshots every page still open (after a failed step), named `failed-<name>-<n>`, and closes it. */
  captureOpenPages(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The app on a port chosen up front, because the provider must list the console's callback
 * (`http://127.0.0.1:<port>/auth/callback`) as a redirect URI before the app starts.
 */
export async function startConsoleStack(env: Record<string, string> = {}): Promise<ConsoleStack> {
  try {
    await fs.access(CHROMIUM);
  } catch {
    throw new Error(`the console's browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH`);
  }
  try {
    await fs.access(path.join(CONSOLE_DIST_DIR, 'index.html'));
  } catch {
    throw new Error('the console is not built: run "npm run build:console" (npm test does it)');
  }
  const db = await createTestDatabase();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-console-idp-'));
  const appPort = await findFreePort();
  const idpPort = await findFreePort();
  const url = `http://127.0.0.1:${appPort}`;
  const idp: RunningDevIdentityProvider = await startDevIdentityProvider({
    host: '127.0.0.1',
    port: idpPort,
    issuer: `http://localhost:${idpPort}`,
    audience: 'charter',
    rolesClaim: 'groups',
    keysFile: path.join(dir, 'keys.json'),
    consoleRedirectUris: [`${url}/auth/callback`],
  });
  const cleanups: (() => Promise<unknown>)[] = [() => fs.rm(dir, { recursive: true, force: true }), () => db.drop(), () => idp.close()];
  const cleanUp = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    return await startAppAndBrowser();
  } catch (error) {
    await cleanUp();
    throw error;
  }

  async function startAppAndBrowser(): Promise<ConsoleStack> {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      OIDC_ISSUER_URL: idp.issuer,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      ...env,
    });
    const app = await createCharterApp(config, createLogger(config.logLevel));
    cleanups.push(() => app.close());
    await app.listen(appPort, '127.0.0.1');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    const tokens = new Map<string, string>();
    const openPages = new Set<Page>();
    const token = async (user: string) => {
      let t = tokens.get(user);
      if (!t) tokens.set(user, (t = await requestDevToken(idp.issuer, user, user)));
      return t;
    };
    return {
      db,
      url,
      issuer: idp.issuer,
      app,
      browser,
      token,
      async graphql<T>(user: string, query: string, variables?: Record<string, unknown>) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(user)}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { data?: T; errors?: unknown[] };
        if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
        return body.data as T;
      },
      async signIn(user, width = 1280, height = 800) {
        const context = await browser.newContext({ viewport: { width, height } });
        const page = await context.newPage();
        openPages.add(page);
        page.on('close', () => openPages.delete(page));
        page.on('pageerror', (e) => console.error('console page error:', e.message));
        await page.goto(url);
        // The console sends the browser to the provider's login page (authorization code + PKCE).
        await page.waitForURL((u) => u.origin === new URL(idp.issuer).origin, { timeout: 15_000 });
        await page.fill('#username', user);
        await page.fill('#password', user);
        await page.click('button[type=submit]');
        await page.waitForURL((u) => u.origin === url && u.pathname === '/', { timeout: 15_000 });
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        return page;
      },
      async screenshot(page, name) {
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
        await assertAccessible(page, name);
      },
      async captureOpenPages(name) {
        let n = 0;
        for (const page of [...openPages]) {
          await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${name}-${++n}.png`), fullPage: true }).catch(() => undefined);
          await page.context().close();
        }
      },
      close: cleanUp,
    };
  }
}

/** axe-core's WCAG 2.1 A and AA rules (contrast, names, labels, landmarks, keyboard traps…). */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  if (violations.length === 0) return;
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`,
    ...v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
  ]);
  throw new Error(`${name}: ${violations.length} WCAG 2.1 AA violation(s) found by axe:\n  ${lines.join('\n  ')}`);
}
