import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { companiesCsv, generateUsers, groupsCsv, type Shape } from './generate.js';
import { alternate, havePython, measure, median, medianRatio, type Usage } from './measure.js';

/**
 * Validation speed and memory (issue #11), whole processes, printed side by side — never asserted
 * (these machines are shared and noisy). CPU is user + system time; every ratio is the median of the
 * per-round ratios over RUNS rounds in which the commands alternate.
 */
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const SIZES = (process.env.BENCH_SIZES ?? '250000,500000,1000000,2000000').split(',').map(Number);
const MAIN = Number(process.env.BENCH_ROWS ?? 1_000_000);
const node = process.execPath;
const root = fileURLToPath(new URL('../../', import.meta.url));
const data = `${root}bench/data/`;
const hrsync = `${root}bin/hrsync.js`;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
mkdirSync(data, { recursive: true });

if (!havePython()) {
  process.stdout.write('validate bench: needs python3 (it measures each process with getrusage); skipped\n');
  process.exit(0);
}

async function file(rows: number, shape: Shape = {}): Promise<string> {
  const path = `${data}users-${rows}${shape.brokenEmails ? '-broken' : ''}.${shape.format ?? 'csv'}`;
  if (!existsSync(path)) {
    process.stdout.write(`generating ${path} …\n`);
    await generateUsers(path, rows, shape);
  }
  return path;
}
const companies = `${data}companies.csv`;
const groups = `${data}groups.csv`;
writeFileSync(companies, companiesCsv());
writeFileSync(groups, groupsCsv());

const csvParse = (path: string) => () => measure(node, [here('csv-parse-alone.js'), path]);
const generic = (path: string, ...extra: string[]) => () => measure(node, [hrsync, 'validate', path, '--target', 'generic', ...extra]);
const accessplanit = (path: string) => () => measure(node, [hrsync, 'validate', groups, companies, path, '--target', 'accessplanit']);

const s = (x: number) => x.toFixed(2).padStart(6);
const mb = (x: number) => `${Math.round(x)} MB`.padStart(7);
const rate = (rows: number, u: Usage[]) => `${Math.round(rows / median(u.map((x) => x.cpu))).toLocaleString('en-US')} rows/s`.padStart(16);
const cpu = (u: Usage[]) => median(u.map((x) => x.cpu));
const peak = (u: Usage[]) => Math.max(...u.map((x) => x.peakMb));
const status = (u: Usage[]) => (u.every((x) => x.status === u[0]!.status) ? u[0]!.status : `${u.map((x) => x.status).join('/')}`);
const mark = (ok: boolean) => (ok ? '✔' : '✘');
const out = (text = '') => process.stdout.write(`${text}\n`);

// 1. The main file: hrsync against csv-parse alone, with the field's fastest for reference.
const main = await file(MAIN);
out(`\nvalidate: ${MAIN.toLocaleString('en-US')} rows, ${Math.round(statSync(main).size / 1e6)} MB; CPU = user + sys of the whole process, median of ${RUNS} alternating runs`);
const python = `import csv, sys\nn = 0\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n  for _ in csv.DictReader(f): n += 1\nprint(n)`;
const runs = alternate(
  {
    'csv-parse alone (columns: true, streamed)': csvParse(main),
    'uDSV, rows as string arrays (reference)': () => measure(node, [here('udsv-alone.js'), main]),
    'Python csv.DictReader (reference)': () => measure('python3', ['-c', python, main]),
    'hrsync validate --target generic': generic(main),
    'hrsync validate --target accessplanit': accessplanit(main),
  },
  RUNS,
);
const baseline = runs['csv-parse alone (columns: true, streamed)']!;
out(`${''.padEnd(44)} ${'CPU s'.padStart(6)}  ${'÷ csv-parse'.padStart(11)}  ${'rate'.padStart(16)}  ${'peak'.padStart(7)}  exit`);
for (const [name, u] of Object.entries(runs)) out(`${name.padEnd(44)} ${s(cpu(u))}  ${medianRatio(u, baseline).toFixed(2).padStart(10)}×  ${rate(MAIN, u)}  ${mb(peak(u))}  ${status(u)}`);
const g = medianRatio(runs['hrsync validate --target generic']!, baseline);
const a = medianRatio(runs['hrsync validate --target accessplanit']!, baseline);
out(`goals: generic ≤ 0.80× ${mark(g <= 0.8)}   accessplanit ≤ 0.90× ${mark(a <= 0.9)}   peak < 200 MB at 1M ${mark(peak(runs['hrsync validate --target generic']!) < 200 && peak(runs['hrsync validate --target accessplanit']!) < 200)}`);

// 2. Linear time: the same rows per second at every size.
out(`\nvalidate --target generic by size (median of ${RUNS} alternating runs with csv-parse alone)`);
out(`${'rows'.padStart(10)} ${'MB'.padStart(5)}  ${'CPU s'.padStart(6)}  ${'rate'.padStart(16)}  ${'peak'.padStart(7)}  ÷ csv-parse`);
let peakAt2M: number | undefined;
for (const rows of SIZES) {
  const path = await file(rows);
  const r = (rows === MAIN ? { hrsync: runs['hrsync validate --target generic']!, csv: baseline } : alternate({ hrsync: generic(path), csv: csvParse(path) }, RUNS)) as Record<'hrsync' | 'csv', Usage[]>;
  out(`${rows.toLocaleString('en-US').padStart(10)} ${String(Math.round(statSync(path).size / 1e6)).padStart(5)}  ${s(cpu(r.hrsync))}  ${rate(rows, r.hrsync)}  ${mb(peak(r.hrsync))}  ${medianRatio(r.hrsync, r.csv).toFixed(2)}×`);
  if (rows === 2_000_000) peakAt2M = peak(r.hrsync);
}
if (peakAt2M !== undefined) out(`goal: peak < 300 MB at 2M ${mark(peakAt2M < 300)}`);

// 3. JSON: an array streams like NDJSON.
const json = await file(MAIN, { format: 'json' });
const ndjson = await file(MAIN, { format: 'ndjson' });
const j = alternate({ json: generic(json), ndjson: generic(ndjson) }, RUNS);
out(`\nthe same ${MAIN.toLocaleString('en-US')} records as a JSON array (${Math.round(statSync(json).size / 1e6)} MB) and as NDJSON`);
out(`JSON array  ${s(cpu(j.json!))} s CPU  ${mb(peak(j.json!))}  exit ${status(j.json!)}`);
out(`NDJSON      ${s(cpu(j.ndjson!))} s CPU  ${mb(peak(j.ndjson!))}  exit ${status(j.ndjson!)}`);
const jr = medianRatio(j.json!, j.ndjson!);
out(`goals: JSON array < 300 MB ${mark(peak(j.json!) < 300)}   ≤ 1.2× the CPU of NDJSON ${mark(jr <= 1.2)} (${jr.toFixed(2)}×)`);

// 4. Every row invalid: issues stream, only counters stay.
const broken = await file(MAIN, { brokenEmails: true });
const b = alternate({ json: generic(broken, '--format', 'json'), text: generic(broken), valid: generic(main) }, RUNS);
out(`\n${MAIN.toLocaleString('en-US')} rows, every email broken, against the same rows valid (text)`);
out(`--format json  ${s(cpu(b.json!))} s CPU  ${mb(peak(b.json!))}  exit ${status(b.json!)}  ${medianRatio(b.json!, b.valid!).toFixed(2)}× valid`);
out(`text           ${s(cpu(b.text!))} s CPU  ${mb(peak(b.text!))}  exit ${status(b.text!)}  ${medianRatio(b.text!, b.valid!).toFixed(2)}× valid`);
out(`text, valid    ${s(cpu(b.valid!))} s CPU  ${mb(peak(b.valid!))}  exit ${status(b.valid!)}`);
const invalidText = medianRatio(b.text!, b.valid!);
out(`goals: --format json < 300 MB ${mark(peak(b.json!) < 300)}   text ≤ 1.3× the CPU of the valid file ${mark(invalidText <= 1.3)} (${invalidText.toFixed(2)}×)`);

// 5. Start-up: a small validate and --version against node doing nothing.
const sample = `${root}samples/users.csv`;
const STARTS = Math.max(RUNS, 7);
const st = alternate(
  {
    'node -e 0': () => measure(node, ['-e', '0']),
    'hrsync --version': () => measure(node, [hrsync, '--version']),
    'hrsync validate samples/users.csv --target generic': () => measure(node, [hrsync, 'validate', sample, '--target', 'generic']),
  },
  STARTS,
);
const zero = st['node -e 0']!;
out(`\nstart-up (median of ${STARTS} alternating runs)`);
for (const [name, u] of Object.entries(st)) out(`${name.padEnd(52)} ${s(cpu(u))} s CPU  ${medianRatio(u, zero).toFixed(2)}×  ${mb(peak(u))}`);
const v = medianRatio(st['hrsync --version']!, zero);
const small = medianRatio(st['hrsync validate samples/users.csv --target generic']!, zero);
out(`goals: --version ≤ 1.5× ${mark(v <= 1.5)}   validate ≤ 2× ${mark(small <= 2)}`);
