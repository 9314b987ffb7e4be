import { rulesNamed } from '../src/connectors/registry.js';
import { validateFiles } from '../src/core/validate/validate-files.js';

/** One validate run in its own process, so its peak memory is its own. */
const [target, ...files] = process.argv.slice(2);
const started = performance.now();
const report = await validateFiles(files, { rules: rulesNamed(target!)! });
process.stdout.write(
  JSON.stringify({ rows: report.summary.rows, errors: report.summary.errors, ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
