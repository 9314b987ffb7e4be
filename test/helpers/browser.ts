import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { PATIENCE_MS } from './patience.js';

/** Debian's chromium (or CHROMIUM_PATH): playwright-core downloads no browser of its own. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    for (const name of ['chromium', 'chromium-browser']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

export const CHROMIUM = findChromium();
const ROOT_USER = process.getuid?.() === 0;
// In CI as root, .ci/run installs chromium: a browser test that skips there would hide a broken report.
export const MUST_RUN = Boolean(process.env.CI) && ROOT_USER;
if (!CHROMIUM && !MUST_RUN) console.warn('skipped: the HTML report browser tests need chromium (apt-get install chromium, or set CHROMIUM_PATH)');

export async function launchChromium(): Promise<Browser | undefined> {
  return CHROMIUM ? chromium.launch({ executablePath: CHROMIUM, args: ROOT_USER ? ['--no-sandbox'] : [] }) : undefined;
}

/** A page opened from a file, offline, with every request, dialog, console error, script error and CSP violation it makes. */
export interface OpenedPage {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
  /** The Content-Security-Policy violations the page reported (securitypolicyviolation events). */
  violations(): Promise<string[]>;
}

export async function openOffline(browser: Browser | undefined, file: string, options: BrowserContextOptions = {}): Promise<OpenedPage> {
  if (!browser) throw new Error('chromium was not found on PATH (nor CHROMIUM_PATH): in CI as root, .ci/run installs it with apt-get');
  const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 }, ...options });
  // Bounded waits, generous on a busy machine (a guard against a hang, never a measure).
  context.setDefaultTimeout(PATIENCE_MS);
  context.setDefaultNavigationTimeout(PATIENCE_MS);
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Run by the browser before the page (not subject to its CSP): every violation is kept for the test.
  await page.addInitScript({ content: "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));" });
  await page.goto(pathToFileURL(file).href);
  const violations = async () => (options.javaScriptEnabled === false ? [] : ((await page.evaluate('window.__violations')) as string[]));
  return { page, requests, dialogs, errors, violations };
}

/** The cells' text (as rendered) of each row a selector finds; only the rows shown, when asked. */
export async function cellsOf(page: Page, rows: string, onlyVisible = false): Promise<string[][]> {
  const found = onlyVisible ? page.locator(rows).filter({ visible: true }) : page.locator(rows);
  return Promise.all((await found.all()).map((row) => row.locator('th, td').allInnerTexts()));
}
