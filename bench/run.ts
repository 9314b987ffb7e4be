import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { companiesCsv, generateUsers } from './generate.js';

/**
 * npm run bench: numbers, printed, never asserted (these machines are shared and noisy).
 * Validation of a 1,000,000-row users CSV against csv-parse alone on the same file.
 * Goals (issue #2): peak memory under 300 MB, time within 1.5× of csv-parse alone.
 */
const ONLY = process.env.BENCH_ONLY; // "validate", "sandbox", "export" or "import"
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (ONLY === 'sandbox' || ONLY === 'export' || ONLY === 'import') {
  await import(`./${ONLY}.js`);
  process.exit(0);
}
const data = fileURLToPath(new URL('../../bench/data/', import.meta.url));
mkdirSync(data, { recursive: true });
const users = `${data}users-${ROWS}.csv`;
const companies = `${data}companies.csv`;
if (!existsSync(users)) {
  process.stdout.write(`generating ${users} …\n`);
  await generateUsers(users, ROWS);
}
writeFileSync(companies, companiesCsv());
const mb = (n: number) => `${n.toFixed(0)} MB`;
process.stdout.write(`input: ${ROWS.toLocaleString('en-US')} rows, ${mb(statSync(users).size / 1e6)} on disk; best of ${RUNS} runs\n`);

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const run = (script: string, args: string[]) =>
  JSON.parse(execFileSync(process.execPath, [here(script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })) as { ms: number; maxRssMb: number; rows?: number; errors?: number };
const best = (script: string, args: string[]) => {
  const runs = Array.from({ length: RUNS }, () => run(script, args));
  return { ms: Math.min(...runs.map((r) => r.ms)), maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)), last: runs.at(-1)! };
};

const baseline = best('csv-parse-alone.js', [users]);
const generic = best('validate-once.js', ['generic', users]);
const accessplanit = best('validate-once.js', ['accessplanit', companies, users]);
const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s`;
const line = (name: string, r: { ms: number; maxRssMb: number }) =>
  `${name.padEnd(34)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${rate(r.ms).padStart(16)}  peak ${mb(r.maxRssMb).padStart(7)}  ${(r.ms / baseline.ms).toFixed(2)}× csv-parse`;
process.stdout.write(
  [
    line('csv-parse alone', baseline),
    line('hrsync validate (generic)', generic),
    line('hrsync validate (accessplanit)', accessplanit),
    `errors found: generic ${generic.last.errors}, accessplanit ${accessplanit.last.errors} (expected 0)`,
    `goals: peak < 300 MB, time ≤ 1.5× csv-parse`,
  ].join('\n') + '\n',
);
if (ONLY !== 'validate') {
  await import('./sandbox.js');
  await import('./export.js');
  await import('./import.js');
}
