import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { BIN, binaryEnv, ROOT } from '../helpers/cli.js';
import { configProject, manyUsers, write } from '../helpers/files.js';
import { freshSchema, postgresCluster, POSTGRES_SKIPPED, SKIP_MESSAGE, TLS_USER, type Cluster } from '../helpers/postgres.js';
import { hrsyncIn, type Run } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

if (POSTGRES_SKIPPED) console.warn(SKIP_MESSAGE);

/** Seconds a lock outlives its holder's last heartbeat in these tests (the default is 60). */
const EXPIRY_S = 5;

/**
 * The PostgreSQL state backend end to end (issue 14), against a real server: each "machine" is a
 * working folder of its own with its own config naming the same database and schema, as two CI
 * runners would have — nothing is shared between them but the database.
 */
describe.skipIf(POSTGRES_SKIPPED)('state in PostgreSQL, shared by runners that start fresh', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await postgresCluster();
  });
  const sandbox = useSandbox({ latency: { ms: 5, jitterMs: 2 } });
  const env = (extra: Record<string, string> = {}) => ({ AP_KEY: 'sandbox-key', SP_KEY: 'sandbox-key', HRSYNC_STATE_URL: cluster.url(), ...extra });
  const state = (schema: string, extra: Record<string, unknown> = {}) => ({ type: 'postgres', url: 'env:HRSYNC_STATE_URL', schema, lockExpiry: EXPIRY_S, ...extra });
  /** A fresh runner's checkout: its own folder, its config, and the state in the shared schema. */
  const machine = (schema: string, targets: Record<string, Record<string, unknown>> = { lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } }) =>
    configProject(targets, { defaultTarget: Object.keys(targets)[0], state: state(schema) });
  const json = (run: Run) => JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON
  const people = (prefix: string, from = sandbox) => from().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith(prefix));

  it('keeps each run’s journal in the database: another machine shows a person’s history and undoes the run by its id, its folder gone', async () => {
    const schema = freshSchema();
    const [a, b] = [machine(schema), machine(schema)];
    write(a, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nQHX1,Hal,Story,Clerk,ACME01\n');
    expect((await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: a, env: env() })).code).toBe(0);
    write(a, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nQHX1,Hal,Story,Manager,ACME01\n');
    expect((await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'run-2'], { cwd: a, env: env() })).code).toBe(0);
    rmSync(join(a, 'run-2'), { recursive: true }); // the runner that made it is gone
    const timeline = json(await hrsyncIn(['history', 'QHX1', '--format', 'json'], { cwd: b, env: env() }));
    expect(timeline.backend).toBe('postgres');
    expect(timeline.events.map((e: { action: string; file: string; line: number; run: { exitCode: number } }) => [e.action, e.file, e.line, e.run.exitCode])).toEqual([['create', 'u.csv', 2, 0], ['update', 'u.csv', 2, 0]]);
    expect(timeline.events[1].changes).toEqual([{ field: 'jobTitle', from: 'Clerk', to: 'Manager' }]);
    const text = await hrsyncIn(['history', 'externalId=QHX1'], { cwd: b, env: env() });
    expect(text.stdout).toMatch(/update users externalId=QHX1 \(id \S+\) {2}accessplanit "lms" {2}import run \S+, exit 0 {2}u\.csv:2\n {4}jobTitle: Clerk → Manager\n$/);
    const runId = timeline.events[1].run.id as string;
    const undo = await hrsyncIn(['undo', runId, '--yes'], { cwd: b, env: env() });
    expect(undo.code, undo.stderr).toBe(0);
    expect(people('QHX')[0]).toMatchObject({ JobTitle: 'Clerk' });
    const after = json(await hrsyncIn(['history', 'QHX1', '--format', 'json'], { cwd: a, env: env() }));
    expect(after.events.at(-1)).toMatchObject({ action: 'update', changes: [{ field: 'jobTitle', from: 'Manager', to: 'Clerk' }], run: { command: 'undo', undoes: runId } });
  });

  it('two imports from two machines into one target never overlap: the second refuses naming the holder, or waits (--wait-lock); no duplicates', async () => {
    const schema = freshSchema();
    const [a, b] = [machine(schema), machine(schema)];
    for (const dir of [a, b]) write(dir, 'u.csv', manyUsers('PG', 200));
    const runs = await Promise.all([a, b].map((cwd) => hrsyncIn(['import', 'u.csv', '--yes'], { cwd, env: env() })));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 6]);
    const refused = runs.find((r) => r.code === 6)!;
    expect(refused.stderr).toMatch(/another hrsync run is writing to accessplanit "lms": pid \d+ on \S+, since \d{4}-\d\d-\d\dT[\d:.]+Z \(import into accessplanit "lms"; it renews the lock until \d{4}-[\d:T.-]+Z\); nothing was done/);
    expect(refused.stderr).toContain(`the lock is kept in the state database postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test`);
    expect(people('PG')).toHaveLength(200);

    for (const dir of [a, b]) write(dir, 'u.csv', manyUsers('PG', 220));
    const waited = await Promise.all([a, b].map((cwd) => hrsyncIn(['import', 'u.csv', '--yes', '--wait-lock', '60'], { cwd, env: env() })));
    expect(waited.map((r) => r.code)).toEqual([0, 0]);
    expect(waited.map((r) => /Plan: (\d+) to create/.exec(r.stdout)![1]).sort()).toEqual(['0', '20']);
    expect(new Set(people('PG').map((u) => u.ExternalID)).size).toBe(220);
    expect(people('PG')).toHaveLength(220);

    // Every run that set out to write is in the history, the refused one too, seen from either machine.
    const history = json(await hrsyncIn(['state', 'history', '--format', 'json'], { cwd: b, env: env() }));
    expect(history.backend).toBe('postgres');
    expect(history.runs.map((r: { exitCode: number }) => r.exitCode).sort()).toEqual([0, 0, 0, 6]);
    expect(history.runs[0]).toMatchObject({ command: 'import', target: 'lms', label: 'accessplanit "lms"', exitCode: 0 });
    expect(history.runs.find((r: { counts: { create: number } }) => r.counts.create === 20).counts).toMatchObject({ create: 20, applied: 20, failed: 0 });
    const text = await hrsyncIn(['state', 'history', 'lms', '--limit', '2'], { cwd: a, env: env() });
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
    expect(text.stdout).toMatch(/^\d{4}-\S+ {2}import {2}accessplanit "lms" {2}(create|unchanged) \d+.* {2}exit 0 {2}[\d.]+ s {2}\S+ {2}run \S+$/m);
  });

  describe('a target that cannot be listed', () => {
    const sp = useSandbox();
    it('a sync from a fresh folder after a first run sends nothing when nothing changed (and a dry run calls no one "create")', async () => {
      const schema = freshSchema();
      const go = { go: { type: 'springest', sites: { default: { baseUrl: sp().urls.springest, apiKey: 'env:SP_KEY' } } } };
      const writes = () => countRequests(sp().stats(), { platform: 'springest', method: ['POST', 'PUT', 'DELETE'] });
      const users = readFileSync(join(ROOT, 'samples', 'users.csv'));
      const first = machine(schema, go);
      write(first, 'users.csv', users);
      const sent = await hrsyncIn(['import', 'users.csv', '--yes'], { cwd: first, env: env() });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toContain('Plan: 15 to create, 5 to update, 0 unchanged.');
      const before = writes();

      const fresh = machine(schema, go);
      write(fresh, 'users.csv', users);
      const dry = await hrsyncIn(['import', 'users.csv', '--dry-run'], { cwd: fresh, env: env() });
      expect(dry.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
      const again = await hrsyncIn(['import', 'users.csv', '--yes'], { cwd: fresh, env: env() });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
      expect(writes()).toBe(before);

      // One person changes: only they are sent, from a third fresh folder.
      const third = machine(schema, go);
      write(third, 'users.csv', readFileSync(join(ROOT, 'samples', 'users.csv'), 'utf8').replace('Warehouse Manager', 'Night Manager'));
      const one = await hrsyncIn(['import', 'users.csv', '--yes'], { cwd: third, env: env() });
      expect(one.stdout).toContain('Plan: 0 to create, 1 to update, 19 unchanged.');
      expect(writes()).toBe(before + 1);
      const shown = json(await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: third, env: env() }));
      expect(shown.sent).toEqual([{ target: 'go', entity: 'users', records: 20 }]);
    });
  });

  it('a bookmark written by one run is used by the next from another folder', async () => {
    const schema = freshSchema();
    const targets = {
      lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' },
      hr: { type: 'unified', baseUrl: sandbox().urls.unified, connectionId: 'sandbox', apiKey: 'env:AP_KEY' },
    };
    const map = JSON.stringify({ users: { defaults: { companyId: 'ACME01' }, values: { status: { map: { on_leave: 'Enabled' } } } } });
    const sync = (cwd: string) => hrsyncIn(['import', '--from', 'hr', '--map', 'map.json', '--since', 'last', '--yes'], { cwd, env: env() });
    const monday = machine(schema, targets);
    write(monday, 'map.json', map);
    const full = await sync(monday);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toContain('--since last: no bookmark yet for hr into accessplanit "lms": a full run');
    expect(full.stderr).toMatch(/read 300 users from unified "hr" \(/);

    Object.assign(sandbox().state().unified.get('sandbox')!.employee.get('emp_00021')!, { title: 'Relief Driver', updated_at: new Date().toISOString() });
    const tuesday = machine(schema, targets);
    write(tuesday, 'map.json', map);
    const next = await sync(tuesday);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).not.toContain('no bookmark yet');
    expect(next.stderr).toMatch(/read \d{1,2} users? from unified "hr" changed since /);
    const shown = json(await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: tuesday, env: env() }));
    expect(shown).toMatchObject({ backend: 'postgres', where: `postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test` });
    expect(shown.bookmarks).toEqual([expect.objectContaining({ source: 'hr', target: 'lms', entity: 'users' })]);
    expect('path' in shown).toBe(false);
    const none = await hrsyncIn(['state', 'reset', 'nothing-matches', '--format', 'json'], { cwd: monday, env: env() });
    expect(json(none)).toEqual({ backend: 'postgres', where: `postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test`, match: 'nothing-matches', cleared: 0 });
    const cleared = await hrsyncIn(['state', 'reset', 'hr'], { cwd: monday, env: env() });
    expect(cleared.stderr).toContain(`1 bookmark cleared (matching "hr") in postgres postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test`);
    expect(json(await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: tuesday, env: env() })).bookmarks).toEqual([]);
  });

  describe('a runner that dies or freezes holding the lock', () => {
    const slow = useSandbox({ latency: { ms: 40, jitterMs: 0 } });
    /** A real runner: the built binary, importing slowly enough to be caught holding the lock. */
    const runner = (cwd: string): ChildProcess & { stderrText: () => string } => {
      const child = spawn(process.execPath, [BIN, 'import', 'big.csv', '--yes', '--concurrency', '1'], { cwd, env: binaryEnv(env()), stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
      return Object.assign(child, { stderrText: () => text });
    };
    const lockedBy = async (cwd: string, pid: number) => {
      for (let i = 0; i < 200; i++) {
        const shown = await hrsyncIn(['state', 'show', '--format', 'json'], { cwd, env: env() });
        if (shown.code === 0 && json(shown).locks.some((l: { pid: number; held: boolean }) => l.pid === pid && l.held)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`pid ${pid} never held the lock`);
    };
    const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    const project = (schema: string) => {
      const dir = machine(schema, { lms: { type: 'accessplanit', baseUrl: slow().urls.accessplanit, apiKey: 'env:AP_KEY' } });
      write(dir, 'big.csv', manyUsers('KILL', 400));
      write(dir, 'one.csv', manyUsers('NEXT', 1));
      return dir;
    };

    it('killed (SIGKILL) with the lock held: the next run from another machine gets it at once', async () => {
      const schema = freshSchema();
      const [a, b] = [project(schema), project(schema)];
      const child = runner(a);
      try {
        await lockedBy(b, child.pid!);
        child.kill('SIGKILL');
        await exited(child);
        const started = Date.now();
        const next = await hrsyncIn(['import', 'one.csv', '--yes'], { cwd: b, env: env() });
        expect(next.code, next.stderr).toBe(0);
        expect(Date.now() - started).toBeLessThan(EXPIRY_S * 1000 + 10_000);
        expect(next.stderr).not.toContain('another hrsync run');
      } finally {
        child.kill('SIGKILL');
      }
    });

    it('frozen (SIGSTOP) with the lock held: refused while its lease runs, free past the expiry; woken, it starts no new write (exit 6)', async () => {
      const schema = freshSchema();
      const [a, b] = [project(schema), project(schema)];
      const child = runner(a);
      try {
        await lockedBy(b, child.pid!);
        child.kill('SIGSTOP');
        const frozenAt = Date.now();
        const refused = await hrsyncIn(['import', 'one.csv', '--yes'], { cwd: b, env: env() });
        expect(refused.code).toBe(6);
        expect(refused.stderr).toContain(`pid ${child.pid} on `);
        expect(refused.stderr).toContain(`frees it within ${EXPIRY_S} s`);
        const waited = await hrsyncIn(['import', 'one.csv', '--yes', '--wait-lock', '60'], { cwd: b, env: env() });
        expect(waited.code, waited.stderr).toBe(0);
        const after = Date.now() - frozenAt;
        // Not before the lease ran out (the holder renewed it at most a quarter of it before freezing), and not long after.
        expect(after).toBeGreaterThanOrEqual(EXPIRY_S * 750 - 500);
        expect(after).toBeLessThan(EXPIRY_S * 1000 + 15_000);
        // Woken up, the old holder finds its lock gone: it says so, starts no new write, and ends with exit 6.
        const written = people('KILL', slow).length;
        const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        child.kill('SIGCONT');
        expect(await code).toBe(6);
        expect(child.stderrText()).toContain('the lock on accessplanit "lms" in the state database postgres://hrsync_test@127.0.0.1:');
        expect(child.stderrText()).toContain('was lost');
        expect(child.stderrText()).toContain('the writes not started were not sent (exit 6)');
        expect(people('KILL', slow).length - written).toBeLessThanOrEqual(1); // at most the one write in flight (--concurrency 1)
      } finally {
        child.kill('SIGKILL');
        await exited(child);
      }
    });
  });

  describe('a run whose plan keeps its thread busy for seconds', () => {
    const fast = useSandbox();
    const PEOPLE = 20_000;

    it(`keeps its lock through a ${PEOPLE.toLocaleString('en')}-record plan with lockExpiry ${EXPIRY_S}: every other runner is refused meanwhile, and its apply is never stopped for a lost lock`, async () => {
      // 20,000 people on the target, each to be updated: building and printing that plan keeps the
      // runner's main thread busy for about 3-4 s here, longer than half the lock's expiry.
      const users = fast().state().accessplanit.User;
      const model = users.rows()[0]!;
      for (let i = 0; i < PEOPLE; i++) users.set(`BUSY${i}`, { ...model, ID: `BUSY${i}`, ExternalID: `BUSY${i}`, Email: `busy${i}@x.co.uk`, Forenames: `Before${i}`, Surname: 'BUSYlast' });
      const schema = freshSchema();
      const lms = { lms: { type: 'accessplanit', baseUrl: fast().urls.accessplanit, apiKey: 'env:AP_KEY', rateLimit: '100000/s' } };
      const [a, b] = [machine(schema, lms), machine(schema, lms)];
      write(a, 'big.csv', manyUsers('BUSY', PEOPLE));
      write(b, 'one.csv', manyUsers('OTHER', 1));
      const writes = () => countRequests(fast().stats(), { platform: 'accessplanit', method: ['POST', 'PUT', 'PATCH', 'DELETE'] });
      const child = spawn(process.execPath, [BIN, 'import', 'big.csv', '--yes'], { cwd: a, env: binaryEnv(env()), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      try {
        // From the moment it holds the lock until it has applied 200 writes: another runner is refused, every time.
        const started = Date.now();
        let held = false;
        const refusals: number[] = [];
        while (writes() < 200) {
          expect(Date.now() - started, `no writes after ${Date.now() - started} ms; the runner said: ${stderr}`).toBeLessThan(60_000);
          expect(child.exitCode, stderr).toBeNull();
          if (!held) {
            const shown = await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: b, env: env() });
            held = shown.code === 0 && json(shown).locks.some((l: { pid: number; held: boolean }) => l.pid === child.pid && l.held);
            continue;
          }
          const other = await hrsyncIn(['import', 'one.csv', '--yes'], { cwd: b, env: env() });
          expect([other.code, other.stderr], 'a second runner got the lock').toEqual([6, expect.stringContaining(`another hrsync run is writing to accessplanit "lms": pid ${child.pid} on `)]);
          refusals.push(writes());
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(refusals.filter((n) => n === 0).length, 'refused while it was planning').toBeGreaterThanOrEqual(5);
        expect(stderr).not.toContain('was lost');
        // Stopped on purpose: it finishes the writes in flight and ends as stopped by the signal, not for a lost lock.
        child.kill('SIGINT');
        expect(await code, stderr).toBe(130);
        expect(stderr).not.toContain('was lost');
        expect(stderr).not.toContain('(exit 6)');
        expect(people('OTHER', fast)).toHaveLength(0);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  it('a plan saved on one runner applies on another that shares the state database, and is refused with another schema (another plan key)', async () => {
    const schema = freshSchema();
    const [a, b, other] = [machine(schema), machine(schema), machine(freshSchema())];
    write(a, 'u.csv', manyUsers('SIGNED', 2));
    expect((await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: a, env: env() })).code).toBe(0);
    const plan = readFileSync(join(a, 'plan.json'));
    for (const dir of [b, other]) write(dir, 'plan.json', plan);
    const refused = await hrsyncIn(['apply', 'plan.json'], { cwd: other, env: env() });
    expect([refused.code, refused.stderr]).toEqual([6, expect.stringContaining(`the plan was signed with another state’s plan key (key ${JSON.parse(plan.toString()).signature.key}; the state here, postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test, has key `)]);
    const applied = await hrsyncIn(['apply', 'plan.json'], { cwd: b, env: env() });
    expect(applied.code, applied.stderr).toBe(0);
    expect(people('SIGNED')).toHaveLength(2);
  });

  it('state migrate: creates the schema, a second run changes nothing; first use migrates by itself; a read creates nothing', async () => {
    const schema = freshSchema();
    const dir = machine(schema);
    // Reading an empty database shows nothing stored, and leaves it as it was: migrate still starts from 0.
    const shown = await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: dir, env: env() });
    expect([shown.code, json(shown)]).toMatchObject([0, { bookmarks: [], sent: [], locks: [] }]);
    expect(json(await hrsyncIn(['state', 'history', '--format', 'json'], { cwd: dir, env: env() }))).toMatchObject({ runs: [] });
    expect(json(await hrsyncIn(['state', 'reset', '--format', 'json'], { cwd: dir, env: env() }))).toMatchObject({ cleared: 0 });
    const first = await hrsyncIn(['state', 'migrate', '--format', 'json'], { cwd: dir, env: env() });
    expect([first.code, json(first)]).toEqual([0, { backend: 'postgres', where: `postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test`, from: 0, to: 2 }]);
    expect(json(await hrsyncIn(['state', 'migrate', '--format', 'json'], { cwd: dir, env: env() }))).toMatchObject({ from: 2, to: 2 });
    expect((await hrsyncIn(['state', 'migrate'], { cwd: dir, env: env() })).stderr).toContain('the state schema is up to date (version 2)');

    const unused = machine(freshSchema());
    write(unused, 'u.csv', manyUsers('MIG', 1));
    expect((await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: unused, env: env() })).code).toBe(0);
    expect(json(await hrsyncIn(['state', 'migrate', '--format', 'json'], { cwd: unused, env: env() }))).toMatchObject({ from: 2, to: 2 });
    const again = await hrsyncIn(['state', 'show'], { cwd: unused, env: env() });
    expect(again.stderr).toContain(`state: postgres postgres://hrsync_test@127.0.0.1:${cluster.port}/hrsync_test`);
    expect(again.stdout).toContain('no bookmarks: the next --since last is a full run');
  });

  it('never prints the password: not in state show, history or migrate, text or JSON, nor when the server refuses or cannot be reached', async () => {
    const password = cluster.password;
    const spellings = [password, encodeURIComponent(password), JSON.stringify(password).slice(1, -1)];
    const clean = (run: Run, what: string) => {
      for (const s of spellings) {
        expect(run.stdout, what).not.toContain(s);
        expect(run.stderr, what).not.toContain(s);
      }
    };
    const schema = freshSchema();
    const dir = machine(schema);
    write(dir, 'u.csv', manyUsers('RED', 1));
    const forms: Array<[string, Record<string, string>]> = [
      ['in the URL', { HRSYNC_STATE_URL: cluster.url() }],
      ['as ?password=', { HRSYNC_STATE_URL: cluster.url({ password: null, query: `password=${encodeURIComponent(password)}` }) }],
      ['in PGPASSWORD', { HRSYNC_STATE_URL: cluster.url({ password: null }), PGPASSWORD: password }],
    ];
    for (const [how, vars] of forms) {
      for (const args of [['import', 'u.csv', '--yes'], ['state', 'show'], ['state', 'show', '--format', 'json'], ['state', 'history'], ['state', 'history', '--format', 'json'], ['state', 'migrate'], ['state', 'migrate', '--format', 'json']]) {
        const run = await hrsyncIn(args, { cwd: dir, env: env(vars) });
        expect(run.code, `${how}: ${args.join(' ')}: ${run.stderr}`).toBe(0);
        clean(run, `${how}: ${args.join(' ')}`);
      }
      // Nothing listens on that port: exit 4, naming the host and port.
      const closed = cluster.port === 1 ? 2 : 1;
      const down = { HRSYNC_STATE_URL: vars.HRSYNC_STATE_URL!.replace(`:${cluster.port}/`, `:${closed}/`), ...(vars.PGPASSWORD ? { PGPASSWORD: vars.PGPASSWORD } : {}) };
      for (const args of [['import', 'u.csv', '--yes'], ['state', 'show', '--format', 'json'], ['state', 'history'], ['state', 'migrate', '--format', 'json']]) {
        const run = await hrsyncIn(args, { cwd: dir, env: env({ ...down, HRSYNC_DEBUG: '1' }) });
        expect(run.code, `${how}, down: ${args.join(' ')}: ${run.stderr}`).toBe(4);
        expect(run.stderr).toContain(`error: the state database postgres://hrsync_test@127.0.0.1:${closed}/hrsync_test cannot be reached: `);
        expect(run.stderr).toContain('ECONNREFUSED');
        expect(run.stderr).toContain('hint: check HRSYNC_STATE_URL');
        expect(run.stdout).toBe('');
        clean(run, `${how}, down: ${args.join(' ')}`);
      }
    }
    // A wrong password is refused by the server; neither it nor the right one is shown.
    const wrong = 'wrong: s3cret/pass@x';
    const refused = await hrsyncIn(['state', 'show', '--format', 'json'], { cwd: dir, env: env({ HRSYNC_STATE_URL: cluster.url({ password: wrong }) }) });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('refused the credentials: password authentication failed for user "hrsync_test"');
    for (const s of [wrong, encodeURIComponent(wrong)]) expect(refused.stderr).not.toContain(s);
    clean(refused, 'wrong password');
    // The variable not set, or not a URL: usage errors that never quote it.
    const unset = await hrsyncIn(['state', 'show'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    expect([unset.code, unset.stderr]).toEqual([64, expect.stringContaining('state: url refers to the environment variable HRSYNC_STATE_URL, which is not set')]);
    const garbled = await hrsyncIn(['state', 'show'], { cwd: dir, env: env({ HRSYNC_STATE_URL: `mysql://u:${encodeURIComponent(password)}@h/db` }) });
    expect([garbled.code, garbled.stderr]).toEqual([64, expect.stringContaining('state: HRSYNC_STATE_URL holds a mysql: URL, not postgres://user:password@host:5432/database')]);
    clean(garbled, 'garbled');
  });

  it('honours TLS: verified against the CA the config or the URL names, refused with another CA, never a silent fallback to plain text', async (context) => {
    if (!cluster.caFile) context.skip(); // openssl missing: no certificates to serve
    const dir = machine(freshSchema());
    const tlsUrl = (query: string) => cluster.url({ user: TLS_USER, query });
    const migrate = (cwd: string, url: string) => hrsyncIn(['state', 'migrate', '--format', 'json'], { cwd, env: env({ HRSYNC_STATE_URL: url }) });
    // This role may connect over TLS only (pg_hba: hostnossl … reject).
    const viaUrl = await migrate(dir, tlsUrl(`sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile!)}`));
    expect(viaUrl.code, viaUrl.stderr).toBe(0);
    const viaConfig = configProject({ lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } }, { state: state(freshSchema(), { tls: { ca: cluster.caFile } }) });
    expect((await migrate(viaConfig, tlsUrl(''))).code).toBe(0);
    const plain = await migrate(dir, tlsUrl('sslmode=disable'));
    expect([plain.code, plain.stderr]).toEqual([4, expect.stringContaining('no encryption')]);
    const otherCa = await migrate(dir, tlsUrl(`sslmode=verify-full&sslrootcert=${encodeURIComponent(join(cluster.dir, 'another-ca.pem'))}`));
    expect([otherCa.code, otherCa.stderr]).toEqual([4, expect.stringMatching(/cannot be reached: .*certificate/)]);
    const prefer = await migrate(dir, tlsUrl('sslmode=prefer'));
    expect([prefer.code, prefer.stderr]).toEqual([64, expect.stringContaining('sslmode=prefer in HRSYNC_STATE_URL would fall back to an unencrypted connection')]);
    const unknown = await migrate(dir, tlsUrl('sslcompression=1'));
    expect([unknown.code, unknown.stderr]).toEqual([64, expect.stringContaining('has the parameter "sslcompression", which hrsync does not read')]);
  });
});
