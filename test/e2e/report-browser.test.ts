import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, MUST_RUN, cellsOf, launchChromium, openOffline } from '../helpers/browser.js';
import { lmsProject } from '../helpers/files.js';
import { HOSTILE, HOSTILE_FILE, writeHostileInput } from '../helpers/hostile.js';
import { PATIENCE_MS } from '../helpers/patience.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/** What a reviewer sees: the report of a real import, opened from a file in a real browser, offline. */
describe.skipIf(!CHROMIUM && !MUST_RUN)('the HTML report in a browser (chromium)', () => {
  const sandbox = useSandbox();
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (file: string, javaScriptEnabled = true) => openOffline(browser, file, { javaScriptEnabled });

  it('shows the summary, the bars, the filtered issues, the diffs and the results, runs none of the data, and asks for nothing', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    const { files } = writeHostileInput(dir);
    const run = await hrsyncIn(['import', ...files, '--yes', '--results', 'out', '--report', 'report.html'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    expect(run.code, run.stderr).toBe(5);
    const file = join(dir, 'report.html');
    const { page, requests, dialogs, errors, violations } = await open(file);

    // Nothing but the file itself was asked for; nothing ran, popped up or was refused by the CSP.
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await violations()).toEqual([]);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);

    // The summary table, cell by cell, as the text table has it.
    expect(await cellsOf(page, '#plan-table tr')).toEqual([
      ['entity', 'create', 'update', 'deactivate', 'delete', 'unchanged', 'invalid', 'conflicts'],
      ['users', '3', '2', '0', '0', '1', '4', '0'],
    ]);

    // A bar per non-zero count, each as long as its share of the largest one (invalid: 4).
    const bars = page.locator('#plan-chart g.bar');
    expect(await bars.count()).toBe(4);
    const widths: Record<string, number> = {};
    for (const bar of await bars.all()) widths[(await bar.getAttribute('data-kind'))!] = (await bar.locator('rect').boundingBox())!.width;
    expect(Object.keys(widths)).toEqual(['create', 'update', 'unchanged', 'invalid']);
    expect(widths.create! / widths.invalid!).toBeCloseTo(3 / 4, 2);
    expect(widths.update! / widths.invalid!).toBeCloseTo(2 / 4, 2);
    expect(widths.unchanged! / widths.invalid!).toBeCloseTo(1 / 4, 2);
    expect(await page.locator('#plan-chart').getAttribute('role')).toBe('img');
    expect(await page.locator('#chart-desc').textContent()).toBe('users: 3 to create, 2 to update, 1 unchanged, 4 invalid rows left out.');
    expect(await bars.first().locator('title').textContent()).toBe('users: 3 to create');

    // The issues: every row at first, then only those of the chosen code, file or text.
    const issueRows = page.locator('#issues-table tbody tr');
    const visible = async () => (await cellsOf(page, '#issues-table tbody tr', true)).map((cells) => `${cells[4]} ${cells[1]}`);
    expect(await issueRows.count()).toBe(4);
    expect(await page.locator('#issue-count').textContent()).toBe('all 4 shown');
    await page.selectOption('#issue-filters select[name=code]', 'invalid_email');
    expect(await visible()).toEqual(['invalid_email 3', 'invalid_email 7']);
    expect(await page.locator('#issues-table tbody tr[hidden]').count()).toBe(2);
    expect(await page.locator('#issue-count').textContent()).toBe('2 of 4 shown');
    await page.selectOption('#issue-filters select[name=code]', '');
    await page.selectOption('#issue-filters select[name=file]', HOSTILE_FILE);
    expect(await visible()).toEqual(['invalid_email 3', 'control_character 5', 'invalid_email 7']);
    await page.selectOption('#issue-filters select[name=file]', 'users.csv');
    expect(await visible()).toEqual(['required 5']);
    await page.selectOption('#issue-filters select[name=file]', '');
    await page.fill('#issue-filters input', 'onerror');
    expect(await visible()).toEqual(['invalid_email 3']);
    await page.fill('#issue-filters input', '');
    expect(await visible()).toHaveLength(4);

    // The hostile values are there as text, exactly as read (control characters shown as escapes).
    const text = await page.locator('body').innerText();
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.img);
    expect(text).toContain(HOSTILE.style);
    expect(text).toContain(HOSTILE.jsUrl);
    expect(text).toContain('Bell\\x07Esc\\x1b[31m');
    expect(await Promise.all((await page.locator('a:not(.download)').all()).map((a) => a.getAttribute('href')))).toEqual(['#summary', '#results', '#changes', '#validation', '#issues']);
    // Each file's failed rows, to download: the hostile one's values as text in its CSV, under a name built from its own.
    expect(await page.locator('a.download').allInnerTexts()).toEqual(['users-failed.csv', 'people "<b>"-failed.csv']);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: PATIENCE_MS }), page.click('a.download >> nth=1')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('Employee ID,First name,Last name,Email,Job title,Company ID,hrsync errors');
    expect(csv).toContain(`H2,Imogen,Img,"\"\"><img src=x onerror=\"\"window.__pwned=2;alert(1)\"\">@x.co.uk"`);
    expect(await violations()).toEqual([]);

    // The diffs: an update field by field (from → to), a create with its values.
    expect(await cellsOf(page, 'table.changes[data-action=update] tbody tr')).toEqual([
      ['externalId=E1001\nid jasmit', 'users.csv:2', 'jobTitle', 'Warehouse Manager', 'Site Manager'],
      ['externalId=E1002\nid prpate', 'users.csv:3', 'firstName', 'Priya', 'Pria'],
    ]);
    const create = page.locator('table.changes[data-action=create] tbody tr').first();
    expect(await create.locator('td').first().textContent()).toBe('externalId=H1');
    expect(await create.locator('.kv').allInnerTexts()).toEqual(['externalId H1', `firstName ${HOSTILE.script}`, 'lastName Scripted', 'email h1@x.co.uk', 'jobTitle Tester', 'companyId ACME01']);

    // The results: the counts, then a status (and the error) for every operation and left-out row.
    expect(await page.locator('#results-tally li').allInnerTexts()).toEqual(['5 applied', '0 failed', '0 unknown', '0 skipped', '4 left out']);
    const statuses = await Promise.all((await page.locator('#results-table tbody tr').all()).map(async (row) => `${await row.locator('td').first().innerText()} ${await row.getAttribute('data-status')}`));
    expect(statuses).toEqual([
      'users.csv:2 ok', 'users.csv:3 ok', `${HOSTILE_FILE}:2 ok`, `${HOSTILE_FILE}:4 ok`, `${HOSTILE_FILE}:6 ok`,
      'users.csv:5 invalid', `${HOSTILE_FILE}:3 invalid`, `${HOSTILE_FILE}:5 invalid`, `${HOSTILE_FILE}:7 invalid`,
    ]);
    expect(await page.locator('#results-table tbody tr[data-status=invalid] td:last-child').first().textContent()).toBe('firstName is required but empty');

    // The screenshot a reviewer can look at: in the test's own folder (or HRSYNC_SCREENSHOTS to keep it).
    const shot = join(dir, 'report.png');
    await page.evaluate('window.scrollTo(0, 0)'); // the filters scrolled it: sticky table headers would follow
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.HRSYNC_SCREENSHOTS) {
      mkdirSync(process.env.HRSYNC_SCREENSHOTS, { recursive: true });
      copyFileSync(shot, join(process.env.HRSYNC_SCREENSHOTS, 'report.png'));
    }
    console.log(`screenshot of the HTML report: ${shot}`);
    await page.context().close();

    // Without JavaScript: no filters to use, and every issue shown.
    const still = await open(file, false);
    expect(await still.page.locator('#issue-filters').isVisible()).toBe(false);
    expect(await still.page.locator('#issues-table tbody tr:visible').count()).toBe(4);
    expect(await still.page.locator('#plan-chart g.bar').count()).toBe(4);
    expect(still.requests).toEqual([pathToFileURL(file).href]);
    await still.page.context().close();
  });
});
