import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { countRequests, type StatsSnapshot } from '../src/sandbox/stats.js';
import { benchProject, cliSandbox as sandbox, hrsync, usersCsv } from './cli-sandbox.js';

/**
 * Import numbers, printed (issue #5): a nightly sync of 10,000 users with 1% changed — API calls made
 * against the minimum (changes + pages read + auth) and against pushing every row; and 10,000 creates
 * at 20 ms latency — throughput against the bound concurrency ÷ latency (goal ≥ 85%). Every import runs
 * through the real CLI against the real `hrsync sandbox --rate-limit off` (issue 22 goal 7).
 */
const N = Number(process.env.BENCH_IMPORT_USERS ?? 10_000);
const CONCURRENCY = 8;
/** The most users the emulated accessplanit puts in a page, whatever $top asks (its pageCap). */
const PAGE = 100;

const stats = async (url: string) => (await (await fetch(`${url}/_sandbox/stats`)).json()) as StatsSnapshot;

/** One import through the real CLI; `--concurrency` alone sets what runs (the config sets none, as issue #22 measured). */
async function importing(url: string, csv: string, concurrency = CONCURRENCY): Promise<{ ms: number; applyMs: number }> {
  const dir = benchProject(url, { 'users.csv': csv });
  const ms = await hrsync(dir, ['import', 'users.csv', '--yes', '--concurrency', String(concurrency), '--results', 'run']);
  // The apply phase, from the journal: first completed write to last.
  const at = readFileSync(join(dir, 'run', 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => Date.parse((JSON.parse(l) as { at: string }).at));
  rmSync(dir, { recursive: true, force: true });
  return { ms, applyMs: at.length > 1 ? at.at(-1)! - at[0]! : 0 };
}

// 1. Nightly sync: the target already holds the N users; 1% have a new surname.
{
  const { url, stop } = await sandbox(N, 0);
  const csv = usersCsv(N, 100);
  const changed = Math.ceil(N / 100);
  const before = await stats(url);
  const { ms } = await importing(url, csv);
  const after = await stats(url);
  const calls = (f: Parameters<typeof countRequests>[1]) => countRequests(after, f) - countRequests(before, f);
  const made = calls({});
  const writes = calls({ method: ['POST', 'PUT', 'DELETE'] });
  const reads = calls({ method: 'GET' });
  const minimumReads = Math.ceil((N + 5) / PAGE) + 1; // the users, page by page, and the one page of companies references need
  const minimum = changed + minimumReads; // + 0 for auth: an API key needs no token call
  process.stdout.write(
    `nightly sync of ${N.toLocaleString('en-US')} users, ${changed} changed: ${made} API calls (${writes} writes, ${reads} reads) in ${(ms / 1000).toFixed(1)} s; ` +
      `minimum ${minimum} (${changed} changes + ${minimumReads} pages + 0 auth); pushing every row: ${N.toLocaleString('en-US')}\n`,
  );
  await stop();
}

/**
 * The same creates sent by a bare undici pool of `concurrency` connections, nothing of hrsync around
 * them: the most this machine and this sandbox give, in creates per second. On 2 shared cores the
 * sandbox and the client compete for the CPU, so the bound N ÷ latency may be out of any client's
 * reach; printing this beside hrsync's rate tells hrsync's overhead from the machine's.
 */
async function bareCreates(url: string, n: number, concurrency: number): Promise<number> {
  const pool = new Pool(url, { connections: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const body = JSON.stringify({ Forenames: `First${i}`, Surname: `Last${i}`, Email: `bare${i}@example.co.uk`, MainCompanyID: 'ACME01', Status: 'Enabled', ExternalID: `B${i}` });
        const answer = await pool.request({ method: 'POST', path: '/accessplan/api/v2/User', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-key' }, body });
        await answer.body.text();
        if (answer.statusCode !== 201 && answer.statusCode !== 200) throw new Error(`bare create answered ${answer.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return n / seconds;
}

// 2. Creates at 20 ms latency, --concurrency 8 and 32 side by side (goal, issue #22: ≥ 85% of N ÷ latency).
for (const concurrency of [8, 32]) {
  const latency = 20;
  const { url, stop } = await sandbox(0, latency);
  const csv = usersCsv(N);
  const before = await stats(url);
  const { ms, applyMs } = await importing(url, csv, concurrency);
  const after = await stats(url);
  const creates = countRequests(after, { method: 'POST', endpoint: 'User' }) - countRequests(before, { method: 'POST', endpoint: 'User' });
  const bound = concurrency / (latency / 1000);
  // The first journal line is written one latency after the apply starts: count it in.
  const rate = creates / ((applyMs + latency) / 1000);
  const share = rate / bound;
  process.stdout.write(
    `${creates.toLocaleString('en-US')} creates at ${latency} ms latency, --concurrency ${concurrency}: apply ${(applyMs / 1000).toFixed(1)} s = ${rate.toFixed(0)} creates/s, ` +
      `${(share * 100).toFixed(0)}% of the bound ${bound}/s ${share >= 0.85 ? '✔' : '✘'} (goal ≥ 85%); whole run with validation and planning ${(ms / 1000).toFixed(1)} s\n`,
  );
  await stop();
  const bare = await sandbox(0, latency);
  const ceiling = await bareCreates(bare.url, creates, concurrency);
  await bare.stop();
  process.stdout.write(
    `  the same creates from a bare undici pool of ${concurrency} (no hrsync): ${ceiling.toFixed(0)}/s = ${((ceiling / bound) * 100).toFixed(0)}% of the bound; ` +
      `hrsync reaches ${((rate / ceiling) * 100).toFixed(0)}% of what this machine gives a bare client\n`,
  );
}
