import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUE_EXPLANATIONS } from '../../src/core/model/issues.js';
import { renderReportHtml } from '../../src/cli/render/report-html.js';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { HOSTILE, HOSTILE_FILE, writeHostileInput } from '../helpers/hostile.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/** A credential only the environment holds: the sandbox accepts it, the config names it as env:AP_KEY. */
const SECRET = 'sk-live-7d1f0c9a-report-must-not-hold-this';

/** The text of the element with this id (its tags dropped, entities decoded, spaces and line breaks collapsed — not U+2028). */
function textOf(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  expect(start, `#${id}`).toBeGreaterThan(0);
  const tag = page.lastIndexOf('<', start);
  const name = /^<(\w+)/.exec(page.slice(tag))![1]!;
  const end = page.indexOf(`</${name}>`, start);
  return decode(page.slice(tag, end).replace(/<[^>]*>/g, ' ')).replace(/[ \t\r\n]+/g, ' ').trim();
}

const decode = (s: string) =>
  s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * What makes a page run nothing it was not meant to: one inline script and one style, both allowed by
 * hash (the other script elements data blocks, JSON no markup can end), no link anywhere but the page's own anchors.
 */
function expectInert(page: string): void {
  expect(page.match(/<script>/gi)).toHaveLength(1);
  for (const [, tag, json] of page.matchAll(/(<script[^>]*>)([^]*?)<\/script>/gi)) {
    if (tag === '<script>') continue;
    expect(tag).toMatch(/^<script type="application\/json" id="failed-\d+">$/);
    expect(json).not.toMatch(/[<>&]/);
    expect(typeof JSON.parse(json!)).toBe('string');
  }
  expect(page.match(/<style/gi)).toHaveLength(1);
  expect(page.match(/<\/style>/gi)).toHaveLength(1);
  // Any "<" in the data is escaped: every tag is the page's own, and none has an event handler.
  expect(page).not.toMatch(/<img|<iframe|<object|<embed|<link|<base|<[^>]*\son\w+\s*=/i);
  for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#\w+$/);
  // Every URL in the page is the SVG namespace: nothing to fetch.
  for (const url of page.match(/\w+:\/\/[^\s"'<]*/g) ?? []) expect(url).toBe('http://www.w3.org/2000/svg');
  expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/);
  const csp = decode(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!);
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain(`script-src ${hash(/<script>([\s\S]*?)<\/script>/.exec(page)![1]!)}`);
  expect(csp).toContain(`style-src ${hash(/<style>([\s\S]*?)<\/style>/.exec(page)![1]!)}`);
  expect(csp).not.toMatch(/unsafe|https?:|\*/);
}

describe('--report: the run as one self-contained HTML page', () => {
  const sandbox = useSandbox({ apiKey: SECRET });
  const env = { AP_KEY: SECRET, HRSYNC_CONFIG_SECRET_PROBE: SECRET };

  it('validate: the summary per file and every issue, escaped; the same output and exit code as without it; 0600', async () => {
    const dir = tempDir();
    const { files } = writeHostileInput(dir);
    const plain = await hrsyncIn(['validate', ...files, '--target', 'accessplanit'], { cwd: dir });
    const run = await hrsyncIn(['validate', ...files, '--target', 'accessplanit', '--report', 'out/report.html'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.code).toBe(plain.code);
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stderr).toBe(`${plain.stderr}report: out/report.html\n`);
    const path = join(dir, 'out', 'report.html');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
    const page = readFileSync(path, 'utf8');
    expectInert(page);
    expect(textOf(page, 'outcome')).toBe('invalid: 10 rows, 4 errors, 2 warnings');
    expect(textOf(page, 'files-table')).toContain(`users.csv users (columns Title, First name, Last name) 4 1 1 ${HOSTILE_FILE} users (columns First name, Last name, Job title) 6 3 1 total 10 4 2`);
    const issues = textOf(page, 'issues-table');
    expect(issues).toContain(`${HOSTILE_FILE} 3 email ${HOSTILE.img} invalid_email error`);
    expect(issues).toContain(`${HOSTILE_FILE} 5 firstName Bell\\x07Esc\\x1b[31m control_character error`);
    expect(issues).toContain('users.csv 5 firstName required error');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2;alert(1)&quot;&gt;@x.co.uk');
    // The filters' options hold the values as attributes, escaped the same way.
    expect(page).toContain(`<option value="people &quot;&lt;b&gt;&quot;.csv">people &quot;&lt;b&gt;&quot;.csv</option>`);
  });

  it('import --dry-run: the plan per entity, its chart, the field-level diffs and the issues — and nothing of the config or the environment', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    const { files } = writeHostileInput(dir);
    const plain = await hrsyncIn(['import', ...files, '--dry-run', '--detailed-exitcode'], { cwd: dir, env });
    const run = await hrsyncIn(['import', ...files, '--dry-run', '--detailed-exitcode', '--report', 'plan.html'], { cwd: dir, env });
    expect(run.code).toBe(3);
    expect(run.code).toBe(plain.code);
    expect(run.stdout).toBe(plain.stdout);
    const page = readFileSync(join(dir, 'plan.html'), 'utf8');
    expectInert(page);
    expect(textOf(page, 'outcome')).toBe('dry run: nothing was written');
    expect(textOf(page, 'plan-table')).toBe('The plan per entity entity create update deactivate delete unchanged invalid conflicts users 3 2 0 0 1 4 0');
    expect(page).toContain('Plan: 3 to create, 2 to update, 1 unchanged, 4 invalid rows skipped.');
    expect(textOf(page, 'chart-desc')).toBe('users: 3 to create, 2 to update, 1 unchanged, 4 invalid rows left out.');
    const changes = textOf(page, 'changes');
    expect(changes).toContain('externalId=E1001 id jasmit users.csv:2 jobTitle Warehouse Manager Site Manager');
    expect(changes).toContain('firstName Priya Pria');
    expect(changes).toContain(`externalId=H1 ${HOSTILE_FILE}:2 externalId H1 firstName ${HOSTILE.script} lastName Scripted`);
    expect(changes).toContain(`lastName ${HOSTILE.style} email h3@x.co.uk jobTitle ${HOSTILE.jsUrl}`);
    expect(changes).toContain(`lastName ${HOSTILE.lineSeparator}`);
    expect(page).toContain('Sep&#x2028;arated');
    // No credential, no config: neither the key, nor where it comes from, nor the target's address.
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain('AP_KEY');
    expect(page).not.toContain(sandbox().urls.accessplanit);
    expect(page).not.toContain(readFileSync(join(dir, 'hrsync.config.json'), 'utf8'));
  });

  it('after an apply: every result with its status and error, and the counts; the exit code is the apply’s', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nR1,Rita,Result,r1@x.co.uk,ACME01\nR2,Ron,Bad,not-an-email,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out', '--report', 'applied.html'], { cwd: dir, env });
    expect(run.code).toBe(5);
    const page = readFileSync(join(dir, 'applied.html'), 'utf8');
    expectInert(page);
    expect(page).not.toContain(SECRET);
    expect(textOf(page, 'outcome')).toBe('1 change applied, 0 failed, 0 skipped, 1 row left out (invalid or conflicting)');
    expect(page).toContain('exit code 5');
    expect(textOf(page, 'results-tally')).toBe('1 applied 0 failed 0 unknown 0 skipped 1 left out');
    expect(textOf(page, 'results-table')).toMatch(/^row entity action key status target id error u\.csv:2 users create externalId=R1 ok \w+ u\.csv:3 users externalId=R2 invalid email "not-an-email" is not a valid email address$/);
  });

  it('a report that cannot be written is exit 74, said after the run’s own output; nothing is left half-written', async () => {
    const dir = tempDir();
    const { files } = writeHostileInput(dir);
    write(dir, 'not-a-folder', 'a file');
    const run = await hrsyncIn(['validate', ...files, '--target', 'accessplanit', '--report', 'not-a-folder/report.html'], { cwd: dir });
    expect(run.code).toBe(74);
    expect(run.stdout).toContain('Issues by code');
    expect(run.stderr).toMatch(/error: could not write the report not-a-folder\/report\.html: /);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);

    const project = lmsProject(sandbox().urls.accessplanit);
    writeHostileInput(project);
    write(project, 'not-a-folder', 'a file');
    const dry = await hrsyncIn(['import', ...files, '--dry-run', '--report', 'not-a-folder/r.html'], { cwd: project, env });
    expect(dry.code).toBe(74);
    expect(dry.stdout).toContain('Plan: 3 to create');
  });

  it('shows the time as UTC until the script makes it local, charts and explains the codes, lists rows by person (capped), and embeds the failed rows as inert JSON', () => {
    const issues = Array.from({ length: 3 }, (_, i) => ({ file: 'u.csv', line: i + 2, entity: 'users' as const, field: 'email', value: `x${i}`, code: 'invalid_email' as const, message: 'bad', severity: 'error' as const, hint: null }));
    const validation = { ok: false, rules: 'generic', checkedAgainst: null, summary: { files: 1, rows: 3, errors: 3, warnings: 0 }, files: [], issues, truncated: false };
    const csv = 'Name,hrsync errors\n</script><script>alert(1)</script>\u2028,bad\n';
    const failed = { files: [{ file: 'dir/u.csv', csv: Buffer.from(csv).toString('base64'), encoding: 'utf-8', rows: 1, total: 3 }], who: new Map([['u.csv:2', 'Ann <a@x>']]) };
    const page = renderReportHtml({ command: 'validate', outcome: 'invalid', exitCode: 3, at: '2026-11-24T09:05:01.123Z', validation, failed, limit: 2 });
    expectInert(page);
    expect(page).toContain('<time datetime="2026-11-24T09:05:01.123Z" data-instant>2026-11-24 09:05:01 UTC</time>');
    expect(textOf(page, 'issues-chart-desc')).toBe('invalid_email: 3 errors on 3 rows.');
    expect(textOf(page, 'codes-table')).toContain(ISSUE_EXPLANATIONS.invalid_email);
    expect(textOf(page, 'rows-table')).toBe('row who issues what is wrong u.csv:2 Ann <a@x> 1 email : bad (invalid_email) u.csv:3 1 email : bad (invalid_email)');
    expect(textOf(page, 'rows-more')).toBe('The rows of the first 2 of 3 issues are listed here (--verbose lists all; the download above has every row with an error).');
    expect(textOf(page, 'downloads')).toContain('— the first 1 of 3 rows with errors (--verbose: all) from dir/u.csv');
    expect(Buffer.from(JSON.parse(/<script type="application\/json" id="failed-0">([^<]*)<\/script>/.exec(page)![1]!) as string, 'base64').toString()).toBe(csv);
    expect(page).toContain('data-rows="failed-0" data-encoding="utf-8" download="u-failed.csv"');
  });

  it('lists a workbook’s rows by sheet and row, its header’s findings (below a title) as the whole file’s', () => {
    const issue = (line: number, field: string | null, code: 'invalid_email' | 'unused_column') => ({ file: 'staff.xlsx', line, entity: 'users' as const, field, value: null, code, message: 'bad', severity: 'error' as const, hint: null });
    const book = { file: 'staff.xlsx', entity: 'users' as const, entityReason: '', format: 'xlsx' as const, encoding: 'xlsx', delimiter: null, rows: 5, errors: 1, warnings: 1, sheet: 'Mitarbeiter', cells: { header: 2, columns: { Abteilung: 'F' }, fields: { email: 'C' } } };
    const validation = { ok: false, rules: 'generic', checkedAgainst: null, summary: { files: 1, rows: 5, errors: 2, warnings: 0 }, files: [book], issues: [issue(2, 'department', 'unused_column'), issue(7, 'email', 'invalid_email')], truncated: false };
    const page = renderReportHtml({ command: 'validate', outcome: 'invalid', exitCode: 3, at: '2026-11-24T00:00:00.000Z', validation });
    expect(textOf(page, 'rows-table')).toBe('row who issues what is wrong staff.xlsx, sheet "Mitarbeiter", row 2 the whole file 1 department : bad (unused_column) staff.xlsx, sheet "Mitarbeiter", row 7 1 email : bad (invalid_email)');
  });

  it('lists the first rows of a long table and says how many more there are', () => {
    const issues = Array.from({ length: 5 }, (_, i) => ({ file: 'u.csv', line: i + 2, entity: 'users' as const, field: 'email', value: `x${i}`, code: 'invalid_email' as const, message: 'bad', severity: 'error' as const, hint: null }));
    const validation = { ok: false, rules: 'generic', checkedAgainst: null, summary: { files: 1, rows: 5, errors: 5, warnings: 0 }, files: [], issues, truncated: false };
    const page = renderReportHtml({ command: 'validate', outcome: 'invalid', exitCode: 3, at: '2026-11-24T00:00:00.000Z', validation, limit: 2 });
    expect(page).toContain('The first 2 of 5 issues are listed here (--verbose lists all; --format json has them all).');
    expect(page.match(/<tr data-code="[^"]*" data-file=/g)).toHaveLength(2);
    expect(textOf(page, 'codes-table')).toContain('error invalid_email 5 5 u.csv:2 (email), u.csv:3 (email), u.csv:4 (email), …');
    expect(renderReportHtml({ command: 'validate', outcome: 'invalid', exitCode: 3, at: '2026-11-24T00:00:00.000Z', validation, limit: 2 })).toBe(page);
  });
});
