import { EventEmitter } from 'node:events';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { ROOT } from '../helpers/cli.js';
import { hrsyncIn } from '../helpers/run.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { hrToLmsProject, lmsProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { AP_KEY, seeded, useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const ENV = { AP_KEY: 'sandbox-key' };
const WRITES = ['POST', 'PUT', 'DELETE'];

describe('hrsync import against the sandbox (in-process)', () => {
  const sandbox = useSandbox({ random: seeded(11) });
  const project = () => lmsProject(sandbox().urls.accessplanit);
  const users = () => sandbox().state().accessplanit.User.rows();
  const importing = (dir: string, args: string[]) => hrsyncIn(['import', ...args], { cwd: dir, env: ENV });
  const samples = (dir: string, name: string) => write(dir, name, readFileSync(join(ROOT, 'samples', name)));

  it('dry-run plans, apply writes, and a re-run plans nothing and makes no write call', async () => {
    await sandbox().reset();
    const dir = project();
    samples(dir, 'users.csv');
    const dry = await importing(dir, ['users.csv', '--dry-run', '--detailed-exitcode']);
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stdout).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
    expect(dry.stdout).toContain('+ create users externalId=E1006 "Gareth Jones" (users.csv:7)');
    expect(countRequests(sandbox().stats(), { method: WRITES })).toBe(0);

    const noYes = await importing(dir, ['users.csv']);
    expect(noYes.code).toBe(64);

    const applied = await importing(dir, ['users.csv', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('15 changes applied, 0 failed, 0 skipped');
    expect(users()).toHaveLength(20);
    const results = readFileSync(join(dir, readdirSync(join(dir, '.hrsync', 'runs')).map((r) => join('.hrsync', 'runs', r, 'results.csv'))[0]!), 'utf8');
    expect(results.trim().split('\n')).toHaveLength(16);

    const before = sandbox().stats();
    const again = await importing(dir, ['users.csv', '--yes', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
    const after = sandbox().stats();
    expect(countRequests(after, { method: WRITES }) - countRequests(before, { method: WRITES })).toBe(0);
    // Reads: the companies for references and the users for the plan, one page each, and one user for the tenant's custom fields (the users' $select).
    expect(countRequests(after, { method: 'GET' }) - countRequests(before, { method: 'GET' })).toBe(3);
  });

  it('updates only the fields that changed, leaves blanks alone unless --blank clear', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Job title,Mobile,Company ID\nE1001,James,Smith,Site Manager,,ACME01\n');
    const plan = await importing(dir, ['u.csv', '--dry-run']);
    expect(plan.stdout).toContain('~ update users externalId=E1001 id jasmit');
    expect(plan.stdout).toContain('    jobTitle: "Warehouse Manager" → "Site Manager"');
    expect(plan.stdout).not.toContain('mobile');
    const cleared = await importing(dir, ['u.csv', '--dry-run', '--blank', 'clear']);
    expect(cleared.stdout).toContain('    mobile: "07700 900101" → (blank)');
    expect((await importing(dir, ['u.csv', '--yes', '--blank', 'clear'])).code).toBe(0);
    expect(sandbox().state().accessplanit.User.get('jasmit')).toMatchObject({ JobTitle: 'Site Manager', Mobile: null, Email: 'james.smith@acme-logistics.co.uk' });
  });

  it('creates new groups and companies before the users that need them', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'groups.csv', 'ID,Label\nNEWG,New group\n');
    write(dir, 'companies.csv', 'ID,Name,CompanyGroupIDs\nNEWCO,New Co,NEWG\n');
    write(dir, 'users.csv', 'Employee ID,First name,Last name,Email,Company ID\nN1,Nina,New,nina@newco.co.uk,NEWCO\n');
    const run = await importing(dir, ['users.csv', 'companies.csv', 'groups.csv', '--yes']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('Plan: 3 to create');
    const user = users().find((u) => u.ExternalID === 'N1');
    expect(user).toMatchObject({ MainCompanyID: 'NEWCO' });
  });

  it('reports a conflict when the keys point at different records, and does not guess', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nE1001,James,Smith,priya.patel@acme-logistics.co.uk,ACME01\n');
    const run = await importing(dir, ['u.csv', '--dry-run', '--match', 'externalId,email']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('! conflict users u.csv:2: externalId=E1001 finds user id jasmit (email james.smith@acme-logistics.co.uk), but its email=priya.patel@acme-logistics.co.uk belongs to another user, id prpate (externalId E1002): nothing is written for either');
    expect(run.stdout).toContain('1 conflict skipped');
  });

  it('deactivates users missing from the input, but stops (exit 6) past --max-missing', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nE1001,James,Smith,james.smith@acme-logistics.co.uk,ACME01\n');
    const stopped = await importing(dir, ['u.csv', '--missing', 'deactivate', '--yes']);
    expect(stopped.code).toBe(6);
    expect(stopped.stderr).toContain('4 of 5 users on the target are missing from the input: more than the limit of 0');
    expect(stopped.stderr).toContain('externalId=E1002 (id prpate)');
    expect(countRequests(sandbox().stats(), { method: WRITES })).toBe(0);
    const run = await importing(dir, ['u.csv', '--missing', 'deactivate', '--max-missing', '4', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toContain('- deactivate users externalId=E1002 (id prpate)');
    expect(users().filter((u) => u.Status === 'Disabled')).toHaveLength(4);
    const again = await importing(dir, ['u.csv', '--missing', 'deactivate', '--max-missing', '0', '--dry-run']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
  });

  it('skips invalid rows (exit 5 after applying the rest), or refuses everything with --strict', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nX1,Xena,Valid,xena@x.co.uk,ACME01\nX2,,Invalid,x2@x.co.uk,ACME01\n');
    const strict = await importing(dir, ['u.csv', '--strict', '--yes']);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain('u.csv:3  error    firstName is required but empty');
    const run = await importing(dir, ['u.csv', '--yes']);
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('1 invalid row skipped');
    expect(users().some((u) => u.ExternalID === 'X1')).toBe(true);
  });

  it('--max-invalid: known-bad rows within it leave a nightly run green (exit 0, failed.csv written); beyond it nothing is written (exit 3)', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nX1,Xena,Valid,xena@x.co.uk,ACME01\nX2,,Invalid,x2@x.co.uk,ACME01\n');
    const beyond = await importing(dir, ['u.csv', '--yes', '--max-invalid', '0']);
    expect(beyond.code).toBe(3);
    expect(beyond.stderr).toContain('error: 1 invalid row: more than --max-invalid 0 allows; nothing was planned or written');
    expect(users().some((u) => u.ExternalID === 'X1')).toBe(false);
    const dry = await importing(dir, ['u.csv', '--dry-run', '--detailed-exitcode', '--max-invalid', '50%']);
    expect(dry.code, dry.stderr).toBe(2);
    const run = await importing(dir, ['u.csv', '--yes', '--max-invalid', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('! 1 invalid row, within --max-invalid 1');
    expect(run.stderr).toContain('1 change applied, 0 failed, 0 skipped, 1 row left out');
    expect(users().some((u) => u.ExternalID === 'X1')).toBe(true);
    const failed = (d: string) => readFileSync(join(dir, d, 'failed.csv'), 'utf8');
    expect(failed(/results in (\S+)/.exec(run.stderr)![1]!)).toContain('X2,,Invalid,x2@x.co.uk,ACME01');
    // The re-run has nothing to apply: the row is still left out and reported, and the run stays green.
    const again = await importing(dir, ['u.csv', '--yes', '--max-invalid', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(failed(/results in (\S+)/.exec(again.stderr)![1]!)).toContain('X2,,Invalid,x2@x.co.uk,ACME01');
    expect((await importing(dir, ['u.csv', '--yes'])).code).toBe(3);
    expect((await importing(dir, ['u.csv', '--yes', '--strict', '--max-invalid', '1'])).code).toBe(64);
    // The same from the target's config (maxInvalid); --strict still refuses.
    const configured = lmsProject(sandbox().urls.accessplanit, { maxInvalid: 1 });
    write(configured, 'u.csv', readFileSync(join(dir, 'u.csv')));
    const fromConfig = await importing(configured, ['u.csv', '--yes']);
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(fromConfig.stderr).toContain('! 1 invalid row, within the config’s targets.lms.maxInvalid 1');
    expect((await importing(configured, ['u.csv', '--yes', '--strict'])).code).toBe(3);
  });

  it('a ragged row (a comma not quoted) is a row left out like any invalid one: counted in the plan, in results.csv and in failed.csv with every cell it had', async () => {
    await sandbox().reset();
    const dir = project();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nX1,Xena,Valid,xena@x.co.uk,ACME01\nX2,Smith, Jr.,Ann,x2@x.co.uk,ACME01\n');
    const run = await importing(dir, ['u.csv', '--yes', '--max-invalid', '1', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as { summary: { invalid: number }; entities?: Record<string, { invalid: number }> };
    expect(plan.summary.invalid).toBe(1);
    const results = /results in (\S+)/.exec(run.stderr)![1]!;
    expect(readFileSync(join(dir, results, 'results.csv'), 'utf8')).toMatch(/u\.csv,3,.*invalid.*row has 6 cells but the header has 5 columns/);
    // Nothing of the row is lost: the cell past the header comes back under "(cell 6)".
    expect(readFileSync(join(dir, results, 'failed.csv'), 'utf8')).toBe('Employee ID,First name,Last name,Email,Company ID,(cell 6)\nX2,Smith, Jr.,Ann,x2@x.co.uk,ACME01\n');
  });

  it('says under the plan how long the writes take when the platform’s pacing binds, and nothing when it does not', async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit, { rateLimit: '100/h' });
    write(dir, 'many.csv', manyUsers('D', 600));
    const paced = await importing(dir, ['many.csv', '--dry-run']);
    expect(paced.code, paced.stderr).toBe(0);
    // 600 writes, the 500 of the burst less what planning read, the rest at 100 an hour: about an hour.
    expect(paced.stdout).toMatch(/\nPlan: 600 to create, 0 to update, 0 unchanged\.\npaced at 100\/h after a burst of 500: about (6\d|1\d\d) min\n$/);
    write(dir, 'few.csv', manyUsers('D', 400));
    expect((await importing(dir, ['few.csv', '--dry-run'])).stdout).not.toContain('paced at');
  });

  it('reaches the exact state with no duplicates under 429s, 503s, resets before and after commit, and a 503 after commit', async () => {
    await sandbox().reset();
    // A write whose answer is lost is looked for over twice the timeout, then left "unknown" until the next run.
    const dir = lmsProject(sandbox().urls.accessplanit, { timeout: 0.5 });
    write(dir, 'u.csv', manyUsers('F', 40));
    sandbox().setFaults({ '429': 0.08, '503': 0.08, '503-after': 0.08, 'reset-before': 0.08, 'reset-after': 0.15 });
    try {
      const run = await importing(dir, ['u.csv', '--yes', '--concurrency', '4']);
      expect([0, 5]).toContain(run.code);
    } finally {
      sandbox().setFaults({});
    }
    // Whatever failed is retried by running again; nothing is ever created twice.
    expect((await importing(dir, ['u.csv', '--yes'])).code).toBe(0);
    const created = users().filter((u) => String(u.ExternalID).startsWith('F'));
    expect(created).toHaveLength(40);
    expect(new Set(created.map((u) => u.ExternalID)).size).toBe(40);
    expect(countRequests(sandbox().stats(), { platform: 'accessplanit', endpoint: 'User', method: 'POST', status: 0 })).toBeGreaterThan(0);
    const check = await importing(dir, ['u.csv', '--dry-run', '--detailed-exitcode']);
    expect(check.code).toBe(0);
  });

  it('stops starting writes when they fail as a whole (a 500 storm on every write): exit 4, the reason named, every row accounted for', async () => {
    await sandbox().reset();
    // Reads pass; every write is answered 500 (never retried: it may have been processed) by a proxy in front of the emulator.
    const proxy = await startFaultProxy(sandbox().urls.accessplanit);
    proxy.setRule((req) => (req.method === 'POST' ? { status: 500, body: { message: 'internal error' } } : 'pass'));
    try {
      const dir = lmsProject(proxy.via(sandbox().urls.accessplanit));
      write(dir, 'u.csv', manyUsers('S', 40));
      const run = await importing(dir, ['u.csv', '--yes', '--concurrency', '2', '--results', 'out']);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('is failing as a whole: 10 writes in a row failed (the last: ');
      // Ten failed, and at most the one other write in flight then: the rest were never sent.
      const posts = proxy.seen.filter((r) => r.method === 'POST').length;
      expect(posts).toBeGreaterThanOrEqual(10);
      expect(posts).toBeLessThanOrEqual(11);
      const results = readFileSync(join(dir, 'out', 'results.csv'), 'utf8').trim().split('\n').slice(1);
      expect(results).toHaveLength(40);
      expect(results.filter((l) => l.includes('not tried: the target failed'))).toHaveLength(40 - posts);
    } finally {
      await proxy.stop();
    }
  });

  it('settles writes whose answer never comes (timeouts): every person exactly once', async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit, { timeout: 0.5 });
    write(dir, 'u.csv', manyUsers('T', 12));
    sandbox().setFaults({ timeout: 0.3 });
    let code: number | null;
    try {
      code = (await importing(dir, ['u.csv', '--yes'])).code;
    } finally {
      sandbox().setFaults({});
    }
    expect([0, 5]).toContain(code);
    // Whatever could not be settled in time is simply run again.
    expect((await importing(dir, ['u.csv', '--yes'])).code).toBe(0);
    expect(countRequests(sandbox().stats(), { platform: 'accessplanit', status: 0 })).toBeGreaterThan(0);
    const created = users().filter((u) => String(u.ExternalID).startsWith('T'));
    expect(created).toHaveLength(12);
    expect(new Set(created.map((u) => u.ExternalID)).size).toBe(12);
  });

  it('makes canary runs with --only and --limit, and leaves missing records alone then', async () => {
    await sandbox().reset();
    const dir = project();
    samples(dir, 'users.csv');
    const only = await importing(dir, ['users.csv', '--only', 'E1006', '--missing', 'delete', '--dry-run']);
    expect(only.stdout).toContain('Plan: 1 to create, 0 to update, 0 unchanged, 19 left out by --only/--limit/--mode.');
    expect(only.stdout).toContain('--missing delete was not applied to users');
    const limited = await importing(dir, ['users.csv', '--limit', '2', '--yes']);
    expect(limited.code).toBe(0);
    expect(users()).toHaveLength(7);
  });
});

describe('hrsync import --from a source target', () => {
  const sandbox = useSandbox();
  it('reads the HR source, plans against the LMS, applies, and then has nothing to do; --since narrows it', async () => {
    const s = sandbox();
    const dir = hrToLmsProject(s.urls);
    // The HR system's company ids are not accessplanit's: nothing says which LMS company a person is in, so nothing is planned.
    const unplaced = await hrsyncIn(['import', '--from', 'hr', '--yes'], { cwd: dir, env: ENV });
    expect(unplaced.code).toBe(3);
    expect(unplaced.stdout).toContain('Plan: 0 to create, 0 to update, 0 unchanged, 300 invalid rows skipped.');
    expect(unplaced.stderr).toContain('no column for companyId, which accessplanit requires');
    expect(s.state().accessplanit.User.size).toBe(5);
    // A mapping file says it (a later value map can do it per HR company).
    write(dir, 'lms-map.json', JSON.stringify({ users: { defaults: { companyId: 'ACME01' } } }));
    const run = await hrsyncIn(['import', '--from', 'hr', '--map', 'lms-map.json', '--yes'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5); // 10 employees have a status accessplanit has no equivalent for: reported, skipped
    expect(run.stdout).toContain('Plan: 253 to create, 0 to update, 0 unchanged, 10 invalid rows skipped, 37 leavers.');
    expect(run.stderr).toContain('warning: unified "hr": 10 employees have an employment_status hrsync has no status for (ON_LEAVE ×10)');
    expect(run.stderr).toContain('status "ON_LEAVE" is not one of Enabled, New, Disabled');
    // 37 employees have left (terminated_at has passed): they are not created.
    expect(s.state().accessplanit.User.size).toBe(258);
    const created = s.state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('E3'));
    expect([created.length, created.every((u) => u.MainCompanyID === 'ACME01')]).toEqual([253, true]);
    // Personal data at rest — the source's snapshot, the journal, results, failed rows, the sync
    // state — is the user's alone: every file 0600, every folder 0700 (whatever the umask allows more).
    const modes = (path: string): Array<[string, number]> =>
      readdirSync(path, { withFileTypes: true }).flatMap((e) => {
        const full = join(path, e.name);
        return [[full.slice(dir.length), statSync(full).mode & 0o777] as [string, number], ...(e.isDirectory() ? modes(full) : [])];
      });
    const atRest = [['/.hrsync', statSync(join(dir, '.hrsync')).mode & 0o777] as [string, number], ...modes(join(dir, '.hrsync'))];
    expect(atRest.map(([p]) => p.replace(/runs\/[^/]+/, 'runs/RUN')).sort()).toEqual(expect.arrayContaining(['/.hrsync/runs/RUN/from-hr.ndjson', '/.hrsync/runs/RUN/journal.ndjson', '/.hrsync/runs/RUN/results.csv', '/.hrsync/runs/RUN/failed.csv']));
    expect(atRest.filter(([path, mode]) => mode !== (statSync(join(dir, path)).isDirectory() ? 0o700 : 0o600))).toEqual([]);
    const again = await hrsyncIn(['import', '--from', 'hr', '--map', 'lms-map.json', '--dry-run'], { cwd: dir, env: ENV });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 253 unchanged, 10 invalid rows skipped, 37 leavers.');
    const recent = await hrsyncIn(['import', '--from', 'hr', '--map', 'lms-map.json', '--since', '2026-10-01', '--missing', 'deactivate', '--dry-run'], { cwd: dir, env: ENV });
    expect(recent.stdout).toMatch(/Plan: 0 to create, 0 to update, \d+ unchanged/);
    expect(recent.stdout).toContain('--missing deactivate was not applied to users');
    expect((await hrsyncIn(['import', 'x.csv', '--from', 'hr', '--dry-run'], { cwd: dir, env: ENV })).code).toBe(64);
    const nothing = await hrsyncIn(['import', '--dry-run'], { cwd: dir, env: ENV });
    expect([nothing.code, nothing.stderr]).toEqual([64, expect.stringContaining('give the files to import, or --from SOURCE to read a source')]);
    write(dir, 'empty.json', '{"targets": {}}');
    const none = await hrsyncIn(['import', 'x.csv', '--config', 'empty.json'], { cwd: dir, env: ENV });
    expect(none.stderr).toContain('empty.json configures no target');
  });
});

describe('hrsync apply plan.json', () => {
  const sandbox = useSandbox();
  it('applies a saved plan, and refuses one that went stale unless --force', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,Site Manager,ACME01\nP1,Pat,Plan,Tester,ACME01\n');
    const planned = await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir, env: ENV });
    expect(planned.stdout).toContain('Plan: 1 to create, 1 to update');
    expect((await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(sandbox().state().accessplanit.User.get('jasmit')).toMatchObject({ JobTitle: 'Site Manager' });

    write(dir, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,Director,ACME01\n');
    await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan2.json'], { cwd: dir, env: ENV });
    // Someone changes the record between plan and apply.
    await fetch(`${sandbox().urls.accessplanit}/User/jasmit`, { method: 'PUT', headers: { ...AP_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ Mobile: '07000 000000' }) });
    const refused = await hrsyncIn(['apply', 'plan2.json'], { cwd: dir, env: ENV });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('users externalId=E1001 (id jasmit) changed since the plan was made');
    expect(sandbox().state().accessplanit.User.get('jasmit')).toMatchObject({ JobTitle: 'Site Manager' });
    const forced = await hrsyncIn(['apply', 'plan2.json', '--force'], { cwd: dir, env: ENV });
    expect(forced.code).toBe(0);
    expect(sandbox().state().accessplanit.User.get('jasmit')).toMatchObject({ JobTitle: 'Director', Mobile: '07000 000000' });
    // A plan applied twice: already done, said so (exit 0), nothing written — not "stale".
    const history = JSON.parse((await hrsyncIn(['state', 'history', '--format', 'json'], { cwd: dir })).stdout) as { runs: Array<{ id: string; at: string; command: string; plan?: string }> };
    const first = history.runs.filter((r) => r.command === 'apply').at(-1)!;
    expect(first.plan).toBe(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).signature.hmac);
    const twice = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
    expect([twice.code, twice.stderr]).toEqual([0, `✔ already applied by run ${first.id} at ${first.at}: nothing was written\n`]);
    // A plan whose create has happened since (by another run) is stale.
    write(dir, 'p2.csv', 'Employee ID,First name,Last name,Company ID\nP2,Pam,Plan,ACME01\n');
    await hrsyncIn(['import', 'p2.csv', '--dry-run', '--out', 'plan3.json'], { cwd: dir, env: ENV });
    expect((await hrsyncIn(['import', 'p2.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    expect((await hrsyncIn(['apply', 'plan3.json'], { cwd: dir, env: ENV })).stderr).toContain('users externalId=P2 exists now');
  });
});

describe('hrsync apply plan.json against a server with limits of its own', () => {
  const sandbox = useSandbox();
  const longEmails = (prefix: string, n: number) =>
    ['Employee ID,First name,Last name,Email,Company ID', ...Array.from({ length: n }, (_, i) => `${prefix}${i},First,Last,first.name.with.a.rather.long.part.and.then.some.more.words.${prefix.toLowerCase()}${i}@a-long-subdomain.example-company.co.uk,ACME01`)].join('\n') + '\n';
  const query = (path: string) => path.slice(path.indexOf('?') + 1);

  it('keeps each lookup’s query under IIS’s 2,048 bytes, and asks one key at a time once the server refuses a filter of several', async () => {
    // In front of the emulator, a server that refuses a query string over 2,048 bytes as IIS does (404.15).
    const proxy = await startFaultProxy(sandbox().urls.accessplanit);
    proxy.setRule((req) => (query(req.path).length > 2048 ? { status: 404, body: 'query string too long' } : 'pass'));
    try {
      const dir = lmsProject(proxy.via(sandbox().urls.accessplanit));
      write(dir, 'u.csv', longEmails('L', 40));
      expect((await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir, env: ENV })).code).toBe(0);
      proxy.setRule((req) => (query(req.path).length > 2048 ? { status: 404, body: 'query string too long' } : 'pass'));
      const applied = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
      expect(applied.code, applied.stderr).toBe(0);
      const filters = proxy.seen.filter((r) => r.method === 'GET' && r.path.includes('%24filter'));
      expect(filters.every((r) => query(r.path).length <= 2048)).toBe(true);
      expect(filters.length).toBeGreaterThan(4); // 40 externalIds and 40 emails would be 4 requests of 20: the long emails take more

      // A server that refuses any filter of several clauses (400): one lookup a key, and a create whose record exists now is still found.
      write(dir, 'v.csv', longEmails('M', 3));
      expect((await hrsyncIn(['import', 'v.csv', '--dry-run', '--out', 'plan2.json'], { cwd: dir, env: ENV })).code).toBe(0);
      write(dir, 'w.csv', longEmails('M', 1));
      expect((await hrsyncIn(['import', 'w.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
      proxy.setRule((req) => (decodeURIComponent(query(req.path)).includes(' or ') || query(req.path).includes('+or+') ? { status: 400, body: { message: 'filter not supported' } } : 'pass'));
      const stale = await hrsyncIn(['apply', 'plan2.json'], { cwd: dir, env: ENV });
      expect([stale.code, stale.stderr]).toEqual([6, expect.stringContaining('users externalId=M0 exists now')]);
      // Refused once for each field asked at the same moment (externalId and email), then not asked again.
      expect(proxy.seen.filter((r) => r.action !== 'pass').length).toBeLessThanOrEqual(2);
      expect(proxy.seen.filter((r) => r.method === 'GET' && r.action === 'pass' && r.path.includes('%24filter')).length).toBe(6); // 3 creates × 2 keys, alone
    } finally {
      await proxy.stop();
    }
  });
});

describe('hrsync apply plan.json with keys full of apostrophes', () => {
  const sandbox = useSandbox();
  const query = (path: string) => path.slice(path.indexOf('?') + 1);

  it('keeps each lookup’s query, as sent (an apostrophe is %27 there, and doubled in OData), under 1,800 bytes', async () => {
    const proxy = await startFaultProxy(sandbox().urls.accessplanit);
    try {
      const dir = lmsProject(proxy.via(sandbox().urls.accessplanit));
      // Each Employee ID: 40 characters, 10 of them apostrophes (20 in the literal, 60 bytes encoded).
      const id = (i: number) => `O'B'R'I'E'N'D'A'R'C'${String(i).padStart(20, '0')}`;
      write(dir, 'q.csv', ['Employee ID,First name,Last name,Email,Company ID', ...Array.from({ length: 40 }, (_, i) => `${id(i)},First,Last,q${i}@example.com,ACME01`)].join('\n') + '\n');
      expect((await hrsyncIn(['import', 'q.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir, env: ENV })).code).toBe(0);
      const applied = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
      expect(applied.code, applied.stderr).toBe(0);
      const filters = proxy.seen.filter((r) => r.method === 'GET' && r.path.includes('%24filter') && r.path.includes('ExternalID'));
      expect(filters.length).toBeGreaterThan(0);
      expect(Math.max(...filters.map((r) => query(r.path).length))).toBeLessThanOrEqual(1800);
    } finally {
      await proxy.stop();
    }
  });
});

describe('an import interrupted by Ctrl-C', () => {
  const sandbox = useSandbox({ latency: { ms: 40, jitterMs: 10 } });
  it('finishes the writes in flight, writes the results, and exits 130', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('K', 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('K'));
    const signals = new EventEmitter();
    const running = hrsyncIn(['import', 'u.csv', '--yes', '--concurrency', '2'], { cwd: dir, env: ENV, signals });
    await expect.poll(() => created().length, { timeout: PATIENCE_MS, interval: 10 }).toBeGreaterThan(8);
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('stopping: no new writes start');
    const runs = readdirSync(join(dir, '.hrsync', 'runs'));
    const results = readFileSync(join(dir, '.hrsync', 'runs', runs[0]!, 'results.csv'), 'utf8');
    const ok = results.split('\n').filter((l) => l.includes(',ok,')).length;
    expect(ok).toBe(created().length);
    expect(ok).toBeLessThan(60);
    expect(results).toContain('skipped,,not tried: interrupted');
    expect(readFileSync(join(dir, '.hrsync', 'runs', runs[0]!, 'failed.csv'), 'utf8').split('\n')[0]).toBe('Employee ID,First name,Last name,Email,Company ID');
  });

  it('while reading and planning: stops, says nothing was written, exits 130', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('R', 50_000));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('R'));
    const signals = new EventEmitter();
    const running = hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: ENV, signals });
    // Listening: the run is reading and planning (its listeners come off before the apply puts its own).
    await expect.poll(() => signals.listenerCount('SIGINT'), { timeout: PATIENCE_MS, interval: 5 }).toBe(1);
    signals.emit('SIGINT');
    const run = await running;
    expect([run.code, run.stderr]).toEqual([130, 'stopped: interrupted while reading and planning: nothing was written\n']);
    expect(created()).toHaveLength(0);
  });

  it('apply of a saved plan: says how long its check of the target takes when the pace binds; Ctrl-C while it waits for the pace stops it at once, nothing written', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit, { rateLimit: '100/h' });
    write(dir, 'u.csv', manyUsers('P', 10_100));
    const planned = await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir, env: ENV });
    expect(planned.code, planned.stderr).toBe(0);
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('P'));
    const gets = () => countRequests(sandbox().stats(), { method: 'GET' });
    const before = gets();
    const signals = new EventEmitter();
    const running = hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV, signals });
    // 10,100 creates, each looked up by externalId and by email, 20 a request: 1,010 requests, the burst's 500 at once, then one every 36 s.
    await expect.poll(() => gets() - before, { timeout: PATIENCE_MS, interval: 20 }).toBeGreaterThanOrEqual(495);
    signals.emit('SIGINT');
    const run = await running;
    expect(run.stderr).toMatch(/^checking the plan against accessplanit "lms" first, 1,010 requests \(a lookup of each record it creates or changes, as it is now, 20 a request\): paced at 100\/h after a burst of 500: about \d+ h \d+ min\n/);
    expect([run.code, run.stderr.split('\n').at(-2)]).toEqual([130, 'stopped: interrupted while checking the plan against the target: nothing was written']);
    expect(created()).toHaveLength(0);
  });

  it('says what it applied and skipped and where the results are in one line, even with --quiet', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('Q', 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('Q'));
    const signals = new EventEmitter();
    const running = hrsyncIn(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'out', '-q'], { cwd: dir, env: ENV, signals });
    await expect.poll(() => created().length, { timeout: PATIENCE_MS, interval: 10 }).toBeGreaterThan(4);
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    const applied = created().length;
    expect(run.stderr).toBe(`stopped: by Ctrl-C, ${applied} changes applied, 0 failed, ${60 - applied} skipped; results in out\n`);
  });

  it('stops the same way on SIGTERM (exit 143), and a second signal only says it is still stopping', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('T', 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('T'));
    const signals = new EventEmitter();
    const running = hrsyncIn(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'out'], { cwd: dir, env: ENV, signals });
    await expect.poll(() => created().length, { timeout: PATIENCE_MS, interval: 10 }).toBeGreaterThan(4);
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('still stopping:');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM') + signals.listenerCount('SIGHUP')).toBe(0);
    const ok = readFileSync(join(dir, 'out', 'results.csv'), 'utf8').split('\n').filter((l) => l.includes(',ok,')).length;
    expect(ok).toBe(created().length);
  });
});

describe('rows no key can find again', () => {
  const sandbox = useSandbox();
  it('are left out with the reason, never created (they would be created again on every run)', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'First name,Last name,Company ID\nNo,Keys,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('has none of the keys it is matched on (externalId, id, email)');
    expect(run.stdout).toContain('Plan: 0 to create');
    write(dir, 'g.csv', 'Label\nRetail customers\nBrand new\n');
    const groups = await hrsyncIn(['import', 'g.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(groups.stdout).toContain('Plan: 1 to create, 0 to update, 1 unchanged.');
  });
});

describe('a delete the platform would refuse', () => {
  const sandbox = useSandbox();
  it('is left out of the plan with a note (a company that still has users), so the apply succeeds', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    // A company with no users, made first; then a companies file that lacks it and ACME01 (which has users).
    write(dir, 'new.csv', 'ID,Name,CompanyGroupIDs\nLONE01,Lonely Ltd,RETAIL\n');
    expect((await hrsyncIn(['import', 'new.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    write(dir, 'companies.csv', 'ID,Name,CompanyGroupIDs\nNGHC02,Northgate Health Clinic,HEALTH\nBRHT03,Brown & Hart Solicitors,PROF;RETAIL\n');
    const run = await hrsyncIn(['import', 'companies.csv', '--missing', 'delete', '--max-missing', '100%', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('company id=ACME01 is not deleted: 4 users still refer to it');
    expect(run.stdout).toContain("- delete companies id=LONE01\n");
    expect(run.stdout).toMatch(/Plan: 0 to create, 0 to update, 1 to delete, 2 unchanged/);
    const ids = sandbox().state().accessplanit.Company.rows().map((c) => c.ID);
    expect(ids).toContain('ACME01');
    expect(ids).not.toContain('LONE01');
  });
});
