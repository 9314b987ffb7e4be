import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countRequests, type StatsSnapshot } from '../src/sandbox/stats.js';

/**
 * SCIM /Bulk (issue #22 goal 8): the same creates into the SCIM emulator at 20 ms latency, through the
 * real CLI, with writes gathered into /Bulk requests (the config's `bulk: auto`, the emulator offering
 * it with maxOperations 1000) and without (`bulk: never`): requests and time side by side, as ratios.
 */
const N = Number(process.env.BENCH_BULK_USERS ?? 5_000);
const LATENCY = 20;
const CONCURRENCY = 8;
const bin = fileURLToPath(new URL('../../bin/hrsync.js', import.meta.url));

async function sandbox(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('bulk-server.js', import.meta.url)), String(LATENCY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: line.toString().trim(), stop: () => child.kill('SIGTERM') };
}
const stats = async (url: string) => (await (await fetch(`${url}/_sandbox/stats`)).json()) as StatsSnapshot;

let csv = 'Employee ID,Email,First name,Last name\n';
for (let i = 0; i < N; i++) csv += `B${i},b${i}@example.co.uk,First${i},Last${i}\n`;

/** One import of the N people into an empty emulator: whole run, write requests, users there after. */
async function importing(bulk: 'auto' | 'never', dryRun = false): Promise<{ ms: number; writes: number; bulks: number }> {
  const { url, stop } = await sandbox();
  const dir = mkdtempSync(join(tmpdir(), 'hrsync-bench-bulk-'));
  writeFileSync(join(dir, 'hrsync.config.json'), JSON.stringify({ targets: { idp: { type: 'scim', baseUrl: `${url}/scim/v2`, token: 'env:SCIM_TOKEN', bulk } } }));
  writeFileSync(join(dir, 'people.csv'), csv);
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'import', 'people.csv', ...(dryRun ? ['--dry-run'] : ['--yes']), '--concurrency', String(CONCURRENCY), '--results', 'run'], { cwd: dir, env: { ...process.env, SCIM_TOKEN: 'sandbox-key' }, stdio: ['ignore', 'ignore', 'ignore'] });
  const [code] = (await once(child, 'close')) as [number];
  const ms = performance.now() - started;
  const after = await stats(url);
  stop();
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`import (bulk: ${bulk}) exited ${code}`);
  const writes = countRequests(after, { platform: 'scim', method: ['POST', 'PUT', 'PATCH', 'DELETE'] });
  return { ms, writes, bulks: countRequests(after, { platform: 'scim', endpoint: 'Bulk' }) };
}

// The same run without writing (validation, reading the target, planning): what is left of a run is its apply.
const plan = await importing('auto', true);
const single = await importing('never');
const bulk = await importing('auto');
const apply = (ms: number) => Math.max(1, ms - plan.ms);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
process.stdout.write(
  `${N.toLocaleString('en-US')} SCIM creates at ${LATENCY} ms latency, --concurrency ${CONCURRENCY} (whole run; apply = whole − a dry run's ${s(plan.ms)}):\n` +
    `  one request per write: ${single.writes.toLocaleString('en-US')} write requests, ${s(single.ms)} (apply ${s(apply(single.ms))})\n` +
    `  /Bulk:                 ${bulk.writes.toLocaleString('en-US')} write requests (${bulk.bulks} to /Bulk), ${s(bulk.ms)} (apply ${s(apply(bulk.ms))})\n` +
    `  /Bulk ÷ one per write: requests ×${(bulk.writes / single.writes).toFixed(4)}, whole run ×${(bulk.ms / single.ms).toFixed(2)}, apply ×${(apply(bulk.ms) / apply(single.ms)).toFixed(2)}\n`,
);
