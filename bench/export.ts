import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliSandbox } from './cli-sandbox.js';

/**
 * Export of 100,000 users from the sandbox through the real CLI (another process), printed:
 * rows/s and the exporting process's peak memory. Goal (issue #4): memory flat in the row count.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const server = await cliSandbox(USERS);
const url = server.url;

const data = fileURLToPath(new URL('../../bench/data/', import.meta.url));
mkdirSync(data, { recursive: true });
const out = `${data}export-users.csv`;
const probe = here('export-once.js');
const child = spawn(process.execPath, [probe, `${url}/accessplan/api/v2`, out], { stdio: ['ignore', 'pipe', 'inherit'] });
let text = '';
child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
await once(child, 'close');
const result = JSON.parse(text) as { rows: number; ms: number; maxRssMb: number };
process.stdout.write(
  `export: ${result.rows.toLocaleString('en-US')} users in ${(result.ms / 1000).toFixed(2)} s = ${Math.round(result.rows / (result.ms / 1000)).toLocaleString('en-US')} rows/s, ` +
    `peak ${result.maxRssMb.toFixed(0)} MB, file ${(statSync(out).size / 1e6).toFixed(1)} MB (pages of 500, API key, no pacing)\n`,
);
await server.stop();
