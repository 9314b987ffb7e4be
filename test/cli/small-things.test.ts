import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { DirStateStore } from '../../src/app/state-dir.js';
import { tempDir, write } from '../helpers/files.js';
import { PATIENCE_MS } from '../helpers/patience.js';
import { hrsyncIn } from '../helpers/run.js';

describe('hrsync version', () => {
  it('prints what --version prints; --format json adds the Node version and the platform', async () => {
    const flag = await hrsyncIn(['--version']);
    const command = await hrsyncIn(['version']);
    expect([command.code, command.stdout]).toEqual([0, flag.stdout]);
    expect(command.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const json = await hrsyncIn(['version', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ version: flag.stdout.trim(), node: process.version, platform: process.platform, arch: process.arch });
  });
});

describe('where an issue is', () => {
  it('in a workbook: the sheet and the cell, in text, JSON and GitHub annotations', async () => {
    const dir = tempDir();
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Mitarbeiter');
    ws.addRow([]);
    // The header in row 2, starting in column B: the cells are the sheet's own.
    ws.addRow([null, 'Employee ID', 'First name', 'Last name', 'Email', 'Company ID', 'Lieblingsfarbe']);
    ws.addRow([null, 'E1', 'Ann', 'Lee', 'ann@x.co.uk', 'ACME01', 'HR']);
    ws.addRow([null, 'E2', '', '', 'not-an-email', 'ACME01', 'IT']);
    ws.addRow([null, 'E3', 'Bo', 'Ek', 'bo-at-x.se', 'ACME01', 'IT']);
    await book.xlsx.writeFile(join(dir, 'staff.xlsx'));
    const text = await hrsyncIn(['validate', 'staff.xlsx', '--target', 'generic'], { cwd: dir });
    expect(text.stdout).toContain('staff.xlsx, sheet "Mitarbeiter", cell E4  error    email "not-an-email" is not a valid email address  [invalid_email]');
    expect(text.stdout).toContain('staff.xlsx, sheet "Mitarbeiter", cell C4  error    firstName is required but empty  [required]');
    expect(text.stdout).toMatch(/required +2 {2}on 1 row: staff\.xlsx, sheet "Mitarbeiter", row 4 \(firstName, lastName\)$/m);
    // The file and sheet said once for the rows of a code, not before each row; a workbook's are rows, not lines.
    expect(text.stdout).toMatch(/invalid_email +2 {2}on 2 rows: staff\.xlsx, sheet "Mitarbeiter", row 4 \(email\), row 5 \(email\)$/m);
    // A table that starts in column B: column A is a margin, not a column without a name.
    expect(text.stdout).not.toContain('empty_header');
    // On the header's row, the column's own cell.
    expect(text.stdout).toContain('staff.xlsx, sheet "Mitarbeiter", cell G2  warning  column "Lieblingsfarbe" is not a users field');
    const json = JSON.parse((await hrsyncIn(['validate', 'staff.xlsx', '--target', 'generic', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.issues).toContainEqual(expect.objectContaining({ file: 'staff.xlsx', line: 4, field: 'email', sheet: 'Mitarbeiter', cell: 'E4' }));
    const github = (await hrsyncIn(['validate', 'staff.xlsx', '--target', 'generic', '--format', 'github'], { cwd: dir })).stdout;
    expect(github).toContain('::error file=staff.xlsx,line=4,title=email::sheet "Mitarbeiter", cell E4: email "not-an-email" is not a valid email address');
    // A CSV keeps file:line, and its JSON issues no sheet or cell.
    write(dir, 'staff.csv', 'externalId,firstName,lastName,email,companyId\nE2,,,not-an-email,ACME01\n');
    const csv = await hrsyncIn(['validate', 'staff.csv', '--target', 'generic', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(csv.stdout).issues.every((i: object) => !('sheet' in i) && !('cell' in i))).toBe(true);
  });

  it('"Issues by code" names a line once, with the fields the code was found in there', async () => {
    const dir = tempDir();
    write(dir, 'u.csv', 'email,firstName,lastName,companyId\n,,,C1\nbad,,x,C1\n');
    const run = await hrsyncIn(['validate', 'u.csv', '--target', 'generic'], { cwd: dir });
    expect(run.stdout).toMatch(/required +3 {2}on 2 lines: u\.csv:2 \(firstName, lastName\), u\.csv:3 \(firstName\)$/m);
  });
});

describe('-v, --verbose and --debug', () => {
  it('are taken by every command, before or after its name', async () => {
    const dir = tempDir();
    for (const args of [['targets'], ['state', 'show'], ['state', 'history'], ['config', 'schema'], ['version'], ['completion', 'bash']])
      for (const extra of [['-v', '--debug'], ['--verbose']]) {
        const run = await hrsyncIn([...args, ...extra], { cwd: dir });
        expect([args, extra, run.code, run.stderr]).toEqual([args, extra, 0, expect.not.stringContaining('unknown option')]);
        expect((await hrsyncIn([...extra, ...args], { cwd: dir })).code).toBe(0);
      }
  });

  it('-v lists every issue wherever it is written', async () => {
    const dir = tempDir();
    write(dir, 'u.csv', `email,firstName,lastName\n${Array.from({ length: 12 }, (_, i) => `bad${i},A,B`).join('\n')}\n`);
    const errors = (run: { stdout: string }) => run.stdout.split('\n').filter((l) => l.includes('[invalid_email]') && l.startsWith('  u.csv:')).length;
    expect(errors(await hrsyncIn(['validate', 'u.csv', '--target', 'generic'], { cwd: dir }))).toBe(5);
    for (const args of [['-v', 'validate', 'u.csv'], ['validate', '-v', 'u.csv'], ['validate', 'u.csv', '--target', 'generic', '-v'], ['--verbose', 'validate', 'u.csv']])
      expect(errors(await hrsyncIn([...args, '--target', 'generic'], { cwd: dir })), args.join(' ')).toBe(12);
  });

  it('--debug traces each request with its secrets removed, as HRSYNC_DEBUG=http does', async () => {
    const dir = tempDir();
    const run = await hrsyncIn(['--debug', 'targets', 'check'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^http GET http:\/\/127\.0\.0\.1:\d+\/\S+ → 200 in \d+ ms$/m);
    expect(run.stderr).not.toContain('sandbox-key');
    expect((await hrsyncIn(['targets', 'check'], { cwd: dir })).stderr).not.toMatch(/^http GET/m);
  });
});

describe('state show and the machine’s locks', () => {
  it('lists this project’s locks; of other projects’ it says how many, and -v whose', async () => {
    const tmp = tempDir();
    const env = { TMPDIR: tmp };
    const mine = tempDir();
    const theirs = tempDir();
    const held = await new DirStateStore(theirs, undefined, env).lock('lms identity', 'accessplanit "lms"', 'import into accessplanit "lms"');
    const own = await new DirStateStore(mine, undefined, env).lock('hr identity', 'unified "hr"', 'export from unified "hr"');
    try {
      const shown = await hrsyncIn(['state', 'show'], { cwd: mine, env });
      expect(shown.stdout).toMatch(/^lock {4}export from unified "hr": pid \d+ on \S+, since \S+$/m);
      expect(shown.stdout).not.toContain('import into');
      expect(shown.stdout).toContain('1 lock of other projects on this machine (1 held now): -v lists whose');
      const all = await hrsyncIn(['state', 'show', '-v'], { cwd: mine, env });
      expect(all.stdout).toMatch(new RegExp(`^other {3}import into accessplanit "lms": pid ${process.pid} of \\S+ \\(uid \\d+\\) on \\S+, project ${theirs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, since \\S+$`, 'm'));
      const json = JSON.parse((await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: mine, env })).stdout);
      expect(json.locks).toEqual([expect.objectContaining({ what: 'export from unified "hr"', project: mine, held: true })]);
      expect(json.otherLocks).toEqual([expect.objectContaining({ what: 'import into accessplanit "lms"', project: theirs, held: true })]);
      // The other project sees it the other way round.
      expect((await hrsyncIn(['state', 'show'], { cwd: theirs, env })).stdout).toMatch(/^lock {4}import into accessplanit "lms"/m);
    } finally {
      await held.release();
      await own.release();
    }
  });
});

describe('the sandbox’s banner', () => {
  it('gives each platform’s base URL for a config, and tells a config here on this machine which of its targets point elsewhere', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({
      targets: {
        lms: { type: 'accessplanit', baseUrl: 'http://127.0.0.1:4010/accessplan/api/v2', apiKey: 'env:AP_KEY' },
        go: { type: 'springest', sites: { default: { baseUrl: 'http://localhost:4010/', apiKey: 'env:SP_KEY' } } },
        real: { type: 'accessplanit', baseUrl: 'https://acme.accessplanit.com/accessplan/api/v2', apiKey: 'env:AP_KEY' },
      },
    }));
    const signals = new EventEmitter();
    const running = hrsyncIn(['sandbox', '--port', '0', '--data', join(dir, 'sb.json')], { cwd: dir, signals });
    // The banner is written when the sandbox listens; then it is stopped as Ctrl-C would.
    await vi.waitFor(() => expect(signals.listenerCount('SIGINT')).toBe(1), { timeout: PATIENCE_MS, interval: 20 });
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    const origin = /hrsync sandbox on (http:\/\/\S+)/.exec(run.stdout)![1]!;
    expect(run.stdout).toContain(`in hrsync.config.json, to use this sandbox:\n  accessplanit  "baseUrl": "${origin}/accessplan/api/v2"\n`);
    expect(run.stdout).toContain(`  springest     "sites": { "default": { "baseUrl": "${origin}" } }\n`);
    expect(run.stderr).toContain(`${join(dir, 'hrsync.config.json')}, held against this sandbox:\n  targets.lms.baseUrl is http://127.0.0.1:4010/accessplan/api/v2: set it to ${origin}/accessplan/api/v2\n`);
    expect(run.stderr).toContain(`  targets.go.sites.default.baseUrl is http://localhost:4010/: set it to ${origin}\n  or start the sandbox with --port 4010\n`);
    expect(run.stderr).not.toContain('targets.real');
  });
});
