import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFault, parseLatency, type FaultKind } from '../../src/sandbox/faults.js';
import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { InputError } from '../../src/errors.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { hrsyncIn } from '../helpers/run.js';
import { manyUsers, tempDir } from '../helpers/files.js';
import { AP_KEY, call, useSandbox } from '../helpers/sandbox.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const POST_USER = { Forenames: 'Fay', Surname: 'Ult', MainCompanyID: 'ACME01', ExternalID: 'F1' };

describe('faults', () => {
  const sandbox = useSandbox();
  const users = () => `${sandbox().urls.accessplanit}/User`;
  const only = (kind: FaultKind) => sandbox().setFaults({ [kind]: 1 });
  const count = () => sandbox().state().accessplanit.User.size;

  it('answers 429 (with Retry-After), 500 and 503 without changing anything', async () => {
    for (const kind of ['429', '500', '503'] as const) {
      only(kind);
      const before = count();
      const reply = await call(users(), { method: 'POST', headers: AP_KEY, json: POST_USER });
      expect(reply.status).toBe(Number(kind));
      if (kind === '429') expect(reply.headers.get('retry-after')).toBe('1');
      expect(count()).toBe(before);
    }
    sandbox().setFaults({});
  });

  it('resets the connection before the write: nothing is committed', async () => {
    only('reset-before');
    const before = count();
    await expect(call(users(), { method: 'POST', headers: AP_KEY, json: POST_USER })).rejects.toThrow();
    sandbox().setFaults({});
    expect(count()).toBe(before);
  });

  it('resets the connection after the write: committed, though the client never hears', async () => {
    only('reset-after');
    const before = count();
    await expect(call(users(), { method: 'POST', headers: AP_KEY, json: POST_USER })).rejects.toThrow();
    sandbox().setFaults({});
    expect(count()).toBe(before + 1);
    const found = await call(`${users()}?$filter=ExternalID eq 'F1'`, { headers: AP_KEY });
    expect(found.body.results).toHaveLength(1);
  });

  it('never answers a timed-out request, and still stops cleanly', async () => {
    only('timeout');
    await expect(call(users(), { headers: AP_KEY, signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    sandbox().setFaults({});
  });

  it('counts every request by platform, endpoint, method and status, faults as status 0', () => {
    const stats = sandbox().stats();
    expect(countRequests(stats, { platform: 'accessplanit', endpoint: 'User', method: 'POST', status: 0 })).toBe(2);
    expect(countRequests(stats, { platform: 'accessplanit', status: 503 })).toBe(1);
    expect(countRequests(stats, { platform: 'accessplanit', method: ['GET'], status: 0 })).toBe(1);
  });

  it('serves its counters over HTTP and resets to the seed', async () => {
    const stats = await call(`${sandbox().url}/_sandbox/stats`);
    expect(stats.body.total).toBeGreaterThan(0);
    expect((await call(`${sandbox().url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200);
    expect(sandbox().stats().total).toBe(0);
    expect(count()).toBe(5);
  });
});

describe('latency and the global rate limit', () => {
  it('delays answers by the latency asked for', async () => {
    const sandbox = await startSandbox({ port: 0, latency: { ms: 120, jitterMs: 0 } });
    try {
      const started = performance.now();
      await call(`${sandbox.urls.accessplanit}/User`, { headers: AP_KEY });
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await sandbox.stop();
    }
  });

  it('counts the latency from the request’s arrival, not from when its body was read', async () => {
    // A body sent 400 ms after its headers: answered ~500 ms after the headers (the network's delay),
    // not 400 + 500 (the latency counted from the body). The margin is wide for a busy machine.
    const sandbox = await startSandbox({ port: 0, latency: { ms: 500, jitterMs: 0 } });
    try {
      const url = new URL(`${sandbox.urls.accessplanit}/User`);
      const body = JSON.stringify(POST_USER);
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'POST', headers: { ...AP_KEY, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.flushHeaders();
        setTimeout(() => req.end(body), 400);
      });
      const took = performance.now() - started;
      expect(status).toBe(400); // this sandbox is not seeded: no company ACME01; the answer's time is what counts
      expect(took).toBeGreaterThanOrEqual(480);
      expect(took).toBeLessThan(850);
    } finally {
      await sandbox.stop();
    }
  });

  it('answers its own rate limit’s 429 after the latency too, as any answer', async () => {
    const sandbox = await startSandbox({ port: 0, latency: { ms: 300, jitterMs: 0 }, rateLimitPerSecond: 1, now: () => 1_000_000 });
    try {
      expect((await call(`${sandbox.urls.accessplanit}/User`, { headers: AP_KEY })).status).toBe(200);
      const started = performance.now();
      expect((await call(`${sandbox.urls.accessplanit}/User`, { headers: AP_KEY })).status).toBe(429);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await sandbox.stop();
    }
  });

  it('answers 429 past N requests per second across platforms', async () => {
    let now = 1_000_000;
    const sandbox = await startSandbox({ port: 0, rateLimitPerSecond: 2, now: () => now });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(`${sandbox.urls.accessplanit}/User`, { headers: AP_KEY })).status);
      expect(statuses).toEqual([200, 200, 429]);
      now += 1000;
      expect((await call(`${sandbox.url}/hris/sandbox/employee`, { headers: { authorization: 'sandbox-key' } })).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('persistence', () => {
  it('writes state atomically and loads it after a restart', async () => {
    const dataFile = join(tempDir(), 'state', 'sandbox.json');
    const first = (await startEmbedded({ port: 0, dataFile })).sandbox;
    const created = await call(`${first.urls.accessplanit}/User`, { method: 'POST', headers: AP_KEY, json: POST_USER });
    await first.stop();
    expect(existsSync(dataFile)).toBe(true);
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).version).toBe(1);
    const second = (await startEmbedded({ port: 0, dataFile })).sandbox;
    try {
      const found = await call(`${second.urls.accessplanit}/User/${created.body.ID}`, { headers: AP_KEY });
      expect(found.body).toMatchObject({ Forenames: 'Fay', ExternalID: 'F1' });
    } finally {
      await second.stop();
    }
  });

  it('refuses a damaged state file with an input error (exit 3) that names it and says what to do', async () => {
    const dir = tempDir();
    const dataFile = join(dir, 'sandbox.json');
    const cases: Array<[string, RegExp]> = [
      ['{x', /is damaged: not JSON/],
      ['[1, 2]', /is damaged: not a JSON object/],
      ['{"version": 2}', /is damaged: version 2, this hrsync reads version 1/],
      ['{}', /is damaged: it has no version/],
      ['{"version": 1, "appenate": {"users": [["a", [1]]]}}', /is damaged: appenate.users is not a list of \[id, record\] pairs/],
      ['{"version": 1, "accessplanit": {"User": 5}}', /is damaged: accessplanit.User is not a list of \[id, record\] pairs/],
      ['{"version": 1, "unified": {"sandbox": {"employee": []}}}', /is damaged: unified.sandbox has no company table/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(dataFile, text);
      const error = await startSandbox({ port: 0, dataFile }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(message);
      expect((error as InputError).message).toContain(dataFile);
      expect((error as InputError).hint).toBe(`delete ${dataFile} to start again from the seed`);
    }
  });

  it('seeds only the platforms a state file has no slice for', async () => {
    const dataFile = join(tempDir(), 'sandbox.json');
    writeFileSync(dataFile, JSON.stringify({ version: 1, appenate: { users: [] } }));
    const { sandbox } = await startEmbedded({ port: 0, dataFile });
    try {
      expect(sandbox.state().appenate.users.size).toBe(0); // as the file says
      expect(sandbox.state().accessplanit.User.size).toBe(5); // not in the file: seeded
    } finally {
      await sandbox.stop();
    }
  });

  it('starts a platform added since the state file was written from its own fresh state', async () => {
    const dataFile = join(tempDir(), 'sandbox.json');
    writeFileSync(dataFile, JSON.stringify({ version: 1, accessplanit: { User: [], Company: [], CompanyGroup: [] } }));
    const sandbox = await startSandbox({ port: 0, dataFile });
    try {
      expect(sandbox.state().accessplanit.User.size).toBe(0);
      expect(sandbox.state().unified.get('sandbox')!.employee.size).toBe(300); // the source's own built-in employees
    } finally {
      await sandbox.stop();
    }
  });

  it('reads a Unified slice saved before companies and groups were emulated: its employees, the rest fresh', async () => {
    const dataFile = join(tempDir(), 'sandbox.json');
    writeFileSync(dataFile, JSON.stringify({ version: 1, unified: { sandbox: [['emp_1', { id: 'emp_1', name: 'Old One' }]] } }));
    const sandbox = await startSandbox({ port: 0, dataFile });
    try {
      const { employee, company, group } = sandbox.state().unified.get('sandbox')!;
      expect([employee.size, company.size > 0, group.size > 0]).toEqual([1, true, true]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('options', () => {
  it('parses --fault and --latency, refusing what it does not know', () => {
    expect(parseFault('503=0.1')).toEqual(['503', 0.1, undefined]);
    expect(parseFault('reset-after=5%')).toEqual(['reset-after', 0.05, undefined]);
    expect(parseFault('slow-commit=0.2@3s')).toEqual(['slow-commit', 0.2, 3000]);
    expect(() => parseFault('503=0.1@3s')).toThrow(/only slow-commit takes a delay/);
    expect(() => parseFault('teapot=0.1')).toThrow(/bad --fault/);
    expect(() => parseFault('503=2')).toThrow(/0 to 1/);
    expect(parseLatency('20ms,5ms')).toEqual({ ms: 20, jitterMs: 5 });
    expect(parseLatency('1s')).toEqual({ ms: 1000, jitterMs: 0 });
    expect(() => parseLatency('fast')).toThrow(/bad --latency/);
  });
});

describe('hrsync sandbox', () => {
  it('prints the base URLs and demo credentials, serves, and stops cleanly on Ctrl-C', async () => {
    const dataFile = join(tempDir(), 'sb.json');
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--data', dataFile], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => out, { timeout: PATIENCE_MS }).toContain('counters');
    expect(out).toContain('user demo / password demo, or API key sandbox-key');
    expect(out).toContain('CompanyId=1 IntegrationKey=sandbox-key');
    const base = /hrsync sandbox on (http:\/\/\S+)/.exec(out)![1]!;
    expect((await call(`${base}/accessplan/api/v2/CompanyGroup`, { headers: AP_KEY })).status).toBe(200);
    const created = await call(`${base}/accessplan/api/v2/User`, { method: 'POST', headers: AP_KEY, json: POST_USER });
    expect(created.status).toBe(201);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The last change, made within the state file's batching window, is in it: stopping writes what waits.
    expect(JSON.stringify(JSON.parse(readFileSync(dataFile, 'utf8')).accessplanit.User)).toContain(`"${created.body.ID}"`);
    expect(statSync(dataFile).mode & 0o777).toBe(0o600);
  });

  it('answers only 503 with Retry-After (or nothing) until it is seeded, then prints its banner: a client polling from the start never sees a partial platform', async () => {
    const seed = tempDir();
    for (const name of ['companies.csv', 'groups.csv']) copyFileSync(join(ROOT, 'samples', name), join(seed, name));
    writeFileSync(join(seed, 'users.csv'), manyUsers('SEED', 200));
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', String(port), '--seed', seed, '--data', join(tempDir(), 'sb.json')], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let banner = '';
    child.stdout.on('data', (d: Buffer) => (banner += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const seen: Array<{ status: number | string; users?: number; retryAfter?: string | null; banner: boolean }> = [];
    try {
      // From the moment it starts until a full answer: connection refused, 503 + Retry-After, or every seeded user.
      for (const started = Date.now(); Date.now() - started < PATIENCE_MS; ) {
        const bannerBefore = banner.includes('counters');
        try {
          const reply = await fetch(`http://127.0.0.1:${port}/accessplan/api/v2/User?$top=0&$count=true`, { headers: AP_KEY, signal: AbortSignal.timeout(PATIENCE_MS) });
          const body = (await reply.json()) as { count?: number };
          seen.push({ status: reply.status, users: body.count, retryAfter: reply.headers.get('retry-after'), banner: bannerBefore });
          if (reply.status === 200) break;
        } catch (error) {
          seen.push({ status: String((error as { cause?: { code?: string } }).cause?.code ?? error), banner: bannerBefore });
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const last = seen.at(-1)!;
      expect(last).toMatchObject({ status: 200, users: 200 });
      for (const reply of seen.slice(0, -1)) {
        expect(reply.status === 'ECONNREFUSED' || (reply.status === 503 && reply.retryAfter === '1'), JSON.stringify(reply)).toBe(true);
        expect(reply.banner, 'the banner came before the sandbox was ready').toBe(false);
      }
      expect(seen.some((r) => r.status === 503)).toBe(true); // it was caught seeding
      await expect.poll(() => banner, { timeout: PATIENCE_MS }).toContain('counters');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });

  it('listens for SIGINT and SIGTERM before it prints its banner: stopped the moment the banner is read, it still stops cleanly and writes its state', async () => {
    const { sandboxCommand } = await import('../../src/cli/commands/sandbox.js');
    const dir = tempDir();
    const signals = new EventEmitter();
    const listening: number[] = [];
    const stream = (onWrite: (text: string) => void) => ({ write: (text: string) => (onWrite(text), true), isTTY: false });
    const io = {
      stdout: stream((text) => {
        if (text.includes('hrsync sandbox on')) {
          listening.push(signals.listenerCount('SIGTERM'));
          setImmediate(() => signals.emit('SIGTERM'));
        }
      }),
      stderr: stream(() => undefined),
      env: {},
      cwd: dir,
      stdinIsTTY: false,
      ask: async () => '',
      signals,
    } as unknown as Parameters<typeof sandboxCommand>[1];
    const code = await sandboxCommand({ host: '127.0.0.1', port: '0', fault: [], rateLimit: 'off', data: join(dir, 'state.json') }, io);
    expect(code).toBe(0);
    expect(listening).toEqual([1]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).accessplanit.Company.length).toBeGreaterThan(0);
  });

  it('refuses bad flags with exit 64 (in-process)', async () => {
    for (const [args, message] of [
      [['--fault', 'teapot=1'], 'bad --fault "teapot=1"'],
      [['--springest-site', 'nokey'], 'bad --springest-site "nokey"'],
      [['--port', 'x'], '--port must be a port number'],
      [['--host', '256.1.1.1', '--port', '0'], 'cannot listen on 256.1.1.1 port 0'],
    ] as const) {
      const run = await hrsyncIn(['sandbox', ...args]);
      expect(run.code).toBe(64);
      expect(run.stderr).toContain(message);
    }
  });
});

describe('hrsync sandbox --rate-limit off', () => {
  it('lifts every emulated limit, accessplanit’s 5,000 requests an hour included: the 5,001st request of the hour is answered', async () => {
    const { sandboxOptions } = await import('../../src/cli/commands/sandbox.js');
    const dir = tempDir();
    const options = sandboxOptions({ host: '127.0.0.1', port: '0', fault: [], rateLimit: 'off', data: join(dir, 'state.json') }, dir);
    const running = await startEmbedded(options);
    try {
      const url = `${running.sandbox.urls.accessplanit}/CompanyGroup?$top=1`;
      let limited = 0;
      for (let batch = 0; batch < 5_010; batch += 30) {
        const answers = await Promise.all(Array.from({ length: 30 }, () => call(url, { headers: AP_KEY })));
        limited += answers.filter((a) => a.status === 429).length;
      }
      expect(limited).toBe(0);
    } finally {
      await running.stop();
    }
    expect(() => sandboxOptions({ host: '127.0.0.1', port: '0', fault: [], rateLimit: 'of' }, dir)).toThrow(/bad --rate-limit "of"/);
  });
});
