import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { lmsProject, manyUsers, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/** A pass-through proxy in front of `origin` that counts the most requests it ever had in flight at once. */
async function countingProxy(origin: string): Promise<{ url: string; most: () => number; stop: () => Promise<void> }> {
  let now = 0;
  let most = 0;
  const target = new URL(origin);
  const server = createServer((req, res) => {
    most = Math.max(most, ++now);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res).on('finish', () => now--);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, most: () => most, stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('--concurrency is what runs', () => {
  const sandbox = useSandbox({ latency: { ms: 60, jitterMs: 5 } });

  it('sizes the target’s connection pool: 16 writes in flight, over the config’s default of 8', async () => {
    const origin = new URL(sandbox().urls.accessplanit);
    const proxy = await countingProxy(origin.origin);
    try {
      const dir = lmsProject(`${proxy.url}${origin.pathname}`, { rateLimit: '10000/s' });
      write(dir, 'u.csv', manyUsers('CC', 80));
      const run = await hrsyncIn(['import', 'u.csv', '--yes', '--concurrency', '16'], { cwd: dir, env: { AP_KEY: 'sandbox-key' } });
      expect(run.code, run.stderr).toBe(0);
      expect(proxy.most()).toBeGreaterThan(8); // the pool of 8 a config without `concurrency` gets held it to 8
      expect(proxy.most()).toBeLessThanOrEqual(16);
    } finally {
      await proxy.stop();
    }
  });
});
