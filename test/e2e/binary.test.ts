import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, binaryEnv, hrsyncBinary, ROOT } from '../helpers/cli.js';
import { lmsProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { tempProject } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

/**
 * The built binary, as a user runs it: the handful of things only a real process shows (exit codes
 * set by bin/hrsync.js, the README's quick start, a kill -9 part-way). Everything else runs in-process.
 */
describe('the built binary', () => {
  it('answers --version and --help, and exits 64 on a usage error and 3 on invalid input', async () => {
    const dir = tempProject();
    const version = await hrsyncBinary(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await hrsyncBinary(['--help'], dir)).stdout).toContain('Usage: hrsync');
    const usage = await hrsyncBinary(['validate', 'samples/users.csv', '--bogus'], dir);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("unknown option '--bogus'");
    const invalid = await hrsyncBinary(['validate', 'samples/invalid/users.csv', 'samples/companies.csv', '--target', 'accessplanit'], dir);
    expect(invalid.code).toBe(3);
    expect(invalid.stdout).toContain('samples/invalid/users.csv:2  error    email "jan@@acme.nl" is not a valid email address  [invalid_email]');
  });

  it('runs the README’s main job with nothing configured, then has nothing to do', async () => {
    const dir = tempProject();
    const first = await hrsyncBinary(['import', 'samples/users.csv'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('no hrsync.config.json here or above: using the embedded sandbox');
    expect(first.stderr).toContain('into the embedded sandbox: nothing real was changed');
    expect(first.stdout).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
    expect(first.stderr).toContain('15 changes applied, 0 failed, 0 skipped');
    const again = await hrsyncBinary(['import', 'samples/users.csv'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
  });
});

/** Runs the binary with its standard output closed before it writes (a reader that stopped at once), and standard input from `stdin`. */
async function withStdoutClosed(args: string[], cwd: string, env: Record<string, string> = {}, stdin = ''): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: binaryEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.destroy();
  child.stdin.end(stdin);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

describe('a reader that closes standard output early', () => {
  const quietly = (stderr: string) => {
    expect(stderr).not.toMatch(/EPIPE|Error:|at .*\.js:\d+/);
  };
  it('ends every command that writes to stdout quietly, with its own exit code', async () => {
    const dir = tempProject();
    const runs = await Promise.all(
      (
        [
          [['--help'], 0],
          [['--version'], 0],
          [['validate', 'samples/groups.csv', 'samples/companies.csv', 'samples/users.csv'], 0],
          [['validate', 'samples/invalid/users.csv', '--target', 'generic', '--format', 'json'], 3],
          [['validate', '-', '--target', 'generic'], 0, 'externalId,firstName,lastName\nA1,Ann,Lee\n'],
          [['targets'], 0],
          [['targets', 'check', '--format', 'json'], 0],
          [['config', 'schema'], 0],
          [['import', 'samples/users.csv', '--dry-run'], 0],
          [['export', '--entity', 'companies'], 0],
          [['completion', 'bash'], 0],
        ] as Array<[string[], number, string?]>
      ).map(async ([args, expected, stdin]) => ({ args, expected, ...(await withStdoutClosed(args, dir, {}, stdin)) })),
    );
    for (const run of runs) {
      expect(run.code, `${run.args.join(' ')}: ${run.stderr}`).toBe(run.expected);
      quietly(run.stderr);
    }
  });
});

describe('the built binary against a sandbox', () => {
  const sandbox = useSandbox({ latency: { ms: 40, jitterMs: 10 } });

  it('stops quietly when a reader closes the pipe early (hrsync export | head -1)', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { hr: { type: 'unified', baseUrl: sandbox().urls.unified, connectionId: 'sandbox', apiKey: 'env:K', pageSize: 20 } } }));
    const child = spawn(process.execPath, [BIN, 'export'], { cwd: dir, env: { ...process.env, K: 'sandbox-key' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    expect(first.toString()).toMatch(/^externalId,/);
    child.stdout.destroy(); // what head does after its line; 280 more employees are still to come
    const [code] = (await once(child, 'close')) as [number];
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('an import whose plan reader closed the pipe still applies everything and writes its results', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('P', 30));
    const run = await withStdoutClosed(['import', 'u.csv', '--yes', '--results', 'out'], dir, { AP_KEY: 'sandbox-key' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('30 changes applied, 0 failed');
    expect(sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('P'))).toHaveLength(30);
    expect(readFileSync(join(dir, 'out', 'results.csv'), 'utf8').split('\n').filter((l) => l.includes(',ok,'))).toHaveLength(30);
  });

  it('converges with no duplicates when an import killed with SIGKILL part-way is run again', async () => {
    const ENV = { AP_KEY: 'sandbox-key' };
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', manyUsers('K', 60));
    const created = () => sandbox().state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('K'));
    const child = spawn(process.execPath, [BIN, 'import', 'u.csv', '--yes', '--concurrency', '2'], { cwd: dir, env: { ...process.env, ...ENV }, stdio: 'ignore' });
    await expect.poll(() => created().length, { timeout: PATIENCE_MS, interval: 20 }).toBeGreaterThan(8);
    child.kill('SIGKILL');
    await once(child, 'close');
    const partial = created().length;
    expect(partial).toBeLessThan(60);
    const again = await hrsyncBinary(['import', 'u.csv', '--yes', '--concurrency', '8'], dir, ENV);
    expect(again.code, again.stderr).toBe(0);
    // Writes in flight when it was killed may still have landed: they are simply found unchanged.
    const [, toCreate, unchanged] = /Plan: (\d+) to create, 0 to update, (\d+) unchanged\./.exec(again.stdout)!.map(Number);
    expect(toCreate! + unchanged!).toBe(60);
    expect(unchanged).toBeGreaterThanOrEqual(partial);
    expect(created()).toHaveLength(60);
    expect(new Set(created().map((u) => u.ExternalID)).size).toBe(60);
  });
});

describe('the binary before it is built', () => {
  it('says it is not built and what to run (exit 70), not a Node stack trace', async () => {
    const copy = tempDir();
    mkdirSync(join(copy, 'bin'));
    copyFileSync(BIN, join(copy, 'bin', 'hrsync.js'));
    copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    const child = spawn(process.execPath, [join(copy, 'bin', 'hrsync.js'), 'validate', 'x.csv'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(70);
    expect(stderr).toBe('error: hrsync is not built (dist/cli is missing or incomplete)\nhint: run npm run build (npm ci does it), then run hrsync again\n');
  });
});
