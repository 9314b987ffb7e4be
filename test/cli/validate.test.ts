import { chmodSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedStateFile } from '../../src/app/cache-folder.js';
import { tempDir } from '../helpers/files.js';
import { hrsyncBinary, ROOT } from '../helpers/cli.js';
import { hrsyncIn, tempProject } from '../helpers/run.js';

const project = tempProject();
const hrsync = (args: string[], env: Record<string, string> = {}) => hrsyncIn(args, { cwd: project, env });

const ANSI = /\u001b\[/;

describe('hrsync validate where node may not make code from strings', () => {
  it('reports exactly what it reports otherwise (a CSV row\'s values are then made field by field)', async () => {
    const args = ['validate', 'samples/invalid/users.csv', 'samples/companies.csv', '--target', 'accessplanit', '--format', 'json'];
    const usual = await hrsyncBinary(args, ROOT);
    const strict = await hrsyncBinary(args, ROOT, { NODE_OPTIONS: '--disallow-code-generation-from-strings' });
    expect([strict.code, strict.stderr]).toEqual([3, '']);
    expect(strict.stdout).toBe(usual.stdout);
    expect(JSON.parse(usual.stdout).issues.length).toBeGreaterThan(5);
  });
});

describe('hrsync validate (in-process)', () => {
  it('passes the samples for accessplanit with exit 0', async () => {
    const run = await hrsync(['validate', 'samples/groups.csv', 'samples/companies.csv', 'samples/users.csv', '--target', 'accessplanit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('samples/users.csv: users, 20 rows, 0 errors, 0 warnings');
    expect(run.stdout).toContain('✔ 3 files, 26 rows, 0 errors, 0 warnings');
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('exits 3 on invalid rows, one line per issue with file:line, then the counts', async () => {
    const run = await hrsync(['validate', 'samples/invalid/users.csv', 'samples/companies.csv', '--target', 'accessplanit']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('samples/invalid/users.csv:2  error    email "jan@@acme.nl" is not a valid email address  [invalid_email]');
    expect(run.stdout).toContain('samples/invalid/users.csv:6  error    companyId "C999" does not exist (not in companies.csv)  [unknown_reference]');
    expect(run.stdout).toContain('samples/invalid/users.csv: users, 7 rows, 11 errors, 0 warnings');
  });

  it('--max-invalid: invalid rows within it are reported and exit 0; beyond it, exit 3; a bad value is a usage error', async () => {
    const args = ['validate', 'samples/invalid/users.csv', 'samples/companies.csv', '--target', 'accessplanit'];
    const within = await hrsync([...args, '--max-invalid', '7']);
    expect(within.code, within.stderr).toBe(0);
    expect(within.stdout).toContain('samples/invalid/users.csv:2  error    email "jan@@acme.nl" is not a valid email address  [invalid_email]');
    expect(within.stderr).toContain('! 7 invalid rows, within --max-invalid 7: reported and left out, and the run does not fail on them');
    const beyond = await hrsync([...args, '--max-invalid', '6']);
    expect(beyond.code).toBe(3);
    expect(beyond.stderr).toContain('error: 7 invalid rows: more than --max-invalid 6 allows');
    // 7 of 10 rows (7 users, 3 companies): 69% allows 6, 70% allows 7.
    expect((await hrsync([...args, '--max-invalid', '69%'])).code).toBe(3);
    const share = await hrsync([...args, '--max-invalid', '70%', '-q']);
    expect([share.code, share.stderr]).toEqual([0, '']);
    const bad = await hrsync([...args, '--max-invalid', 'a few']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--max-invalid: expected a count like 5 or a share like 2%, not "a few"');
  });

  it('the config’s maxInvalid is the tolerance when --max-invalid is not given', async () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'samples', 'invalid', 'users.csv'), join(dir, 'users.csv'));
    cpSync(join(ROOT, 'samples', 'companies.csv'), join(dir, 'companies.csv'));
    writeFileSync(join(dir, 'hrsync.config.json'), JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: 'https://lms.example/api', apiKey: 'env:AP_KEY' } }, maxInvalid: '70%' }));
    const args = ['validate', 'users.csv', 'companies.csv', '--target', 'accessplanit'];
    const configured = await hrsyncIn(args, { cwd: dir });
    expect(configured.code, configured.stderr).toBe(0);
    expect(configured.stderr).toContain('! 7 invalid rows, within the config’s maxInvalid 70% (7 rows of 10 rows)');
    expect((await hrsyncIn([...args, '--max-invalid', '6'], { cwd: dir })).code).toBe(3);
  });

  it('--max-invalid never tolerates an error about a whole file', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/users.csv`, 'Employee ID,First name\nE1,Ann\n');
    const run = await hrsyncIn(['validate', 'users.csv', '--target', 'accessplanit', '--max-invalid', '100%'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('tolerates invalid rows only');
  });

  it('prints the documented JSON shape', async () => {
    const run = await hrsync(['validate', 'samples/invalid/companies.csv', 'samples/groups.csv', '--target', 'accessplanit', '--format', 'json']);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['ok', 'rules', 'target', 'checkedAgainst', 'summary', 'files', 'issues', 'truncated']);
    expect(report.checkedAgainst).toBeNull(); // --target accessplanit with no config: its rules only
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ files: 2, rows: 5, errors: 3, warnings: 0 });
    expect(report.files[0]).toEqual({
      file: 'samples/invalid/companies.csv', entity: 'companies', entityReason: 'columns Name, MainContactUserID, CompanyGroupIDs',
      format: 'csv', encoding: 'utf-8', delimiter: ',', rows: 2, errors: 3, warnings: 0,
    });
    expect(report.issues[0]).toEqual({
      file: 'samples/invalid/companies.csv', line: 3, entity: 'companies', field: 'name', value: null, code: 'required',
      message: 'name is required but empty', severity: 'error', hint: null,
    });
    for (const issue of report.issues) expect(Object.keys(issue)).toEqual(['file', 'line', 'entity', 'field', 'value', 'code', 'message', 'severity', 'hint']);
  });

  it('prints GitHub Actions annotations', async () => {
    const run = await hrsync(['validate', 'samples/invalid/companies.csv', 'samples/groups.csv', '--target', 'accessplanit', '--format', 'github']);
    expect(run.code).toBe(3);
    expect(run.stdout.split('\n')).toEqual([
      '::error file=samples/invalid/companies.csv,line=3,title=name::name is required but empty',
      '::error file=samples/invalid/companies.csv,line=3,title=email::email "zeta@example" is not a valid email address',
      '::error file=samples/invalid/companies.csv,line=3,title=groupIds::groupIds "WHOLESALE" does not exist (not in groups.csv)',
      '2 files, 5 rows, 3 errors, 0 warnings',
      '',
    ]);
  });

  it('finds the same issues on the same lines of an Excel export in all three formats', async () => {
    // BOM, semicolons, CRLF, a quoted two-line address, Dutch headers mapped by a file, a ;;;; row.
    const args = ['validate', 'samples/invalid/excel-export.csv', '--map', 'samples/invalid/excel-mapping.json', '--target', 'accessplanit'];
    const json = JSON.parse((await hrsync([...args, '--format', 'json'])).stdout);
    const errors = json.issues.filter((i: { severity: string }) => i.severity === 'error').map((i: { line: number; field: string; code: string }) => [i.line, i.field, i.code]);
    expect(errors).toEqual([
      [4, 'dateOfBirth', 'invalid_date'],
      [5, 'email', 'duplicate'],
      [6, 'email', 'duplicate'],
    ]);
    expect(json.files[0]).toMatchObject({ delimiter: ';', rows: 4 });
    const text = (await hrsync(args)).stdout;
    const github = (await hrsync([...args, '--format', 'github'])).stdout;
    for (const [line, field] of errors) {
      expect(text).toContain(`samples/invalid/excel-export.csv:${line}  error    ${field}`);
      expect(github).toContain(`::error file=samples/invalid/excel-export.csv,line=${line},title=${field}::`);
    }
  });

  it('names the file and line of a Windows-1252 file read as UTF-8, and reads it with --encoding', async () => {
    const bad = await hrsync(['validate', 'samples/invalid/users-windows-1252.csv']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain('samples/invalid/users-windows-1252.csv:2  error    this line has bytes that are not valid UTF-8');
    expect(bad.stdout).toContain('--encoding windows-1252');
    const good = await hrsync(['validate', 'samples/invalid/users-windows-1252.csv', '--encoding', 'windows-1252', '--format', 'json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).files[0]).toMatchObject({ encoding: 'windows-1252', rows: 2 });
  });

  it('colours only when asked on a non-TTY, and respects NO_COLOR', async () => {
    const args = ['validate', 'samples/invalid/companies.csv', 'samples/groups.csv', '--target', 'accessplanit'];
    expect((await hrsync(args)).stdout).not.toMatch(ANSI);
    expect((await hrsync(args, { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
    expect((await hrsync(args, { NO_COLOR: '1' })).stdout).not.toMatch(ANSI);
  });

  it('exits 64 on usage errors, with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['validate', 'samples/users.csv', '--bogus'], /unknown option '--bogus'/],
      [['validate'], /missing required argument 'files'/],
      [['validate', 'samples/users.csv', '--target', 'moodle'], /unknown target "moodle"/],
      [['validate', 'samples/users.csv', '--target', 'unified'], /unified is a read-only source/],
      [['validate', 'samples/users.csv', '--format', 'xml'], /argument 'xml' is invalid/],
      [['validate', 'samples/users.csv', '--encoding', 'klingon'], /unknown encoding "klingon"/],
      [['validate', 'samples/users.csv', '--max-errors', 'lots'], /--max-errors must be a whole number/],
      [['validate', 'samples/users.csv', '--map', 'nope.json'], /mapping file nope.json cannot be read/],
      [['validate', 'samples/users.csv', '--delimiter', ';;'], /--delimiter must be one character/],
    ];
    for (const [args, message] of cases) {
      const run = await hrsync(args);
      expect(run.code, args.join(' ')).toBe(64);
      expect(run.stderr).toMatch(message);
    }
  });

  it('exits 3 for a file that does not exist', async () => {
    const run = await hrsync(['validate', 'samples/nope.csv']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('samples/nope.csv: no such file');
  });

  it('reports a damaged embedded-sandbox state file as an input error naming it (exit 3), not a crash', async () => {
    const dir = tempProject();
    const cache = tempDir();
    const state = embeddedStateFile(dir, { XDG_CACHE_HOME: cache });
    mkdirSync(dirname(state), { recursive: true });
    writeFileSync(state, '{x');
    const run = await hrsyncIn(['import', 'samples/users.csv', '--dry-run'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`error: the sandbox state file ${state} is damaged: not JSON`);
    expect(run.stderr).toContain('hint: delete');
    expect(run.stderr).not.toContain('bug in hrsync');
  });

  it('never starts a sandbox and never writes a file: with no config it checks the rules offline, even in a read-only folder', async () => {
    const dir = tempProject();
    const cache = tempDir();
    chmodSync(dir, 0o555);
    try {
      const run = await hrsyncIn(['validate', 'samples/users.csv', 'samples/companies.csv'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('no hrsync.config.json here or above: checked offline against the accessplanit rules (validate starts no sandbox)');
      const refs = await hrsyncIn(['validate', 'samples/users.csv'], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
      expect(refs.stdout).toContain('companyId values were not checked'); // one warning for references outside the batch
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(readdirSync(dir)).toEqual(['samples']);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('shows help with examples and exit codes', async () => {
    const run = await hrsync(['validate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('$ hrsync validate users.csv --target lms --format github');
    expect(run.stdout).toContain('Exit codes: 0 valid');
    expect((await hrsync(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await hrsync(['help', 'validate'])).stdout).toContain('Exit codes: 0 valid');
    const top = await hrsync(['--help']);
    expect(top.stdout).toMatch(/^ {2}validate +check employee files/m);
    expect(top.code).toBe(0);
  });
});
