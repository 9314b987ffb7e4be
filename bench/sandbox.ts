import { Pool } from 'undici';
import { cliSandbox } from './cli-sandbox.js';

/**
 * Sandbox throughput, printed (never asserted): small requests per second from another process,
 * and listing 100,000 users in pages — the first and last pages must cost the same (no rescans).
 * Goals (issue #3): ≥ 5,000 small requests/s on this 2-core machine; paging without quadratic cost.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = 32;

const server = await cliSandbox(USERS);
const url = server.url;
const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
const auth = { authorization: 'Bearer sandbox-key' };

async function get(path: string): Promise<string> {
  const res = await pool.request({ method: 'GET', path, headers: auth });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`);
  return text;
}

// Warm up, then small requests with CONCURRENCY in flight.
for (let i = 0; i < 500; i++) await get('/accessplan/api/v2/CompanyGroup/RETAIL');
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < REQUESTS) await get('/accessplan/api/v2/CompanyGroup/RETAIL');
  }),
);
const rps = REQUESTS / ((performance.now() - started) / 1000);

// List every user, 1,000 a page, timing each page.
const pageTimes: number[] = [];
let listed = 0;
const listStart = performance.now();
for (let skip = 0; ; skip += 1000) {
  const t = performance.now();
  const page = JSON.parse(await get(`/accessplan/api/v2/User?$top=1000&$skip=${skip}`)) as { results: unknown[] };
  pageTimes.push(performance.now() - t);
  listed += page.results.length;
  if (page.results.length < 1000) break;
}
const listMs = performance.now() - listStart;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const filtered = performance.now();
let disabled = 0;
for (let skip = 0; ; skip += 1000) {
  const page = JSON.parse(await get(`/accessplan/api/v2/User?$top=1000&$skip=${skip}&$filter=${encodeURIComponent("Status eq 'Disabled'")}`)) as { results: unknown[] };
  disabled += page.results.length;
  if (page.results.length < 1000) break;
}
const filteredMs = performance.now() - filtered;

process.stdout.write(
  [
    `sandbox: ${Math.round(rps).toLocaleString('en-US')} small requests/s (${REQUESTS.toLocaleString('en-US')} GETs, ${CONCURRENCY} in flight, client in another process) — goal ≥ 5,000`,
    `list ${listed.toLocaleString('en-US')} users in ${pageTimes.length} pages of 1,000: ${(listMs / 1000).toFixed(2)} s; first 10 pages ${avg(pageTimes.slice(0, 10)).toFixed(1)} ms/page, last 10 ${avg(pageTimes.slice(-10)).toFixed(1)} ms/page`,
    `list with $filter=Status eq 'Disabled': ${disabled.toLocaleString('en-US')} users in ${(filteredMs / 1000).toFixed(2)} s`,
  ].join('\n') + '\n',
);
await pool.close();
await server.stop();
