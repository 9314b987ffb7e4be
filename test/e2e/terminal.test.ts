import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lmsProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { HAS_SCRIPT, hrsyncInPty, killPtyRuns } from '../helpers/pty.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const ENV = { AP_KEY: 'sandbox-key' };

/**
 * The built binary in a real pseudo-terminal (util-linux `script`, part of every Debian), keys typed
 * on it: what only a terminal shows — Ctrl-C through the line discipline while the spinner runs,
 * raw-mode prompts, a terminal with no size, a terminal that closes.
 */
describe.skipIf(!HAS_SCRIPT)('hrsync in a real terminal', () => {
  const sandbox = useSandbox({ latency: { ms: 40, jitterMs: 10 } });
  afterEach(killPtyRuns);
  const project = (prefix: string) => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers(prefix, 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith(prefix));
    return { dir, created };
  };
  const resultsOf = (folder: string) => {
    const results = readFileSync(join(folder, 'results.csv'), 'utf8');
    return { results, ok: results.split('\n').filter((l) => l.includes(',ok,')).length };
  };

  it('shows progress on a long validate (rows, rows/s, share of the bytes), and nothing of it off a terminal', async () => {
    const dir = tempDir();
    write(dir, 'big.csv', manyUsers('V', 200_000));
    const pty = hrsyncInPty(['validate', 'big.csv', '--target', 'accessplanit'], { cwd: dir });
    await pty.waitFor(/validating: [\d,]+ rows, [\d,]+\/s \(\d+ % of [\d.]+ MB\)/, 20_000);
    const { code, output } = await pty.exited;
    expect(code, output).toBe(0);
    const piped = await hrsyncIn(['validate', 'big.csv', '--target', 'accessplanit'], { cwd: dir });
    expect(piped.stderr + piped.stdout).not.toContain('validating');
  });

  it('Ctrl-C while the spinner runs: the writes in flight finish, the results are written, exit 130', async () => {
    const { dir, created } = project('TA');
    const pty = hrsyncInPty(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'out'], { cwd: dir, env: ENV });
    await pty.waitFor(/applying to accessplanit "lms": [1-9]\d*\/60 done/);
    pty.type('\x03');
    const { code, output } = await pty.exited;
    expect(code, output).toBe(130);
    expect(output).toContain('stopping:');
    expect(output).toMatch(/\d+ changes applied, 0 failed, \d+ skipped/);
    const { results, ok } = resultsOf(join(dir, 'out'));
    expect(ok).toBe(created().length); // the results are not behind the server
    expect(ok).toBeLessThan(60);
    expect(results).toContain('not tried: interrupted');
  });

  it('a terminal with no size (script from a pipe) gets progress lines, not a spinner that never ends, and Ctrl-C works', async () => {
    const { dir, created } = project('TB');
    const pty = hrsyncInPty(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'out'], { cwd: dir, env: ENV, columns: 0 });
    await pty.waitFor(/\d+\/60 done, 0 failed, [\d.]+\/s[^\n]*\r?\n/);
    pty.type('\x03');
    const { code, output } = await pty.exited;
    expect(code, output.slice(-2000)).toBe(130);
    expect(output.length).toBeLessThan(20_000);
    expect(resultsOf(join(dir, 'out')).ok).toBe(created().length);
  });

  for (const [key, name] of [
    ['\x03', 'Ctrl-C'],
    ['\x04', 'Ctrl-D'],
  ] as const)
    it(`${name} at the confirmation writes nothing and exits 130`, async () => {
      const { dir, created } = project(name === 'Ctrl-C' ? 'TC' : 'TD');
      const pty = hrsyncInPty(['import', 'u.csv'], { cwd: dir, env: ENV });
      await pty.waitFor(/Apply 60 changes to accessplanit "lms"\? \[y\/N\] /);
      pty.type(key);
      const { code, output } = await pty.exited;
      expect(code, output).toBe(130);
      expect(output).toContain('nothing was written');
      expect(output).not.toContain('bug in hrsync');
      expect(created()).toHaveLength(0);
    });

  it('with standard output and error piped (2>&1 | tail), the question is asked on the terminal itself, and y applies', async () => {
    const { dir, created } = project('TP');
    const pty = hrsyncInPty(['import', 'u.csv'], { cwd: dir, env: ENV, pipeTo: 'tail -2' });
    // The plan went into the pipe, unseen until tail prints its last lines: the question on the terminal says its summary.
    await pty.waitFor(/Plan: 60 to create, 0 to update, 0 unchanged — apply 60 changes to accessplanit "lms"\? \[y\/N\] /, PATIENCE_MS);
    expect(pty.output()).not.toContain('+ create');
    pty.type('y\r');
    const { code, output } = await pty.exited;
    expect(code, output).toBe(0);
    expect(output).toContain('✔ 60 changes applied, 0 failed, 0 skipped');
    expect(created()).toHaveLength(60);
  });

  it('Ctrl-C at a question asked on the terminal itself (stderr piped) writes nothing and exits 130', async () => {
    const { dir, created } = project('TQ');
    const pty = hrsyncInPty(['import', 'u.csv'], { cwd: dir, env: ENV, pipeTo: 'cat' });
    await pty.waitFor(/apply 60 changes to accessplanit "lms"\? \[y\/N\] /, PATIENCE_MS);
    pty.type('\x03');
    const { code, output } = await pty.exited;
    expect(code, output).toBe(130);
    expect(output).toContain('stopped: Ctrl-C at the confirmation: nothing was written');
    expect(created()).toHaveLength(0);
  });

  it('Ctrl-C during an export leaves neither the file nor a partial one: exit 130', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { hr: { type: 'unified', baseUrl: sandbox().urls.unified, connectionId: 'sandbox', apiKey: 'env:K', pageSize: 10 } } }));
    const pty = hrsyncInPty(['export', '--target', 'hr', '-o', 'users.csv'], { cwd: dir, env: { K: 'sandbox-key' } });
    await pty.waitFor(/exporting users from unified "hr": [1-9][\d,]* rows/);
    pty.type('\x03');
    const { code, output } = await pty.exited;
    expect(code, output).toBe(130);
    expect(output).toContain('the export was interrupted');
    expect(readdirSync(dir)).toEqual(['hrsync.config.json']);
  });

  it('the terminal closing mid-apply (SIGHUP) still finishes the writes in flight and writes the results', async () => {
    const { dir, created } = project('TE');
    const pty = hrsyncInPty(['import', 'u.csv', '--yes', '--concurrency', '2', '--results', 'out'], { cwd: dir, env: ENV });
    await pty.waitFor(/applying to accessplanit "lms": [1-9]\d*\/60 done/);
    pty.closeTerminal();
    await pty.exited;
    // hrsync is no longer our child: its results (written last, atomically) say it finished.
    await expect.poll(() => existsSync(join(dir, 'out', 'results.csv')), { timeout: PATIENCE_MS, interval: 50 }).toBe(true);
    const { results, ok } = resultsOf(join(dir, 'out'));
    expect(results).toContain('not tried: interrupted');
    expect(ok).toBe(created().length);
    expect(ok).toBeLessThan(60);
    expect(readdirSync(join(dir, 'out'))).toContain('journal.ndjson');
  });
});
