import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './cli.js';
import { tempDir } from './files.js';
import { PATIENCE_MS } from './patience.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Whether a test can act as other users of this machine: root, with useradd and setpriv (util-linux). */
export const CAN_BE_OTHERS = process.getuid?.() === 0 && has('useradd') && has('setpriv');
export const NOT_ROOT_REASON = 'skipped: acting as another user of the machine needs root, useradd and setpriv';

export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
}

/** A system user of the machine (made once, with no home and no login), for tests that need a second uid. */
export function otherUser(name: string): OtherUser {
  if (spawnSync('id', ['-u', name]).status !== 0) spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g') };
}

/** The argv that runs a program as that user, with no supplementary groups. */
export function asUser(user: OtherUser, argv: string[]): string[] {
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...argv];
}

/** Runs a command as that user and returns its output (throws on failure). */
export function runAs(user: OtherUser, argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const [file, ...args] = asUser(user, argv);
  return execFileSync(file!, args, { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
}

/**
 * A folder of the test's that every user may enter and read (its own files stay the test's). The
 * run's folder above it lets others pass through to a name they know (0711), never list it.
 */
export function openDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  chmodSync(dirname(dir), 0o711);
  return dir;
}

/** A folder like the machine's /tmp: root's, anyone may write in it, each removes only their own files. */
export function stickyDir(): string {
  const dir = join(openDir(), 'tmp');
  execFileSync('install', ['-d', '-m', '1777', dir]);
  return dir;
}

/**
 * hrsync's run lock as a program of its own (src/app/lock.ts bundled with esbuild: it needs only Node),
 * in a folder every user can read, so a real second uid takes locks with the same code: `node FILE
 * hold|try RESOURCE` prints one JSON line — held, or the refusal — and `hold` keeps it until killed.
 */
export async function lockProgram(): Promise<string> {
  const dir = openDir();
  await build({ entryPoints: [join(ROOT, 'src', 'app', 'lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'lock.mjs'), logLevel: 'silent' });
  const driver = join(dir, 'driver.mjs');
  writeFileSync(
    driver,
    `import { acquireLock } from './lock.mjs';
const [mode, resource] = process.argv.slice(2);
const warnings = [];
try {
  const lock = await acquireLock(resource, 'the target', mode, { warn: (m) => warnings.push(m) });
  console.log(JSON.stringify({ held: true, warnings }));
  if (mode === 'hold') setInterval(() => {}, 1000); else await lock.release();
} catch (error) {
  console.log(JSON.stringify({ held: false, message: error.message, exitCode: error.exitCode, warnings }));
}
`,
  );
  chmodSync(dir, 0o755);
  return driver;
}

/** Starts the lock program as that user, holding the lock; resolves once it says it holds it. */
export function holdAs(user: OtherUser, driver: string, resource: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const [file, ...args] = asUser(user, [process.execPath, driver, 'hold', resource]);
  const child = spawn(file!, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the holder did not take the lock within ${PATIENCE_MS / 1000} s`)), PATIENCE_MS);
    child.stdout!.once('data', (line: Buffer) => {
      clearTimeout(timer);
      const said = JSON.parse(line.toString()) as { held: boolean; message?: string };
      if (said.held) resolve(child);
      else reject(new Error(said.message));
    });
    child.once('exit', (code) => reject(new Error(`the holder ended (${code})`)));
  });
}

/** Tries the lock as that user: held (and released) or refused, with what it warned of. */
export function tryAs(user: OtherUser, driver: string, resource: string, env: NodeJS.ProcessEnv): { held: boolean; message?: string; exitCode?: number; warnings: string[]; ms: number } {
  const started = Date.now();
  const out = runAs(user, [process.execPath, driver, 'try', resource], env);
  return { ...(JSON.parse(out) as { held: boolean; message?: string; exitCode?: number; warnings: string[] }), ms: Date.now() - started };
}
