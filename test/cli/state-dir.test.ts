import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProject, lmsProject, manyUsers, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key', SP_KEY: 'sandbox-key' };

/** The `dir` backend (the default, and `"state": {"type": "dir"}`) through `hrsync state show|reset|history|migrate`. */
describe('state in a folder (the dir backend)', () => {
  const sandbox = useSandbox();

  it('state history: every import that wrote, newest first, with its counts and exit code; --format json; a file 0600', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('HIS', 3));
    expect((await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    expect((await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: ENV })).code).toBe(0); // a dry run is not kept
    write(dir, 'bad.csv', 'Employee ID,First name,Last name,Company ID\nHIS9,A,B,NO_SUCH\nHIS3,C,D,ACME01\n');
    expect((await hrsyncIn(['import', 'bad.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(5);
    const history = JSON.parse((await hrsyncIn(['state', 'history', '--format', 'json'], { cwd: dir })).stdout);
    expect(history.backend).toBe('dir');
    expect(history.where).toBe(join(dir, '.hrsync', 'state'));
    expect(history.runs).toHaveLength(2);
    expect(history.runs[0]).toMatchObject({ command: 'import', target: 'lms', label: 'accessplanit "lms"', exitCode: 5, pid: process.pid, counts: { create: 1, invalid: 1, applied: 1 } });
    // Each run has an id and its folder: `hrsync undo` finds it by either.
    expect(history.runs[0].id).toMatch(/^\d{4}-.*-[0-9a-f]{4}$/);
    expect(history.runs[0].results).toMatch(/\.hrsync\/runs\//);
    expect(JSON.parse(readFileSync(join(history.runs[0].results, 'run.json'), 'utf8'))).toMatchObject({ id: history.runs[0].id, target: 'lms', command: 'import' });
    expect(statSync(join(history.runs[0].results, 'run.json')).mode & 0o777).toBe(0o600);
    expect(history.runs[1]).toMatchObject({ exitCode: 0, counts: { create: 3, applied: 3, failed: 0 } });
    expect(Date.parse(history.runs[1].at)).toBeGreaterThan(Date.now() - 120_000);
    expect(statSync(join(dir, '.hrsync', 'state', 'history.json')).mode & 0o777).toBe(0o600);
    const text = await hrsyncIn(['state', 'history', '--limit', '1'], { cwd: dir });
    expect(text.stdout).toMatch(/^\d{4}-\S+ {2}import {2}accessplanit "lms" {2}create 1, invalid 1, applied 1 {2}exit 5 {2}[\d.]+ s {2}\S+ {2}run \d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{4}\n$/);
    expect((await hrsyncIn(['state', 'history', 'other'], { cwd: dir })).stdout).toBe(`no runs recorded for other (dir ${join(dir, '.hrsync', 'state')})\n`);
  });

  it('state show: the bookmarks as before, and what was last sent to a target that cannot be listed; migrate needs nothing', async () => {
    const dir = configProject({ go: { type: 'springest', sites: { default: { baseUrl: sandbox().urls.springest, apiKey: 'env:SP_KEY' } } } }, { state: { type: 'dir' } });
    write(dir, 'u.csv', 'Employee ID,Email,First name,Last name\nSD1,sd1@go.example.com,Sam,Dir\nSD2,sd2@go.example.com,Sue,Dir\n');
    expect((await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    const shown = JSON.parse((await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: dir })).stdout);
    expect(shown).toMatchObject({ backend: 'dir', where: join(dir, '.hrsync', 'state'), path: join(dir, '.hrsync', 'state', 'bookmarks.json'), bookmarks: [], sent: [{ target: 'go', entity: 'users', records: 2 }] });
    expect(Array.isArray(shown.locks)).toBe(true);
    const text = await hrsyncIn(['state', 'show'], { cwd: dir });
    expect(text.stdout).toContain('sent    go  users  2 fingerprints of what was last sent');
    expect(text.stderr).toContain(`state: dir ${join(dir, '.hrsync', 'state')}`);
    const migrated = await hrsyncIn(['state', 'migrate', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(migrated.stdout)).toEqual({ backend: 'dir', where: join(dir, '.hrsync', 'state'), from: 1, to: 1 });
    expect((await hrsyncIn(['state', 'migrate'], { cwd: dir })).stderr).toContain('a folder needs no migration');
    expect(JSON.parse((await hrsyncIn(['state', 'reset', '--format', 'json'], { cwd: dir })).stdout)).toEqual({ backend: 'dir', where: join(dir, '.hrsync', 'state'), match: null, cleared: 0 });
    expect(statSync(join(dir, '.hrsync', 'state')).mode & 0o777).toBe(0o700);
  });

  it('refuses a state config it does not know, naming the key (exit 64)', async () => {
    const dir = configProject({ lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } }, { state: { type: 'postgres', url: 'postgres://u:secret@h/db' } });
    const run = await hrsyncIn(['state', 'show'], { cwd: dir, env: ENV });
    expect([run.code, run.stderr]).toEqual([64, expect.stringContaining('state.url: credentials go in the environment: write "env:NAME" and set NAME')]);
    expect(run.stderr).not.toContain('secret');
  });

  it('a state URL whose password was not percent-encoded is refused (exit 64) without quoting any of it, whatever the password cut the URL into', async () => {
    const dir = configProject({ lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } }, { state: { type: 'postgres', url: 'env:HRSYNC_STATE_URL' } });
    // A password that starts with digits then has ? / # parses as a port, then a query, a path or a fragment holding the rest.
    for (const password of ['2024?Summer', '2024/Summer', '2024#Summer', 'pw@x?Summer'])
      for (const args of [['state', 'show'], ['state', 'show', '--format', 'json'], ['state', 'migrate']]) {
        const run = await hrsyncIn(args, { cwd: dir, env: { ...ENV, PGUSER: 'hrsync', HRSYNC_STATE_URL: `postgres://hrsync:${password}@127.0.0.1:1/hrsync` } });
        expect([run.code, run.stderr], `${password}: ${args.join(' ')}`).toEqual([64, expect.stringContaining('state: HRSYNC_STATE_URL does not hold a URL of the form postgres://user:password@host:5432/database')]);
        expect(run.stderr).toContain('percent-encode any of : / @ ? # % [ ] in the user name or password');
        for (const part of ['Summer', '2024']) expect(run.stdout + run.stderr, `${password}: ${args.join(' ')}`).not.toContain(part);
      }
    // An @ in a ?password= value is not mistaken for one.
    const inQuery = await hrsyncIn(['state', 'show'], { cwd: dir, env: { ...ENV, HRSYNC_STATE_URL: 'postgres://hrsync@127.0.0.1:1/hrsync?password=2024@Summer&connect_timeout=2' } });
    expect([inQuery.code, inQuery.stderr]).toEqual([4, expect.stringContaining('cannot be reached')]);
    expect(inQuery.stderr).not.toContain('Summer');
  });
});
