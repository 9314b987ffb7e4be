import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real `hrsync sandbox` of dist/ (bin/hrsync.js), in its own process, for the benchmarks: every
 * emulated limit lifted (`--rate-limit off`, accessplanit's 5,000 requests an hour included), on a
 * free port (`--port 0`), its state file in a temporary folder. A target of `users` accessplanit users
 * starts from a state file: the sandbox's own seed (the samples: companies, groups, 5 users) with the
 * users added, as the vendor's rows (ID, names, Email, MainCompanyID ACME01, Status, ExternalID X<i>).
 */
export const BIN = fileURLToPath(new URL('../../bin/hrsync.js', import.meta.url));

export interface CliSandbox {
  /** The sandbox's origin; accessplanit is at `${url}/accessplan/api/v2`. */
  url: string;
  /** SIGTERM: it writes its state and exits; the temporary folder goes. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL'); // the bench ended without stopping it: nothing of it is needed
});

/** Starts `hrsync sandbox` with `args`, resolving once it prints where it serves (after seeding). */
async function start(dir: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--rate-limit', 'off', '--data', join(dir, 'state.json'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit').then(([code]) => Promise.reject(new Error(`hrsync sandbox exited ${code}: ${err.trim()}`)));
  exited.catch(() => undefined);
  for (;;) {
    // Its banner's first line: "hrsync sandbox on http://127.0.0.1:PORT".
    const url = /hrsync sandbox on (http:\/\/\S+)/.exec(out)?.[1];
    if (url && out.includes('counters')) return { url, child };
    await Promise.race([once(child.stdout!, 'data'), exited]);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  live.delete(child);
}

let seeded: string | undefined;
/** The sandbox's own seeded state, made once per bench process by a sandbox started and stopped. */
async function seedState(): Promise<string> {
  if (seeded && existsSync(seeded)) return seeded;
  const dir = mkdtempSync(join(tmpdir(), 'hrsync-bench-seed-'));
  const { child } = await start(dir, []);
  await stopChild(child);
  seeded = join(dir, 'state.json');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return seeded;
}

/** `hrsync sandbox --rate-limit off` holding `users` more accessplanit users, answering after `latencyMs`. */
export async function cliSandbox(users: number, latencyMs = 0): Promise<CliSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'hrsync-bench-sandbox-'));
  const state = join(dir, 'state.json');
  if (users > 0) {
    const saved = JSON.parse(readFileSync(await seedState(), 'utf8')) as { accessplanit: { User: Array<[string, Record<string, unknown>]> } };
    for (let i = 0; i < users; i++)
      saved.accessplanit.User.push([`u${i}`, { ID: `u${i}`, Forenames: `First${i}`, Surname: `Last${i}`, Email: `u${i}@example.co.uk`, MainCompanyID: 'ACME01', Status: i % 10 ? 'Enabled' : 'Disabled', ExternalID: `X${i}` }]);
    writeFileSync(state, JSON.stringify(saved), { mode: 0o600 });
  } else copyFileSync(await seedState(), state);
  const { url, child } = await start(dir, latencyMs ? ['--latency', `${latencyMs}ms`] : []);
  return {
    url,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A project folder for CLI runs against the sandbox at `url`: accessplanit "lms" (its key in AP_KEY, unpaced, with `settings`), and `files`. */
export function benchProject(url: string, files: Record<string, string>, settings: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hrsync-bench-'));
  writeFileSync(join(dir, 'hrsync.config.json'), JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: `${url}/accessplan/api/v2`, apiKey: 'env:AP_KEY', rateLimit: '100000/s', ...settings } } }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** One run of the real CLI in `dir`, its output thrown away: wall milliseconds; an exit but 0 throws. */
export async function hrsync(dir: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, AP_KEY: 'sandbox-key' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`hrsync ${args.join(' ')} exited ${code}: ${err.trim()}`);
  return performance.now() - started;
}

/** The users the sandbox holds (cliSandbox), as an HR file: every `renamedEvery`th one with a new surname. */
export function usersCsv(n: number, renamedEvery = 0): string {
  const rows = ['Employee ID,First name,Last name,Email,Company ID,Status'];
  for (let i = 0; i < n; i++) rows.push(`X${i},First${i},${renamedEvery && i % renamedEvery === 0 ? `Renamed${i}` : `Last${i}`},u${i}@example.co.uk,ACME01,${i % 10 ? 'Enabled' : 'Disabled'}`);
  return rows.join('\n') + '\n';
}
