import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { configProject, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key', APPENATE_KEY: 'sandbox-key', SP_KEY: 'sandbox-key', SCIM_TOKEN: 'sandbox-key' };

/** A user as each emulated platform holds it: its last name and whether it is active (undefined: not there). */
type Seen = { lastName: string; active: boolean } | undefined;

interface Platform {
  name: string;
  config: (s: Sandbox) => Record<string, unknown>;
  /** Extra columns every row needs on this platform (accessplanit: the main company). */
  header: string;
  cells: string;
  user: (s: Sandbox, externalId: string) => Seen;
  /** What --missing does to a user the input lacks on this platform; null: it cannot find them (cannot be listed). */
  removal: 'deactivate' | 'delete' | null;
  /** Undoing a create: the platform cannot deactivate, so --delete is needed. */
  createUndo: readonly string[];
  /** Whether the values an update replaced are known (the platform can be read back). */
  readsBack: boolean;
}

const PLATFORMS: Platform[] = [
  {
    name: 'accessplanit',
    config: (s) => ({ type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' }),
    header: ',Company ID',
    cells: ',ACME01',
    user: (s, id) => {
      const u = s.state().accessplanit.User.rows().find((r) => r.ExternalID === id);
      return u && { lastName: String(u.Surname), active: u.Status !== 'Disabled' };
    },
    removal: 'deactivate',
    createUndo: [],
    readsBack: true,
  },
  {
    name: 'scim',
    config: (s) => ({ type: 'scim', baseUrl: s.urls.scim, token: 'env:SCIM_TOKEN' }),
    header: '',
    cells: '',
    user: (s, id) => {
      const u = s.state().scim.Users.rows().find((r) => r.externalId === id) as { name?: { familyName?: string }; active?: boolean } | undefined;
      return u && { lastName: String(u.name?.familyName), active: u.active !== false };
    },
    removal: 'deactivate',
    createUndo: [],
    readsBack: true,
  },
  {
    name: 'appenate',
    config: (s) => ({ type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY', invite: false, listAll: true }),
    header: '',
    cells: '',
    user: (s, id) => {
      const u = s.state().appenate.users.rows().find((r) => r.ExternalId === id);
      return u && { lastName: String(u.LastName), active: true };
    },
    removal: 'delete',
    createUndo: ['--delete'],
    readsBack: true,
  },
  {
    name: 'springest',
    config: (s) => ({ type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:SP_KEY' } } }),
    header: '',
    cells: '',
    user: (s, id) => {
      const u = s.state().springest.get('default')!.rows().find((r) => r.external_id === id);
      return u && { lastName: String(u.last_name), active: u.active !== false };
    },
    removal: null,
    createUndo: [],
    readsBack: false,
  },
];

describe('hrsync undo, end to end against the emulator', () => {
  // Appenate lists everyone with an empty Name= search here (listAll), so --missing can find who left.
  const sandbox = useSandbox({ settings: { appenate: { emptyNameSearch: 'all' } } });
  const writes = (platform: string) => countRequests(sandbox().stats(), { platform, method: ['POST', 'PUT', 'PATCH', 'DELETE'] });

  for (const p of PLATFORMS) {
    const project = () => {
      const dir = configProject({ t: p.config(sandbox()) });
      const rows = (list: Array<[string, string]>) => `Employee ID,Email,First name,Last name${p.header}\n${list.map(([id, last]) => `${id},${id.toLowerCase()}@undo.example.com,Una,${last}${p.cells}`).join('\n')}\n`;
      return { dir, rows };
    };
    const run = (dir: string, args: string[]) => hrsyncIn([...args], { cwd: dir, env: ENV });
    const prefix = `${p.name.slice(0, 2).toUpperCase()}`;
    const user = (id: string) => p.user(sandbox(), id);

    it(`${p.name}: undoes a run's updates and creates, the second undo does nothing, and an undo is undone in turn`, async () => {
      const { dir, rows } = project();
      const [u1, u9] = [`${prefix}U1`, `${prefix}U9`];
      write(dir, 'setup.csv', rows([[u1, 'Original']]));
      expect((await run(dir, ['import', 'setup.csv', '--target', 't', '--yes'])).code).toBe(0);
      write(dir, 'a.csv', rows([[u1, 'Changed'], [u9, 'New']]));
      const a = await run(dir, ['import', 'a.csv', '--target', 't', '--yes', '--results', 'run-a']);
      expect(a.code, a.stderr).toBe(0);
      expect([user(u1)?.lastName, user(u9)?.active]).toEqual(['Changed', true]);
      expect(statSync(join(dir, 'run-a', 'journal.ndjson')).mode & 0o777).toBe(0o600);

      const dry = await run(dir, ['undo', 'run-a', '--dry-run', '--format', 'json', ...p.createUndo]);
      expect(dry.code, dry.stderr).toBe(0);
      const planned = JSON.parse(dry.stdout) as { operations: Array<{ action: string; key: string; changes?: unknown[] }>; notes: string[] };
      const created = p.createUndo.includes('--delete') ? 'delete' : 'deactivate';
      expect(planned.operations.map((o) => [o.action, o.key])).toEqual([
        ...(p.readsBack ? [['update', `externalId=${u1}`]] : []),
        [created, expect.stringContaining(`externalId=${u9}`)],
      ]);
      if (p.readsBack) expect(planned.operations[0]!.changes).toEqual([{ field: 'lastName', from: 'Changed', to: 'Original' }]);
      else expect(planned.notes.join('\n')).toContain(`cannot be read back, so the values the update replaced were never known (externalId=${u1})`);

      const undo = await run(dir, ['undo', 'run-a', '--yes', '--results', 'undo-a', ...p.createUndo]);
      expect(undo.code, undo.stderr).toBe(0);
      expect(user(u1)?.lastName).toBe(p.readsBack ? 'Original' : 'Changed');
      expect(created === 'delete' ? user(u9) : user(u9)?.active).toBe(created === 'delete' ? undefined : false);

      // Twice: by its id this time (state history); nothing is left to put back, nothing is written.
      const history = JSON.parse((await run(dir, ['state', 'history', '--format', 'json'])).stdout) as { runs: Array<{ id: string; command: string; results: string; undoes?: string }> };
      const runA = history.runs.find((r) => r.results === join(dir, 'run-a'))!;
      expect(history.runs[0]).toMatchObject({ command: 'undo', undoes: runA.id });
      const before = writes(p.name);
      const again = await run(dir, ['undo', runA.id, '--yes', ...p.createUndo]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('nothing to undo');
      expect(again.stdout).toContain(`was undone already by run ${history.runs[0]!.id}`);
      expect(writes(p.name)).toBe(before);

      // The undo is undone in turn: the run's changes are back.
      const redo = await run(dir, ['undo', 'undo-a', '--yes']);
      expect(redo.code, redo.stderr + redo.stdout).toBe(0);
      expect([user(u1)?.lastName, user(u9)?.active, user(u9)?.lastName]).toEqual(['Changed', true, 'New']);
    });

    it.skipIf(!p.readsBack)(`${p.name}: a field changed on the target since the run is a conflict, never overwritten; the rest is undone`, async () => {
      const { dir, rows } = project();
      const [c1, c2] = [`${prefix}C1`, `${prefix}C2`];
      write(dir, 'setup.csv', rows([[c1, 'One'], [c2, 'Two']]));
      expect((await run(dir, ['import', 'setup.csv', '--target', 't', '--yes'])).code).toBe(0);
      write(dir, 'c.csv', rows([[c1, 'Run'], [c2, 'Run']]));
      expect((await run(dir, ['import', 'c.csv', '--target', 't', '--yes', '--results', 'run-c'])).code).toBe(0);
      // Someone changes C1 after the run.
      write(dir, 'later.csv', rows([[c1, 'Someone']]));
      expect((await run(dir, ['import', 'later.csv', '--target', 't', '--yes'])).code).toBe(0);
      const undo = await run(dir, ['undo', 'run-c', '--yes', '--results', 'undo-c']);
      expect(undo.code, undo.stderr).toBe(5);
      expect(undo.stdout).toContain(`changed on ${p.name} "t" since the run, left as it is: lastName is now "Someone", the run set "Run"`);
      expect([user(c1)?.lastName, user(c2)?.lastName]).toEqual(['Someone', 'Two']);
      expect(readFileSync(join(dir, 'undo-c', 'results.csv'), 'utf8')).toContain('conflict');
    });

    it.skipIf(p.removal === null)(`${p.name}: undoes a run's ${p.removal === 'delete' ? 'deletes (made again, with a new id)' : 'deactivations (reactivated)'}`, async () => {
      const { dir, rows } = project();
      const [d1, d2] = [`${prefix}D1`, `${prefix}D2`];
      write(dir, 'setup.csv', rows([[d1, 'Stays'], [d2, 'Leaves']]));
      expect((await run(dir, ['import', 'setup.csv', '--target', 't', '--yes'])).code).toBe(0);
      // Every other user on the target is missing too: all of them go, and all of them come back.
      write(dir, 'b.csv', rows([[d1, 'Stays']]));
      const b = await run(dir, ['import', 'b.csv', '--target', 't', '--yes', '--missing', p.removal!, '--max-missing', '100%', '--results', 'run-b']);
      expect(b.code, b.stderr).toBe(0);
      const removed = (JSON.parse(JSON.stringify(readFileSync(join(dir, 'run-b', 'journal.ndjson'), 'utf8').trim().split('\n'))) as string[]).map((l) => JSON.parse(l) as { action: string; before?: Record<string, unknown> });
      expect(removed.every((e) => e.action === p.removal && e.before !== undefined)).toBe(true);
      expect(p.removal === 'delete' ? user(d2) : user(d2)?.active).toBe(p.removal === 'delete' ? undefined : false);
      const undo = await run(dir, ['undo', 'run-b', '--yes']);
      expect(undo.code, undo.stderr + undo.stdout).toBe(0);
      expect(user(d2)).toEqual({ lastName: 'Leaves', active: true });
      if (p.removal === 'delete') expect(undo.stdout).toContain('made again from the record as it was: with a new id');
      const again = await run(dir, ['undo', 'run-b', '--yes']);
      expect([again.code, again.stderr]).toEqual([0, expect.stringContaining('nothing to undo')]);
    });
  }

  it('the brake: an undo that would deactivate more records than --max-deactivations allows stops before writing (exit 6)', async () => {
    const dir = configProject({ t: PLATFORMS[0]!.config(sandbox()) });
    write(dir, 'three.csv', `Employee ID,Email,First name,Last name,Company ID\n${['BK1', 'BK2', 'BK3'].map((id) => `${id},${id.toLowerCase()}@undo.example.com,Bea,Brake,ACME01`).join('\n')}\n`);
    expect((await hrsyncIn(['import', 'three.csv', '--target', 't', '--yes', '--results', 'run-3'], { cwd: dir, env: ENV })).code).toBe(0);
    const before = writes('accessplanit');
    const stopped = await hrsyncIn(['undo', 'run-3', '--yes', '--max-deactivations', '2'], { cwd: dir, env: ENV });
    expect([stopped.code, stopped.stderr]).toEqual([6, expect.stringContaining('the undo would deactivate or delete 3 users: more than the limit of 2 (--max-deactivations 2); nothing was written')]);
    expect(writes('accessplanit')).toBe(before);
    const saved = await hrsyncIn(['undo', 'run-3', '--dry-run', '--out', 'undo.json', '--max-deactivations', '100%', '--report', 'undo.html'], { cwd: dir, env: ENV });
    expect(saved.stdout).toContain('3 to deactivate');
    expect(readFileSync(join(dir, 'undo.html'), 'utf8')).toContain('hrsync undo: accessplanit');
    expect(statSync(join(dir, 'undo.html')).mode & 0o777).toBe(0o600);
    // The saved undo is a plan like any: applied with hrsync apply, its records read again first.
    const applied = await hrsyncIn(['apply', 'undo.json'], { cwd: dir, env: ENV });
    expect(applied.code, applied.stderr).toBe(0);
    expect(['BK1', 'BK2', 'BK3'].map((id) => PLATFORMS[0]!.user(sandbox(), id)?.active)).toEqual([false, false, false]);
  });

  it('history <key>: one person’s writes across runs (the folder state), oldest first: from → to, the run, its exit code, the file and line', async () => {
    const dir = configProject({ t: PLATFORMS[0]!.config(sandbox()) });
    write(dir, 'one.csv', 'Employee ID,Email,First name,Last name,Company ID\nHX1,hx1@undo.example.com,Hana,First,ACME01\n');
    expect((await hrsyncIn(['import', 'one.csv', '--target', 't', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    // A run that exits 5 (another row fails) still changes HX1: its exit code is the run's.
    write(dir, 'two.csv', 'Employee ID,Email,First name,Last name,Company ID\nHX2,hx2@undo.example.com,Hugo,Other,NO_SUCH\nHX1,hx1@undo.example.com,Hana,Second,ACME01\n');
    expect((await hrsyncIn(['import', 'two.csv', '--target', 't', '--yes', '--results', 'run-2'], { cwd: dir, env: ENV })).code).toBe(5);
    expect((await hrsyncIn(['undo', 'run-2', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    const json = JSON.parse((await hrsyncIn(['history', 'HX1', '--format', 'json'], { cwd: dir, env: ENV })).stdout) as { backend: string; events: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON
    expect(json.backend).toBe('dir');
    expect(json.events.map((e) => [e.action, e.file, e.line, e.run.command, e.run.exitCode])).toEqual([
      ['create', 'one.csv', 2, 'import', 0],
      ['update', 'two.csv', 3, 'import', 5],
      ['update', join(dir, 'run-2', 'journal.ndjson').replace(`${dir}/`, ''), 1, 'undo', 0],
    ]);
    expect(json.events[1]!.changes).toEqual([{ field: 'lastName', from: 'First', to: 'Second' }]);
    expect(json.events[2]!.changes).toEqual([{ field: 'lastName', from: 'Second', to: 'First' }]);
    const text = await hrsyncIn(['history', 'hx1@undo.example.com'], { cwd: dir, env: ENV });
    expect(text.stdout.split('\n').filter((l) => l.startsWith('    '))).toEqual(['    lastName: First → Second', '    lastName: Second → First']);
    expect(text.stdout).toContain('import run ');
    expect(text.stdout).toMatch(/exit 5 {2}two\.csv:3\n/);
    expect((await hrsyncIn(['history', 'NOBODY'], { cwd: dir, env: ENV })).stdout).toMatch(/^no write to NOBODY in the runs kept \(dir /);
  });
});
