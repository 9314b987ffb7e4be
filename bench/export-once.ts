import { runExport } from '../src/app/export-run.js';
import { AccessplanitTarget } from '../src/connectors/accessplanit/target.js';

/** One export in its own process, so its peak memory is its own. */
const [baseUrl, out] = process.argv.slice(2);
const target = new AccessplanitTarget({ name: 'bench', baseUrl: baseUrl!, apiKey: 'sandbox-key', ratePerSecond: 1e9, burst: 1e9 });
const report = await runExport(target, { entity: 'users', output: out!, format: 'csv' }, process.stdout);
await target.close();
process.stdout.write(JSON.stringify({ rows: report.rows, ms: report.ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
