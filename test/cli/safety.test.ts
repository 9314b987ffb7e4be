import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { BIN } from '../helpers/cli.js';
import { lmsProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const ESC = '\u001b';

describe('no credential in any output, in any environment', () => {
  const sandbox = useSandbox({ settings: { appenate: { emptyNameSearch: 'all' } } });
  const project = () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { forms: { type: 'appenate', baseUrl: sandbox().urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY', listAll: true } } }));
    return dir;
  };

  it('refuses to run under NODE_DEBUG for the HTTP stack (it would print every URL with its key), exit 64', async () => {
    for (const value of ['undici', 'fetch', 'http,net', 'tls', 'UNDICI', 'und*', '*', 'module,h*', ' net ']) {
      const run = await hrsyncIn(['export'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', NODE_DEBUG: value } });
      expect(run.code, value).toBe(64);
      expect(run.stderr).toContain('hrsync does not run with it');
      expect(run.stderr).toContain('HRSYNC_DEBUG=http');
    }
    expect((await hrsyncIn(['export', '-o', 'x.csv'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', NODE_DEBUG: 'module,m*' } })).code).toBe(0);
  });

  it('traces every request with HRSYNC_DEBUG=http, the key in the query string redacted', async () => {
    const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', HRSYNC_DEBUG: 'http' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/http GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/user\/search\?format=json&CompanyId=1&IntegrationKey=\*\*\*&UseNames=true&Name=&PageNo=0&PageSize=250 → 200 in \d+ ms/);
    expect(run.stderr).not.toContain('sandbox-key');
  });
});

describe('what a hostile file cannot do to a terminal', () => {
  const sandbox = useSandbox();
  it('refuses control characters in values (a NUL, an escape code), and shows direction overrides and file names escaped', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } } }));
    const name = `u${ESC}[2J.csv`;
    write(dir, name, `Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,\u202eCEO,ACME01\nX${ESC}[31m1,Evil,Row,,ACME01\nN1,Nul,Byte,A\u0000B,ACME01\n`);
    const run = await hrsyncIn(['import', name, '--dry-run'], { cwd: dir, env: { AP_KEY: 'sandbox-key', FORCE_COLOR: '0' } });
    expect(run.code, run.stderr).toBe(3);
    const shown = run.stdout + run.stderr;
    expect(shown).not.toContain(ESC);
    expect(shown).not.toContain('\u202e');
    expect(shown).not.toContain('\u0000');
    expect(run.stdout).toContain('jobTitle: "Warehouse Manager" → "\\u202eCEO"');
    expect(shown).toContain('u\\x1b[2J.csv:3  error    externalId contains the control character U+001B, which no platform should store  [control_character]');
    expect(shown).toContain('u\\x1b[2J.csv:4  error    jobTitle contains the control character U+0000');
  });

  it('shows an export on a terminal with a server’s escape codes escaped; a file or a pipe gets the data as it is', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } } }));
    const evil = `${ESC}]0;pwned\u0007${ESC}[2J`;
    sandbox().state().accessplanit.User.set('ttyuser', { ID: 'ttyuser', ExternalID: 'T1', Forenames: 'Tty', Surname: 'Test', JobTitle: evil, MainCompanyID: 'ACME01', Status: 'Enabled' });
    const args = ['export', '--filter', 'externalId=T1', '--fields', 'externalId,jobTitle'];
    const terminal = await hrsyncIn(args, { cwd: dir, env: { AP_KEY: 'sandbox-key' }, stdoutIsTTY: true });
    expect(terminal.stdout).toBe('externalId,jobTitle\nT1,\\x1b]0;pwned\\x07\\x1b[2J\n');
    const pipe = await hrsyncIn(args, { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    expect(pipe.stdout).toBe(`externalId,jobTitle\nT1,${evil}\n`);
  });
});

describe('a hostile server gets a bounded, clear failure (exit 4)', () => {
  /** A server that answers every request with `handler`: what no well-behaved emulator does. */
  async function hostile(handler: (req: IncomingMessage, res: ServerResponse) => void, extra: Record<string, unknown> = {}): Promise<{ dir: string; stop(): Promise<void> }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: `http://127.0.0.1:${port}/accessplan/api/v2`, apiKey: 'env:AP_KEY', timeout: 0.1, maxResponseMB: 1, ...extra } } }));
    return { dir, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  }
  const page = (ids: number[]) => JSON.stringify({ results: ids.map((i) => ({ ID: `u${i}`, Forenames: 'A', Surname: 'B' })) });

  it('a list that never ends: the same page for ever', async () => {
    const s = await hostile((_req, res) => res.end(page([1, 2, 3])));
    try {
      const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: s.dir, env: { AP_KEY: 'k' } });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('the User list repeated a page it had already sent');
      expect(existsSync(join(s.dir, 'users.csv'))).toBe(false);
    } finally {
      await s.stop();
    }
  });

  it('a list of records with no id: the same page for ever, or new records for ever past maxRecords', async () => {
    const noIds = JSON.stringify({ results: Array.from({ length: 50 }, (_, i) => ({ Forenames: `x${i}`, Surname: 'y', ExternalID: `Z${i}` })) });
    const same = await hostile((_req, res) => res.end(noIds));
    try {
      const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: same.dir, env: { AP_KEY: 'k' } });
      expect([run.code, run.stderr]).toEqual([4, expect.stringContaining('the User list repeated a page it had already sent')]);
    } finally {
      await same.stop();
    }
    let n = 0;
    const endless = await hostile((_req, res) => res.end(JSON.stringify({ results: Array.from({ length: 50 }, () => ({ Forenames: `x${++n}`, Surname: 'y' })) })), { maxRecords: 500 });
    try {
      const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: endless.dir, env: { AP_KEY: 'k' } });
      expect([run.code, run.stderr]).toEqual([4, expect.stringContaining("the User list went on past 500 records (the target's maxRecords, a deliberate bound: on a list that never ends, and on the memory a run holds); stopped")]);
      expect(run.stderr).toContain('hint: if accessplanit "lms" really holds more User records, raise "maxRecords" in its entry of the config (targets.<name>.maxRecords, default 1,000,000)');
      expect(n).toBeLessThanOrEqual(600);
    } finally {
      await endless.stop();
    }
  });

  it('a list of new records for ever, with no count: stopped by its time bound (maxListSeconds), the message naming it', async () => {
    let n = 0;
    const endless = await hostile((_req, res) => res.end(JSON.stringify({ results: Array.from({ length: 50 }, () => ({ ID: `u${++n}`, Forenames: 'x', Surname: 'y' })) })), { maxListSeconds: 1 });
    try {
      const started = Date.now();
      const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: endless.dir, env: { AP_KEY: 'k' } });
      expect([run.code, run.stderr]).toEqual([4, expect.stringMatching(/the User list was still going after 1 s, with [\d,]+ records \(the target's maxListSeconds: 1 s\); stopped/)]);
      expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // an endless list is stopped
      expect(existsSync(join(endless.dir, 'users.csv'))).toBe(false);
    } finally {
      await endless.stop();
    }
  });

  it('an answer larger than maxResponseMB, and one that trickles in for ever', async () => {
    const big = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(256 * 1024, 32);
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      pump();
    });
    try {
      const run = await hrsyncIn(['export'], { cwd: big.dir, env: { AP_KEY: 'k' } });
      expect([run.code, run.stderr]).toEqual([4, expect.stringContaining('the answer is larger than 1 MB')]);
    } finally {
      await big.stop();
    }
    const slow = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const started = Date.now();
      const run = await hrsyncIn(['export'], { cwd: slow.dir, env: { AP_KEY: 'k' } });
      expect([run.code, run.stderr]).toEqual([4, expect.stringContaining('no complete answer within 0.4 s')]);
      expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // a trickle that never ends is cut
    } finally {
      await slow.stop();
    }
  });
});

describe('a server that commits after the client gave up (late commits)', () => {
  // The client gives up after about a second (undici's header timer ticks coarsely) and keeps
  // looking for twice its 0.5 s timeout: a commit at 4 s is after that, one at 1.7 s within it.
  const late = useSandbox({ slowCommitMs: 4000 });
  const soon = useSandbox({ slowCommitMs: 1700 });
  const K = (sandbox: Sandbox) => sandbox.state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('L'));

  it('never sends a lost write again: the rows are "unknown", the records land once, the next run settles them', async () => {
    const dir = lmsProject(late().urls.accessplanit, { timeout: 0.5 });
    write(dir, 'u.csv', manyUsers('L', 8));
    late().setFaults({ 'slow-commit': 1 });
    const run = await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    late().setFaults({});
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('0 changes applied, 0 failed, 8 unknown, 0 skipped');
    expect(run.stderr).toContain('run the import again to settle them');
    await expect.poll(() => K(late()).length, { timeout: PATIENCE_MS, interval: 100 }).toBe(8); // the late commits land
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(K(late())).toHaveLength(8); // not 16
    const again = await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 8 unchanged.');
  });

  it('finds a write that lands within the settling window, and reports it applied', async () => {
    const dir = lmsProject(soon().urls.accessplanit, { timeout: 0.5 });
    write(dir, 'u.csv', manyUsers('L', 3));
    soon().setFaults({ 'slow-commit': 1 });
    const run = await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    soon().setFaults({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('3 changes applied, 0 failed, 0 skipped');
    expect(K(soon())).toHaveLength(3);
  });
});

describe('duplicates and wrong people', () => {
  const sandbox = useSandbox();
  const ENV = { AP_KEY: 'sandbox-key' };
  const table = () => sandbox().state().accessplanit.User;

  it('reports a key that finds two records on the target, writes nothing for that row, lists it in the results (exit 5)', async () => {
    await sandbox().reset();
    for (const id of ['dupa', 'dupb']) table().set(id, { ID: id, Forenames: 'Dee', Surname: 'Upe', Email: 'dee.upe@x.co.uk', MainCompanyID: 'ACME01', Status: 'Enabled' });
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Email,First name,Last name,Job title,Company ID\ndee.upe@x.co.uk,Dee,Upe,Boss,ACME01\nnew.one@x.co.uk,New,One,,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('! duplicate on target: email=dee.upe@x.co.uk matches id dupa and id dupb (u.csv:2; nothing written for this row)');
    expect(table().get('dupa')!.JobTitle ?? null).toBeNull();
    expect(table().get('dupb')!.JobTitle ?? null).toBeNull();
    const results = readFileSync(join(dir, 'out', 'results.csv'), 'utf8');
    expect(results).toContain('u.csv,2,email=dee.upe@x.co.uk,users,,conflict,,email=dee.upe@x.co.uk matches id dupa and id dupb');
    expect(readFileSync(join(dir, 'out', 'failed.csv'), 'utf8')).toBe('Email,First name,Last name,Job title,Company ID\ndee.upe@x.co.uk,Dee,Upe,Boss,ACME01\n');
  });

  it('checks every match key for duplicates in the input: group labels and company names too, ignoring case', async () => {
    const dir = tempDir();
    write(dir, 'groups.csv', 'Label\nRetail\nretail \n');
    write(dir, 'companies.csv', 'Name,CompanyGroupIDs\nAcme,RETAIL\nACME,RETAIL\n');
    const run = await hrsyncIn(['validate', 'groups.csv', 'companies.csv', '--target', 'accessplanit', '--format', 'json'], { cwd: dir });
    const found = JSON.parse(run.stdout).issues.filter((i: { code: string }) => i.code === 'duplicate').map((i: { file: string; line: number; field: string }) => [i.file, i.line, i.field]);
    expect(found).toEqual([['groups.csv', 2, 'label'], ['groups.csv', 3, 'label'], ['companies.csv', 2, 'name'], ['companies.csv', 3, 'name']]);
  });

  it('never counts the person of an invalid row "missing": only the one absent from the input is deactivated', async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit);
    // E1001 valid, E1002 invalid (no first name), E1003–E1005 absent.
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Company ID\nE1001,James,Smith,ACME01\nE1002,,Patel,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--missing', 'deactivate', '--max-missing', '3', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.stdout).toContain('3 to deactivate');
    expect(run.stdout).not.toContain('externalId=E1002 (id prpate)');
  });
});

describe('a source that repeats people (paging it does not support)', () => {
  const overlapping = useSandbox({ settings: { unified: { paging: 'overlap' } } });
  const ignoring = useSandbox({ settings: { unified: { paging: 'ignore-offset' } } });
  const project = (url: string, pageSize?: number) => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { hr: { type: 'unified', baseUrl: url, connectionId: 'sandbox', apiKey: 'env:K', ...(pageSize ? { pageSize } : {}) } } }));
    return dir;
  };

  it('keeps a person who comes twice, unchanged, once — with a warning; stops on a page that repeats (exit 4)', async () => {
    const dir = project(overlapping().urls.unified);
    const run = await hrsyncIn(['export', '-o', 'hr.ndjson'], { cwd: dir, env: { K: 'sandbox-key' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: unified "hr": 1 employee record came twice, unchanged (the paging overlapped), and was kept once');
    expect(readFileSync(join(dir, 'hr.ndjson'), 'utf8').trim().split('\n')).toHaveLength(300);
    const stuck = await hrsyncIn(['export', '-o', 'hr.ndjson'], { cwd: project(ignoring().urls.unified), env: { K: 'sandbox-key' } });
    expect(stuck.code).toBe(4);
    expect(stuck.stderr).toContain('the employee list repeated a page it had already sent');
  });

  it('does the same for the HR system’s companies and groups, and for the companies it names employees’ companies from', async () => {
    const dir = project(ignoring().urls.unified, 2);
    for (const [entity, what] of [['companies', 'company'], ['groups', 'group'], ['users', 'company']] as const) {
      const stuck = await hrsyncIn(['export', '--entity', entity, '-o', `${entity}.ndjson`], { cwd: dir, env: { K: 'sandbox-key' } });
      expect([stuck.code, stuck.stderr]).toEqual([4, expect.stringContaining(`error: unified "hr": the ${what} list repeated a page it had already sent`)]);
    }
    expect(readdirSync(dir)).toEqual(['hrsync.config.json']);
    const drifting = project(overlapping().urls.unified, 4);
    const run = await hrsyncIn(['export', '--entity', 'groups', '-o', 'groups.ndjson'], { cwd: drifting, env: { K: 'sandbox-key' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: unified "hr": 1 group record came twice, unchanged (the paging overlapped), and was kept once');
    expect(readFileSync(join(drifting, 'groups.ndjson'), 'utf8').trim().split('\n')).toHaveLength(11);
  });
});

describe('two runs into one target at once', () => {
  const sandbox = useSandbox({ latency: { ms: 5, jitterMs: 2 } });
  const ENV = { AP_KEY: 'sandbox-key' };
  const people = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('C'));

  it('never overlap: the second refuses at once naming the holder (exit 6), or waits with --wait-lock; no duplicates', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'a.csv', manyUsers('C', 200));
    write(dir, 'b.csv', manyUsers('C', 200));
    // Started together: whichever takes the lock first runs; the other refuses at once.
    const runs = await Promise.all(['a.csv', 'b.csv'].map((file) => hrsyncIn(['import', file, '--yes'], { cwd: dir, env: ENV })));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 6]);
    const refused = runs.find((r) => r.code === 6)!;
    expect(refused.stderr).toMatch(/another hrsync run is writing to accessplanit "lms": pid \d+ of \S+ \(uid \d+\) on \S+, since \d{4}-\d\d-\d\dT[\d:.]+Z \(import into accessplanit "lms"; its lock file \S+\.lock\); nothing was done/);
    expect(refused.stderr).toContain('--wait-lock');
    expect(people()).toHaveLength(200);

    write(dir, 'c.csv', manyUsers('C', 220));
    const waited = await Promise.all([1, 2].map(() => hrsyncIn(['import', 'c.csv', '--yes', '--wait-lock', '60'], { cwd: dir, env: ENV })));
    expect(waited.map((r) => r.code)).toEqual([0, 0]);
    // One planned the 20 new people; the other waited, then found them all there.
    expect(waited.map((r) => /Plan: (\d+) to create/.exec(r.stdout)![1]).sort()).toEqual(['0', '20']);
    expect(people()).toHaveLength(220);
    expect(new Set(people().map((u) => u.ExternalID)).size).toBe(220);
  });

  it('refuses a --results folder that already holds a run, or that is a file (exit 64)', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('R', 2));
    expect((await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out'], { cwd: dir, env: ENV })).code).toBe(0);
    const again = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect([again.code, again.stderr]).toEqual([64, expect.stringContaining("--results out already holds a run's results")]);
    const file = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'u.csv'], { cwd: dir, env: ENV });
    expect([file.code, file.stderr]).toEqual([64, expect.stringContaining('--results u.csv is a file, not a folder')]);
  });
});

describe('a saved plan is data hrsync does not trust blindly', () => {
  const sandbox = useSandbox();
  const other = useSandbox();
  const ENV = { AP_KEY: 'sandbox-key' };
  /** A plan saved by `import --out` in a fresh project on a fresh sandbox: one update (James Smith's job title). */
  const saved = async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,Site Manager,ACME01\n');
    expect((await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir, env: ENV })).code).toBe(0);
    return { dir, plan: JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) };
  };

  it('refuses an edited value, a moved update, an added delete, another server of the same name, and a malformed file', async () => {
    const { dir, plan } = await saved();
    const apply = async (edited: unknown, where = dir) => {
      write(where, 'edited.json', JSON.stringify(edited, null, 2));
      return hrsyncIn(['apply', 'edited.json'], { cwd: where, env: ENV });
    };
    const op = plan.operations[0];
    const cases: Array<[string, unknown, number, string]> = [
      ['an edited value', { ...plan, operations: [{ ...op, values: { jobTitle: 'Owner' } }] }, 6, 'changed after it was written'],
      ['an update moved to another person', { ...plan, operations: [{ ...op, id: 'prpate', fingerprint: undefined }] }, 6, 'changed after it was written'],
      ['an added delete', { ...plan, operations: [...plan.operations, { action: 'delete', entity: 'users', key: 'x', id: 'prpate' }] }, 6, 'changed after it was written'],
      ['a null operation', { ...plan, operations: [null] }, 64, 'operations.0'],
      ['an unknown entity', { ...plan, operations: [{ ...op, entity: 'courses' }] }, 64, 'operations.0.entity'],
      ['an older plan', { ...plan, version: 1 }, 64, 'written by an older hrsync'],
      ['an unsigned plan of hrsync before plan keys', { ...plan, version: 2, signature: undefined, digest: 'x' }, 64, 'written by an older hrsync, without a signature by the state’s plan key (version 2)'],
    ];
    for (const [what, edited, code, message] of cases) {
      const run = await apply(edited);
      expect([run.code, run.stderr], what).toEqual([code, expect.stringContaining(message)]);
    }
    expect(sandbox().state().accessplanit.User.get('jasmit')!.JobTitle).toBe('Warehouse Manager');
    expect(sandbox().state().accessplanit.User.get('prpate')).toBeDefined();

    const elsewhere = lmsProject(other().urls.accessplanit);
    const moved = await apply(plan, elsewhere);
    expect([moved.code, moved.stderr]).toEqual([6, expect.stringContaining(`the plan was made for accessplanit ${sandbox().urls.accessplanit}, but "lms" is now accessplanit ${other().urls.accessplanit}`)]);

    // The plan as written, reformatted by an editor: applied.
    const applied = await apply(plan);
    expect(applied.code, applied.stderr).toBe(0);
    expect(sandbox().state().accessplanit.User.get('jasmit')!.JobTitle).toBe('Site Manager');
  });

  it('is signed with a key only the state holds: an edited plan with its checksum recomputed is refused, and so is one signed by another state', async () => {
    const { dir, plan } = await saved();
    // What someone who can edit the plan but not read the state can do: change it, and recompute every checksum it carries.
    const forged = structuredClone(plan);
    forged.operations[0].values = { jobTitle: 'Owner' };
    const sha256 = createHash('sha256').update(stableJson({ version: forged.version, targetName: forged.targetName, targetIdentity: forged.targetIdentity, operations: forged.operations })).digest('hex');
    forged.digest = sha256;
    if (forged.signature) forged.signature.hmac = sha256;
    write(dir, 'forged.json', JSON.stringify(forged, null, 2));
    const refused = await hrsyncIn(['apply', 'forged.json', '--force'], { cwd: dir, env: ENV });
    expect([refused.code, refused.stderr]).toEqual([6, expect.stringContaining('the plan’s operations were changed after it was written (its signature by the state’s plan key no longer matches); nothing was written')]);
    expect(sandbox().state().accessplanit.User.get('jasmit')!.JobTitle).toBe('Warehouse Manager');
    const keyFile = join(dir, '.hrsync', 'state', 'plan.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // The same target from another project folder: another state, another key — refused, saying so.
    const elsewhere = lmsProject(sandbox().urls.accessplanit);
    write(elsewhere, 'plan.json', readFileSync(join(dir, 'plan.json')));
    const other = await hrsyncIn(['apply', 'plan.json'], { cwd: elsewhere, env: ENV });
    expect([other.code, other.stderr]).toEqual([6, expect.stringContaining(`the plan was signed with another state’s plan key (key ${plan.signature.key}; the state here, ${join(elsewhere, '.hrsync', 'state')}, has key `)]);
    expect(other.stderr).toContain('it was made in another project folder or with another state database; nothing was written');

    // A key file open to other users is refused, naming it.
    chmodSync(keyFile, 0o644);
    const open = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
    expect([open.code, open.stderr]).toEqual([6, expect.stringContaining(`the plan key ${keyFile} is open to other users (mode 0644): anyone who can read it can sign a plan; nothing was done`)]);
    chmodSync(keyFile, 0o600);

    // Untouched, where it was made: applied.
    const applied = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
    expect(applied.code, applied.stderr).toBe(0);
    expect(sandbox().state().accessplanit.User.get('jasmit')!.JobTitle).toBe('Site Manager');
  });
});

describe('bad input, the rest', () => {
  it('counts a line of NDJSON that is not a record as an invalid row, and reads the lines after it', async () => {
    const dir = tempDir();
    write(dir, 'u.ndjson', '{"Employee ID":"N1","First name":"A","Last name":"B"}\n{"Employee ID":"N2", oops}\n[1,2]\n{"Employee ID":"N3","First name":"C","Last name":"D"}\n');
    const run = await hrsyncIn(['validate', 'u.ndjson', '--target', 'generic', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout);
    expect(report.files[0]).toMatchObject({ rows: 4, errors: 2 });
    expect(report.issues.map((i: { line: number; code: string }) => [i.line, i.code])).toEqual([[2, 'invalid_json'], [3, 'not_an_object']]);
  });

  it('refuses what would crash or silently change: a huge record or line, deep nesting, numbers JSON cannot carry', async () => {
    const dir = tempDir();
    const huge = 'x'.repeat(17 * 1024 * 1024);
    write(dir, 'huge.ndjson', `{"Employee ID":"H1","First name":"${huge}","Last name":"B"}\n{"Employee ID":"H2","First name":"A","Last name":"B"}\n`);
    write(dir, 'huge.csv', `Employee ID,First name,Last name\nH1,"${huge}",B\n`);
    write(dir, 'deep.ndjson', `{"Employee ID":"D1","First name":"A","Last name":"B","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}\n`);
    write(
      dir,
      'numbers.ndjson',
      [
        '{"Employee ID":12345678901234567890,"First name":"A","Last name":"B"}',
        '{"Employee ID":"E2","First name":"A","Last name":"B","score":1e400}',
        '{"Employee ID":"E3","First name":"C","Last name":"D","note":"1e400 in a string is fine","ok":[1e21,-0.0,2.50,1E2,0.1]}',
        '{"Employee ID":12345678901234567890.0,"First name":"A","Last name":"B"}',
        '{"Employee ID":9007199254740993e0,"First name":"A","Last name":"B"}',
        '{"Employee ID":"E6","First name":"A","Last name":"B","phone":0.10000000000000000001}',
      ].join('\n') + '\n',
    );
    const codes = async (file: string) => {
      const run = await hrsyncIn(['validate', file, '--target', 'generic', '--entity', 'users', '--format', 'json'], { cwd: dir });
      expect(run.code, file).toBe(3);
      return JSON.parse(run.stdout).issues.filter((i: { severity: string }) => i.severity === 'error').map((i: { line: number; code: string }) => [i.line, i.code]);
    };
    expect(await codes('huge.ndjson')).toEqual([[1, 'too_large']]);
    expect(await codes('huge.csv')).toEqual([[2, 'too_large']]);
    expect(await codes('deep.ndjson')).toEqual([[1, 'too_deep']]);
    // Written as a decimal or with an exponent, a value a double would change is refused; one it keeps is read.
    expect(await codes('numbers.ndjson')).toEqual([[1, 'inexact_number'], [2, 'inexact_number'], [4, 'inexact_number'], [5, 'inexact_number'], [6, 'inexact_number']]);
  });

  it('names a file that cannot be read (exit 3), and one that is a folder', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.csv'));
    const folder = await hrsyncIn(['validate', 'folder.csv', '--target', 'generic'], { cwd: dir });
    expect([folder.code, folder.stderr]).toEqual([3, expect.stringContaining('folder.csv: not a file')]);
    const secret = write(dir, 'secret.csv', 'Employee ID,First name,Last name\nS1,A,B\n');
    chmodSync(secret, 0o000);
    chmodSync(dir, 0o755);
    if (process.getuid?.() !== 0) {
      const run = await hrsyncIn(['validate', 'secret.csv', '--target', 'generic'], { cwd: dir });
      expect([run.code, run.stderr]).toEqual([3, expect.stringContaining('secret.csv: cannot be read (permission denied)')]);
    } else {
      // root reads everything: try it as root without the capabilities that override file modes (as a
      // user on the machine would be), so it still reads the checkout — which may be private (0700), as
      // a CI system's clone is — but not a file of mode 000.
      const drop = '-dac_override,-dac_read_search';
      const run = spawnSync('setpriv', [`--bounding-set=${drop}`, `--inh-caps=${drop}`, '--', process.execPath, BIN, 'validate', 'secret.csv', '--target', 'generic'], { cwd: dir, encoding: 'utf8' });
      expect([run.status, run.stderr]).toEqual([3, expect.stringContaining('secret.csv: cannot be read (permission denied)')]);
    }
  });
});

describe('hrsync’s own output that cannot be written (exit 74), and an export stopped part-way', () => {
  const sandbox = useSandbox({ latency: { ms: 30, jitterMs: 5 } });
  const hrProject = () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { hr: { type: 'unified', baseUrl: sandbox().urls.unified, connectionId: 'sandbox', apiKey: 'env:K', pageSize: 20 } } }));
    return dir;
  };
  const K = { K: 'sandbox-key' };

  it('an export to a folder that does not exist, or onto a folder, fails before reading anything and leaves nothing', async () => {
    const dir = hrProject();
    const before = sandbox().stats().total;
    const missing = await hrsyncIn(['export', '--target', 'hr', '-o', 'nowhere/users.csv'], { cwd: dir, env: K });
    expect(missing.code).toBe(74);
    expect(missing.stderr).toContain(`error: could not write the file ${join(dir, 'nowhere', 'users.csv')}: no such folder (ENOENT)`);
    expect(missing.stderr).toContain('hint: its folder must exist and be writable');
    mkdirSync(join(dir, 'out'));
    const folder = await hrsyncIn(['export', '--target', 'hr', '-o', 'out'], { cwd: dir, env: K });
    expect(folder.code).toBe(64); // a folder named as the file: a usage mistake (see "An output is written where it points")
    expect(folder.stderr).toContain(`error: will not write the file ${join(dir, 'out')}: it is a folder`);
    expect(sandbox().stats().total).toBe(before);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('Ctrl-C during an export cuts the page being read and removes the partial file: exit 130', async () => {
    const dir = hrProject();
    const signals = new EventEmitter();
    const running = hrsyncIn(['export', '--target', 'hr', '-o', 'users.csv'], { cwd: dir, env: K, signals });
    await expect.poll(() => readdirSync(dir).some((f) => f.endsWith('.partial')), { timeout: PATIENCE_MS, interval: 5 }).toBe(true);
    signals.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`stopped: the export was interrupted: ${join(dir, 'users.csv')} was not written`);
    expect(readdirSync(dir).sort()).toEqual(['hrsync.config.json']);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a plan that cannot be saved (--out) is exit 74, naming it', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('O', 2));
    const run = await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'u.csv/plan.json'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
    expect(run.code).toBe(74);
    expect(run.stderr).toContain('error: could not write the plan u.csv/plan.json: a file is in the way (EEXIST)');
  });
});

/** JSON with every object's keys in order: how hrsync's plan checksum read a plan before plans were signed. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}
