import { rmSync } from 'node:fs';
import { BIN, benchProject, cliSandbox, usersCsv } from './cli-sandbox.js';
import { measure } from './measure.js';

/**
 * Plan memory (issue 22 goal 4: 1M input vs 1M target planned in < 500 MB peak): the peak resident
 * memory of `hrsync import users.csv --dry-run` — N users (1% renamed) against the real CLI sandbox
 * holding the same N — for each N of BENCH_PLAN_USERS (default 50,000 and 200,000; add 1000000 for
 * the goal's own size, about ten minutes here), with the memory per person.
 */
const SIZES = (process.env.BENCH_PLAN_USERS ?? '50000,200000').split(',').map(Number);
const rows: string[] = [];
let largest: { n: number; mb: number } | undefined;
for (const n of SIZES) {
  const sandbox = await cliSandbox(n, 0);
  // The sandbox's own 5 users come on top: a million and five is past the default maxRecords (1,000,000), a deliberate bound.
  const dir = benchProject(sandbox.url, { 'users.csv': usersCsv(n, 100) }, n + 5 > 1_000_000 ? { maxRecords: n + 5 } : {});
  try {
    const run = measure(process.execPath, [BIN, 'import', 'users.csv', '--dry-run'], false, { cwd: dir, env: { ...process.env, AP_KEY: 'sandbox-key' } });
    if (run.status !== 0) throw new Error(`hrsync import --dry-run of ${n} users exited ${run.status}`);
    rows.push(`${n.toLocaleString('en-US')} vs ${n.toLocaleString('en-US')}: ${run.peakMb.toFixed(0)} MB peak, ${((run.peakMb * 1024) / n).toFixed(2)} KB a person, ${run.wall.toFixed(1)} s`);
    if (!largest || n > largest.n) largest = { n, mb: run.peakMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.stop();
  }
}
const goal = largest && largest.n >= 1_000_000 ? `${largest.mb < 500 ? '✔' : '✘'} measured` : 'not measured here (BENCH_PLAN_USERS=…,1000000)';
process.stdout.write(`plan memory (import --dry-run, peak RSS): ${rows.join('; ')} — goal 1M vs 1M < 500 MB: ${goal}\n`);
