import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hrToLmsProject, lmsProject, tempDir, write } from '../helpers/files.js';
import { ROOT } from '../helpers/cli.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key', SP_KEY: 'sandbox-key' };

/** What a hostile tester found in this round's features, each pinned. */
describe('a second look at this round’s features', () => {
  const sandbox = useSandbox();

  it('never writes an annotated file, a report or a plan over one of the input files (exit 64, the file intact)', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    const users = readFileSync(join(ROOT, 'samples', 'users.csv'), 'utf8');
    write(dir, 'in.csv', users);
    for (const args of [['validate', 'in.csv', '--annotate', 'in.csv'], ['validate', 'in.csv', '--report', './in.csv'], ['import', 'in.csv', '--dry-run', '--out', 'in.csv'], ['import', 'in.csv', '--dry-run', '--report', 'in.csv']]) {
      const run = await hrsyncIn(args, { cwd: dir, env: ENV });
      expect(run.code, args.join(' ')).toBe(64);
      expect(run.stderr).toContain('is one of the input files: it would be overwritten');
      expect(readFileSync(join(dir, 'in.csv'), 'utf8')).toBe(users);
    }
  });

  it('reads the custom.<name> columns it exports back as custom fields', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'externalId,firstName,lastName,companyId,custom.Department\nE1001,James,Smith,ACME01,Night shift\n');
    const check = await hrsyncIn(['validate', 'u.csv', '--target', 'lms'], { cwd: dir, env: ENV });
    expect(check.stdout).not.toContain('custom.Department');
    expect((await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: ENV })).stdout).toContain('    custom.Department: (blank) → "Night shift"');
  });

  it('does not let a row take over the record a conflicting row names (the wrong person renamed)', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nE1001,James,Smith,priya.patel@acme-logistics.co.uk,ACME01\nE1099,Zed,Nine,james.smith@acme-logistics.co.uk,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.stdout).not.toContain('"Zed"');
    expect(run.stdout).toContain('Plan: 0 to create, 0 to update, 0 unchanged, 2 conflicts skipped.');
  });

  it('ends an incremental sync that found nothing new with exit 0, and moves its bookmark', async () => {
    const dir = hrToLmsProject(sandbox().urls);
    write(dir, 'm.json', JSON.stringify({ users: { defaults: { companyId: 'ACME01' }, values: { status: { map: { on_leave: 'Enabled' } } } } }));
    const args = ['import', '--from', 'hr', '--map', 'm.json', '--since', 'last', '--yes'];
    expect((await hrsyncIn(args, { cwd: dir, env: ENV })).code).toBe(0);
    const at = () => JSON.parse(readFileSync(join(dir, '.hrsync', 'state', 'bookmarks.json'), 'utf8'))[0].at as string;
    const first = at();
    // Five minutes of overlap would re-read what changed just now: move the bookmark back past them.
    write(dir, '.hrsync/state/bookmarks.json', readFileSync(join(dir, '.hrsync', 'state', 'bookmarks.json'), 'utf8').replace(first, new Date().toISOString()));
    const quiet = await hrsyncIn(args, { cwd: dir, env: ENV });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toMatch(/nothing changed in hr since .*: nothing to plan/);
    expect(at() >= first).toBe(true);
  });

  it('refuses a new user who is their own approver (a circle of one) instead of failing at apply', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { go: { type: 'springest', sites: { default: { baseUrl: sandbox().urls.springest, apiKey: 'env:SP_KEY' } } } } }));
    write(dir, 'u.csv', 'Employee ID,Email,First name,Last name,Approvers\nSELF1,self@go.example.com,Sel,F,self@go.example.com\n');
    const run = await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.stdout).toContain('externalId=SELF1 names itself: a new record cannot be its own approver or manager');
    expect(run.stdout).toContain('0 to create');
  });

  it('annotates an annotated file again without doubling its errors column, and reads that column as nothing', async () => {
    const dir = tempDir();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nA1,,Lee,a1@x.co.uk,ACME01\n');
    expect((await hrsyncIn(['validate', 'u.csv', '--target', 'accessplanit', '--annotate', 'a1.csv'], { cwd: dir })).code).toBe(3);
    expect((await hrsyncIn(['validate', 'a1.csv', '--target', 'accessplanit', '--annotate', 'a2.csv'], { cwd: dir })).code).toBe(3);
    expect(readFileSync(join(dir, 'a2.csv'), 'utf8').split('\n')[0]).toBe('Employee ID,First name,Last name,Email,Company ID,hrsync errors');
    const again = await hrsyncIn(['validate', 'a2.csv', '--target', 'accessplanit'], { cwd: dir });
    expect(again.stdout).not.toContain('hrsync errors');
  });

  it('says so when a folder stands where the config file should be (exit 64, not a crash)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'hrsync.config.json'));
    const run = await hrsyncIn(['targets'], { cwd: dir });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('cannot be read (EISDIR)');
  });
});
