import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_EXPLANATIONS } from '../../src/core/model/issues.js';
import { CHROMIUM, MUST_RUN, cellsOf, launchChromium, openOffline } from '../helpers/browser.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';

const HEADER = 'Employee ID;First Name;Last Name;Email;Start Date';
/** Twelve people, semicolon-separated; lines 3, 4, 11 and 13 wrong (11 twice); a surname a spreadsheet would run. */
const STAFF = [
  HEADER,
  'E1;Ann;Lee;ann@x.co;2024-01-02',
  'E2;Bob;=HYPERLINK("http://x");bob@@x;2024-01-02',
  'E3;;Ray;ray@x.co;2024-01-03',
  ...[4, 5, 6, 7, 8, 9].map((n) => `E${n};Per${n};Son;p${n}@x.co;2024-02-0${n}`),
  'E10;Zed;Last;zed at x;2024-13-40',
  'E11;Amy;Ok;amy@x.co;2024-03-01',
  'E12;Cy;Dee;cy@@x;2024-03-02',
  '',
].join('\n');

/** The texts of one column of a table's body, in the order shown. */
const column = async (page: Page, table: string, n: number) =>
  page.locator(`${table} tbody tr`).evaluateAll((rows, i) => rows.map((row) => ((row as unknown as { cells: Array<{ innerText: string }> }).cells[i]!.innerText)), n);

/** What an HR person does with the report of `validate`: reads it, sorts it, downloads the rows to fix. */
describe.skipIf(!CHROMIUM && !MUST_RUN)('the validate report as an HR person uses it (chromium)', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function report(): Promise<string> {
    const dir = tempDir();
    write(dir, 'staff.csv', STAFF);
    const run = await hrsyncIn(['validate', 'staff.csv', '--target', 'generic', '--report', 'report.html'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    const file = join(dir, 'report.html');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    return file;
  }

  it('explains each code, charts them, groups the issues by person, sorts by mouse and keyboard, in the reader’s time zone', async () => {
    const file = await report();
    const { page, errors, violations } = await openOffline(browser, file, { timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    expect(errors).toEqual([]);
    expect(await violations()).toEqual([]);

    // The chart the help promises: a bar per code, as long as its share of the largest count, described in words.
    const bars = page.locator('#issues-chart g.bar');
    expect(await bars.evaluateAll((gs) => gs.map((g) => `${g.getAttribute('data-code')} ${g.getAttribute('data-count')}`))).toEqual(['invalid_email 3', 'required 1', 'invalid_date 1']);
    const width = async (code: string) => (await page.locator(`#issues-chart g[data-code=${code}] rect`).boundingBox())!.width;
    expect((await width('required')) / (await width('invalid_email'))).toBeCloseTo(1 / 3, 2);
    expect(await page.locator('#issues-chart').getAttribute('role')).toBe('img');
    expect(await page.locator('#issues-chart-desc').textContent()).toBe('invalid_email: 3 errors on 3 rows. required: 1 error on 1 row. invalid_date: 1 error on 1 row.');

    // Each code in plain words.
    expect(await page.locator('#codes-table tr[data-code=invalid_email] td.explain').textContent()).toBe(ISSUE_EXPLANATIONS.invalid_email);

    // By row: who each row is, and all that is wrong with it together.
    expect((await cellsOf(page, '#rows-table tbody tr')).map((c) => c.slice(0, 3))).toEqual([
      ['staff.csv:3', 'Bob =HYPERLINK("http://x") <bob@@x> (E2)', '1'],
      ['staff.csv:4', 'Ray <ray@x.co> (E3)', '1'],
      ['staff.csv:11', 'Zed Last <zed at x> (E10)', '2'],
      ['staff.csv:13', 'Cy Dee <cy@@x> (E12)', '1'],
    ]);
    expect(await page.locator('#rows-table tr[data-row="staff.csv:11"] li').allInnerTexts()).toEqual([
      'email: email "zed at x" is not a valid email address (invalid_email)',
      'startDate: startDate "2024-13-40" is not a valid date (expected yyyy-mm-dd) (invalid_date)',
    ]);

    // Sorting with the mouse: numbers as numbers (3 < 11), both ways, said to assistive technology.
    const line = page.locator('#issues-table thead th').nth(1);
    await line.click();
    expect(await line.getAttribute('aria-sort')).toBe('ascending');
    expect(await column(page, '#issues-table', 1)).toEqual(['3', '4', '11', '11', '13']);
    await line.click();
    expect(await line.getAttribute('aria-sort')).toBe('descending');
    expect(await column(page, '#issues-table', 1)).toEqual(['13', '11', '11', '4', '3']);
    // Text by its letters, ignoring case; the filters still work on the sorted rows.
    await page.locator('#issues-table thead th').nth(4).click();
    expect(await column(page, '#issues-table', 4)).toEqual(['invalid_date', 'invalid_email', 'invalid_email', 'invalid_email', 'required']);
    expect(await line.getAttribute('aria-sort')).toBeNull();
    // Rows of the same code keep the order they had (by line, descending); the filter hides the others.
    await page.selectOption('#issue-filters select[name=code]', 'invalid_email');
    expect((await cellsOf(page, '#issues-table tbody tr', true)).map((c) => c[1])).toEqual(['13', '11', '3']);

    // With the keyboard: Tab to a header's button, Enter and Space sort.
    const count = page.locator('#rows-table thead th').nth(2);
    await count.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await count.getAttribute('aria-sort')).toBe('ascending');
    expect(await column(page, '#rows-table', 0)).toEqual(['staff.csv:3', 'staff.csv:4', 'staff.csv:13', 'staff.csv:11']);
    await page.keyboard.press('Space');
    expect(await count.getAttribute('aria-sort')).toBe('descending');
    expect((await column(page, '#rows-table', 0))[0]).toBe('staff.csv:11');

    // The run's time in the reader's zone, the UTC instant on hover.
    const time = page.locator('header time');
    const at = (await time.getAttribute('datetime'))!;
    const inTokyo = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'long', timeZone: 'Asia/Tokyo' }).format(new Date(at));
    expect(await time.textContent()).toBe(inTokyo);
    expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(your time is UTC\+09:00\)$/);
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    // The listener does hear a violation (an image the CSP refuses): an empty list above means none.
    await page.evaluate("document.body.append(Object.assign(document.createElement('img'), { src: 'https://example.com/x.png' }))");
    await expect.poll(violations).toEqual(['img-src https://example.com/x.png']);
    await page.context().close();

    const elsewhere = await openOffline(browser, file, { timezoneId: 'America/Los_Angeles', locale: 'en-US' });
    expect(await elsewhere.page.locator('header time').getAttribute('title')).toMatch(/\(your time is UTC-08:00\)$/);
    expect(await elsewhere.page.locator('header time').textContent()).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'long', timeZone: 'America/Los_Angeles' }).format(new Date(at)));
    await elsewhere.page.context().close();
  });

  it('downloads the rows with errors as CSV in the file’s own columns, separator and encoding, formulas guarded; without JavaScript says so', async () => {
    const file = await report();
    const { page, errors, violations } = await openOffline(browser, file, { acceptDownloads: true });
    const link = page.locator('a.download');
    expect(await link.innerText()).toBe('staff-failed.csv');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('staff-failed.csv');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(
      [
        `${HEADER};hrsync errors`,
        `E2;Bob;"'=HYPERLINK(""http://x"")";bob@@x;2024-01-02;"email ""bob@@x"" is not a valid email address"`,
        'E3;;Ray;ray@x.co;2024-01-03;firstName is required but empty',
        `E10;Zed;Last;zed at x;2024-13-40;"email ""zed at x"" is not a valid email address; startDate ""2024-13-40"" is not a valid date (expected yyyy-mm-dd)"`,
        `E12;Cy;Dee;cy@@x;2024-03-02;"email ""cy@@x"" is not a valid email address"`,
        '',
      ].join('\n'),
    );
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();

    // Without JavaScript: the instant in UTC, plain headers, no link that cannot work, and what to do instead.
    const still = await openOffline(browser, file, { javaScriptEnabled: false });
    expect(await still.page.locator('header time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await still.page.locator('a.download').isVisible()).toBe(false);
    expect(await still.page.locator('#downloads').innerText()).toContain('the download needs JavaScript; hrsync validate --annotate writes the same rows');
    expect(await still.page.locator('th button').count()).toBe(0);
    expect(await still.page.locator('#issues-chart g.bar').count()).toBe(3);
    await still.page.context().close();
  });

  it('keeps the page of 100,000 invalid rows bounded and usable: what it lists is capped and counted, and it still sorts and downloads', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 100_000 }, (_, i) => `E${i};First${i};Last${i};user${i}@@example;2024-01-02`);
    write(dir, 'big.csv', [HEADER, ...rows, ''].join('\n'));
    const run = await hrsyncIn(['validate', 'big.csv', '--target', 'generic', '--report', 'big.html'], { cwd: dir });
    expect(run.code, run.stderr).toBe(3);
    const file = join(dir, 'big.html');
    const bytes = statSync(file).size;
    console.log(`the report of 100,000 invalid rows: ${(bytes / 1e6).toFixed(1)} MB`);
    expect(bytes).toBeLessThan(8e6);
    const { page, errors, violations } = await openOffline(browser, file, { acceptDownloads: true });
    expect(await page.locator('#issues-table tbody tr').count()).toBe(10_000);
    expect(await page.locator('#rows-table tbody tr').count()).toBe(1_000);
    expect(await page.locator('#rows-more').textContent()).toBe('The first 1,000 rows with issues are listed here, and at least 9,000 more (--verbose lists all; the download above has every row with an error).');
    expect(await page.locator('#downloads li').innerText()).toBe('big-failed.csv — the first 10,000 of 100,000 rows with errors (--verbose: all) from big.csv');
    const who = page.locator('#rows-table thead th').nth(1);
    await who.click();
    await expect.poll(() => who.getAttribute('aria-sort')).toBe('ascending');
    expect((await column(page, '#rows-table', 1)).slice(0, 3)).toEqual(['First0 Last0 <user0@@example> (E0)', 'First1 Last1 <user1@@example> (E1)', 'First2 Last2 <user2@@example> (E2)']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.download').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').split('\n');
    expect(csv).toHaveLength(10_002);
    expect(csv[10_000]).toBe('E9999;First9999;Last9999;user9999@@example;2024-01-02;"email ""user9999@@example"" is not a valid email address"');
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
