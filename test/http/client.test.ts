import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { HttpClient, retryAfterMs, type HttpClientOptions } from '../../src/http/client.js';
import { Interrupted, RemoteError, UsageError } from '../../src/errors.js';
import { parseRate, TokenBucket } from '../../src/shared/token-bucket.js';
import { redact } from '../../src/http/redact.js';
import { PATIENCE_MS } from '../helpers/patience.js';

const ORIGIN = 'https://acme.accessplanit.com';
const SECRET = 'sk_live_TOPSECRET';

function setup(extra: Partial<HttpClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const waits: number[] = [];
  const client = new HttpClient({
    baseUrl: `${ORIGIN}/accessplan/api/v2`,
    label: 'accessplanit "lms"',
    dispatcher: agent,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    secrets: () => [SECRET],
    fieldErrors: (body) => ((body as { errors?: Array<{ field: string; message: string }> }).errors ?? []).map((e) => ({ field: e.field, message: e.message })),
    ...extra,
  });
  return { pool: agent.get(ORIGIN), client, waits, agent };
}

async function failure(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error('expected a RemoteError');
}

describe('HttpClient', () => {
  it('retries a GET on 503 with exponential backoff and full jitter, then succeeds', async () => {
    const { pool, client, waits } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(503, 'busy').times(2);
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(200, { results: [] });
    const res = await client.request({ method: 'GET', path: 'User' });
    expect(res.body).toEqual({ results: [] });
    expect(waits).toEqual([0.5 * 250, 0.5 * 500]);
  });

  it('says how it paces, how many requests it has left before pacing, and how many wait for the limit now', async () => {
    let now = 0;
    let release: () => void = () => {};
    const { pool, client } = setup({ rate: { perSecond: 2, burst: 2 }, concurrency: 4, now: () => now, sleep: () => new Promise<void>((r) => (release = r)) });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(200, { results: [] }).times(3);
    const pacing = client.pacing!;
    expect([pacing.perSecond, pacing.burst, pacing.concurrency, pacing.available(), pacing.waiting()]).toEqual([2, 2, 4, 2, 0]);
    await client.request({ method: 'GET', path: 'User' });
    await client.request({ method: 'GET', path: 'User' });
    expect([pacing.available(), pacing.waiting()]).toEqual([0, 0]);
    const third = client.request({ method: 'GET', path: 'User' });
    await expect.poll(() => pacing.waiting()).toBe(1);
    now += 500; // half a second: one token at 2/s
    release();
    await third;
    expect(pacing.waiting()).toBe(0);
    expect(setup().client.pacing).toBeUndefined();
  });

  it('stops waiting for the pace when the run is stopped: a read not yet sent is given up, its token left', async () => {
    const controller = new AbortController();
    // A sleep that never ends: the wait for the next token lasts until the stop.
    const { pool, client } = setup({ rate: { perSecond: 1 / 3600, burst: 1 }, signal: controller.signal, sleep: () => new Promise<void>(() => {}) });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(200, { results: [] });
    await client.request({ method: 'GET', path: 'User' });
    const queued = client.request({ method: 'GET', path: 'User' }).catch((e: unknown) => e);
    await expect.poll(() => client.pacing!.waiting()).toBe(1);
    controller.abort('SIGINT');
    await expect.poll(() => client.pacing!.waiting(), { timeout: PATIENCE_MS }).toBe(0); // without the stop: waits for the hour
    expect(await queued).toBeInstanceOf(Interrupted);
  });

  it('retries a read answered 500 (a GET, an idempotent POST), bounded by its attempts; never a write', async () => {
    const { pool, client, waits } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User?page=7', method: 'GET' }).reply(500, 'hiccup');
    pool.intercept({ path: '/accessplan/api/v2/User?page=7', method: 'GET' }).reply(200, { results: [] });
    expect((await client.request({ method: 'GET', path: 'User?page=7' })).body).toEqual({ results: [] });
    expect(waits).toEqual([0.5 * 250]);
    pool.intercept({ path: '/accessplan/api/v2/Token', method: 'POST' }).reply(500, 'hiccup');
    pool.intercept({ path: '/accessplan/api/v2/Token', method: 'POST' }).reply(200, { access_token: 't' });
    expect((await client.request({ method: 'POST', path: 'Token', body: 'x', idempotent: true })).status).toBe(200);
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(500, 'down').times(5);
    const down = await failure(client.request({ method: 'GET', path: 'User' }));
    expect([down.kind, down.status, down.message]).toEqual(['unavailable', 500, expect.stringContaining('500 after 5 tries')]);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
      pool.intercept({ path: '/accessplan/api/v2/User/1', method }).reply(500, 'boom');
      pool.intercept({ path: '/accessplan/api/v2/User/1', method }).reply(200, {});
      const error = await failure(client.request({ method, path: 'User/1', body: {} }));
      expect([method, error.kind, error.message]).toEqual([method, 'unavailable', expect.stringContaining('500 after 1 try')]);
      await client.request({ method, path: 'User/1', body: {} }); // the second answer was left for this one
    }
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const { pool, client, waits } = setup({ now: () => now });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '7' } });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(429, '', { headers: { 'retry-after': new Date(now + 3000).toUTCString() } });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(200, {});
    await client.request({ method: 'GET', path: 'User' });
    expect(waits).toEqual([7000, 3000]);
    expect(retryAfterMs('nonsense', now)).toBeUndefined();
  });

  it('fails at once, clearly, when Retry-After is longer than it will wait', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '3600' } });
    const error = await failure(client.request({ method: 'GET', path: 'User' }));
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toContain('asks to wait 3600 s');
  });

  it('gives up after the attempts allowed, saying how many', async () => {
    const { pool, client } = setup({ retry: { attempts: 3 } });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(502, 'bad gateway').times(3);
    const error = await failure(client.request({ method: 'GET', path: 'User' }));
    expect(error).toMatchObject({ kind: 'unavailable', status: 502 });
    expect(error.message).toContain('after 3 tries');
    expect(error.exitCode).toBe(4);
  });

  it('sends a POST again only when the server says it did not process it (429, 503 with Retry-After); a bare 503, 502 or lost answer is outcome_unknown', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(429, '', { headers: { 'retry-after': '0' } });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(503, '', { headers: { 'retry-after': '0' } });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(201, { ID: 'jo' });
    expect((await client.request({ method: 'POST', path: 'User', body: {} })).body).toEqual({ ID: 'jo' });
    // A proxy's answer while the application may still commit (Heroku's H12 is a bare 503).
    for (const status of [503, 502, 504]) {
      pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(status, '');
      const unknown = await failure(client.request({ method: 'POST', path: 'User', body: {} }));
      expect([unknown.kind, unknown.hint], String(status)).toEqual(['outcome_unknown', expect.stringContaining('look the record up')]);
    }
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const lost = await failure(client.request({ method: 'POST', path: 'User', body: {} }));
    expect(lost.kind).toBe('outcome_unknown');
    expect(lost.hint).toContain('look the record up');
  });

  it('retries a GET whose connection was reset', async () => {
    const { pool, client, waits } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(200, { ok: 1 });
    expect((await client.request({ method: 'GET', path: 'User' })).body).toEqual({ ok: 1 });
    expect(waits).toHaveLength(1);
  });

  it('classifies 401, 404 and 400 with the platform’s field errors', async () => {
    const { pool, client } = setup();
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(401, '');
    expect((await failure(client.request({ method: 'GET', path: 'User' }))).kind).toBe('auth');
    pool.intercept({ path: '/accessplan/api/v2/User/x', method: 'GET' }).reply(404, '');
    expect((await failure(client.request({ method: 'GET', path: 'User/x' }))).kind).toBe('not_found');
    pool.intercept({ path: '/accessplan/api/v2/User/x', method: 'GET' }).reply(404, '');
    expect((await client.request({ method: 'GET', path: 'User/x', accept: [404] })).status).toBe(404);
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(400, { errors: [{ field: 'Email', message: 'bad' }] });
    const invalid = await failure(client.request({ method: 'POST', path: 'User', body: {} }));
    expect(invalid).toMatchObject({ kind: 'validation', fieldErrors: [{ field: 'Email', message: 'bad' }] });
  });

  it('never shows a secret: not from the URL, the body quoted in an error, or a header', async () => {
    const { pool, client } = setup({ baseUrl: `${ORIGIN}/x` });
    pool.intercept({ path: `/x/users.json?api_key=${SECRET}`, method: 'POST' }).reply(400, `{"error": "key ${SECRET} is not allowed"}`);
    const error = await failure(client.request({ method: 'POST', path: `users.json?api_key=${SECRET}`, body: { a: 1 }, headers: { authorization: `Bearer ${SECRET}` } }));
    const everything = `${error.message} ${error.hint ?? ''} ${error.stack ?? ''} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(SECRET);
    expect(error.message).toContain('users.json?api_key=***');
  });

  it('requires https except on this machine', () => {
    expect(() => new HttpClient({ baseUrl: 'http://acme.accessplanit.com', label: 'lms' })).toThrow(UsageError);
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) expect(() => new HttpClient({ baseUrl: url, label: 'x', dispatcher: new MockAgent() })).not.toThrow();
  });
});

describe('redact', () => {
  it('stars secret values and secret-named parameters', () => {
    expect(redact('GET /u?IntegrationKey=abc&CompanyId=1&api_key=zz')).toBe('GET /u?IntegrationKey=***&CompanyId=1&api_key=***');
    expect(redact('grant_type=password&UserName=demo&Password=hunter2')).toBe('grant_type=password&UserName=demo&Password=***');
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***');
    expect(redact('the key is s3cret!', ['s3cret!'])).toBe('the key is ***');
  });

  it('stars a secret in every form a server echoes it in: JSON-escaped (PHP’s \\/ and \\uXXXX too), URL- or form-encoded', () => {
    const key = 'dGhpcy9pcytzZWNyZXQ/a2V5';
    expect(redact('{"got":"Bearer dGhpcy9pcytzZWNyZXQ\\/a2V5"}', [key])).toBe('{"got":"Bearer ***"}');
    const password = 'pa"ss\\w/örd x';
    const echoes = [
      JSON.stringify({ p: password }),
      '{"p":"pa\\"ss\\\\w\\/\\u00f6rd x"}',
      '{"p":"pa\\"ss\\\\w\\/\\u00F6rd x"}',
      `p=${encodeURIComponent(password)}`,
      `p=${encodeURIComponent(password).toLowerCase()}`,
      `p=${encodeURIComponent(password).replace(/%20/g, '+')}`,
    ];
    for (const echo of echoes) expect(redact(echo, [password]), echo).not.toMatch(/ss|rd/);
  });
});

describe('redact: other spellings and pieces', () => {
  it('stars any run of 8 or more of a secret’s characters, in any case; a shorter piece is left', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    expect(redact(`a ${key.slice(0, 16)} b`, [key])).toBe('a *** b');
    expect(redact(`a ${key.slice(3, 11).toUpperCase()} b`, [key])).toBe('a *** b');
    expect(redact(`a ${key.slice(3, 10)} b`, [key])).toBe(`a ${key.slice(3, 10)} b`);
    expect(redact(`${key.slice(0, 10)}:${key.slice(20)}`, [key])).toBe('***:***');
  });

  it('stays fast on a large body (the forms are worked out once per secret)', () => {
    const jwt = `eyJ${'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'.repeat(20)}`;
    const body = 'lorem ipsum dolor sit amet, {"id":"12345","email":"a@b.com"} '.repeat(16_000); // 1 MB
    redact(body, [SECRET, jwt]);
    const started = performance.now();
    expect(redact(`${body}${jwt}`, [SECRET, jwt]).endsWith('***')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000); // about 15 ms here; a guard against going quadratic, not a measure (bench)
  });
});

describe('rate limit', () => {
  it('parses rates and paces a burst to the rate', async () => {
    expect(parseRate('5000/h')).toBeCloseTo(5000 / 3600);
    expect(parseRate('10/s')).toBe(10);
    expect(parseRate('fast')).toBeUndefined();
    let now = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket(2, 2, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(now).toBe(1500); // two at once, then one every 500 ms
    expect(slept).toEqual([500, 500, 500]);
  });
});

describe('HttpClient, whatever the server does', () => {
  /** A real server on 127.0.0.1 that answers with `handler`, for what a mock cannot do: stream for ever, trickle. */
  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; stop(): Promise<void> }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  }

  it('stops reading an answer larger than the limit, in bounded memory', async () => {
    const { url, stop } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 32);
      const pump = () => { while (res.write(chunk)); }; // an endless body
      res.on('drain', pump);
      pump();
    });
    const client = new HttpClient({ baseUrl: url, label: 'big', maxBodyBytes: 1024 * 1024 });
    try {
      const before = process.memoryUsage().rss;
      const error = await failure(client.request({ method: 'GET', path: 'x' }));
      expect(error.kind).toBe('unexpected');
      expect(error.message).toContain('the answer is larger than 1 MB');
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await client.close();
      await stop();
    }
  });

  it('when the run is stopped (Ctrl-C during an export): cuts a read in flight at once, and a wait; never a write in flight', async () => {
    let posts = 0;
    const { url, stop } = await serve((req, res) => {
      if (req.method === 'POST') {
        posts++;
        setTimeout(() => res.end('{"id":"1"}'), 300); // a write answered after the stop
      } else if (req.url === '/busy') res.writeHead(503, { 'retry-after': '30' }).end();
      // any other GET: never answered
    });
    const controller = new AbortController();
    const client = new HttpClient({ baseUrl: url, label: 'hr', signal: controller.signal, retry: { maxRetryAfterMs: 60_000 } });
    try {
      const started = Date.now();
      const read = client.request({ method: 'GET', path: 'x' }).catch((e: unknown) => e);
      const waiting = client.request({ method: 'GET', path: 'busy' }).catch((e: unknown) => e);
      const write = client.request({ method: 'POST', path: 'w', body: {} });
      await new Promise((r) => setTimeout(r, 100));
      controller.abort('SIGTERM');
      expect(await read).toBeInstanceOf(Interrupted);
      expect(await waiting).toMatchObject({ exitCode: 143 });
      expect(Date.now() - started).toBeLessThan(30_000); // not the 60 s Retry-After
      expect((await write).body).toEqual({ id: '1' }); // the write's answer still decides
      expect(posts).toBe(1);
      await expect(client.request({ method: 'GET', path: 'x' })).rejects.toBeInstanceOf(Interrupted); // nothing new starts
    } finally {
      await client.close();
      await stop();
    }
  });

  it('keeps `concurrency` requests in flight at most, however many are asked for at once', async () => {
    let inFlight = 0;
    let most = 0;
    const { url, stop } = await serve((_req, res) => {
      most = Math.max(most, ++inFlight);
      const answer = () => {
        inFlight--;
        res.end('{}');
      };
      setTimeout(answer, 20);
    });
    const client = new HttpClient({ baseUrl: url, label: 'hr', concurrency: 2 });
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => client.request({ method: 'GET', path: `r${i}` })));
      expect(most).toBe(2); // its pool may open 3 connections
    } finally {
      await client.close();
      await stop();
    }
  });

  it('sends the next request at once on a spare connection (undici reuses one only a loop turn after its answer)', async () => {
    const sockets = new Set<unknown>();
    const { url, stop } = await serve((req, res) => {
      sockets.add(req.socket);
      res.end('{}');
    });
    const client = new HttpClient({ baseUrl: url, label: 'hr', concurrency: 1 });
    try {
      await client.request({ method: 'POST', path: 'a', body: {} });
      await client.request({ method: 'POST', path: 'b', body: {} });
      expect(sockets.size).toBe(2);
    } finally {
      await client.close();
      await stop();
    }
  });

  it('when the run is stopped, a read waiting for a slot is given up; the write holding it still ends', async () => {
    const { url, stop } = await serve((req, res) => {
      if (req.method === 'POST') setTimeout(() => res.end('{"id":"1"}'), 300);
      else res.end('{}');
    });
    const controller = new AbortController();
    const client = new HttpClient({ baseUrl: url, label: 'hr', concurrency: 1, signal: controller.signal });
    try {
      let written = false;
      const write = client.request({ method: 'POST', path: 'w', body: {} }).then((res) => ((written = true), res));
      const read = client.request({ method: 'GET', path: 'r' }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      controller.abort('SIGINT');
      expect(await read).toBeInstanceOf(Interrupted);
      expect(written).toBe(false); // given up while the write still held the one slot
      expect((await write).body).toEqual({ id: '1' });
    } finally {
      await client.close();
      await stop();
    }
  });

  it('takes an answer that is not well-formed HTTP for a lost answer: a write is outcome_unknown, a read is retried', async () => {
    for (const reply of ['HTTP/1.1 201 Created\r\nContent-Length: abc\r\n\r\n{}', 'HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\n\r\n{}', 'NOT HTTP AT ALL\r\n\r\n']) {
      const server = createNetServer((socket) => socket.once('data', () => socket.end(reply)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const client = new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, label: 'broken', retry: { attempts: 2, baseMs: 1 } });
      try {
        const write = await failure(client.request({ method: 'POST', path: 'u', body: {} }));
        expect([write.kind, write.message], reply).toEqual(['outcome_unknown', expect.stringMatching(/no answer \((HPE_|UND_ERR_)\w+: an answer that is not well-formed HTTP\)/)]);
        const read = await failure(client.request({ method: 'GET', path: 'u' }));
        expect(read.kind, reply).toBe('unavailable');
      } finally {
        await client.close();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('cuts an answer that trickles in for ever, and gives up after its tries', async () => {
    const { url, stop } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50); // one byte every 50 ms: never a gap long enough to time out
      res.on('close', () => clearInterval(timer));
    });
    const client = new HttpClient({ baseUrl: url, label: 'slow', timeouts: { headersMs: 1000, bodyMs: 1000, answerMs: 300 }, retry: { attempts: 2, baseMs: 10 } });
    try {
      const started = Date.now();
      const error = await failure(client.request({ method: 'GET', path: 'x' }));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toContain('no complete answer within 0.3 s');
      expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // a trickle that never ends is cut
    } finally {
      await client.close();
      await stop();
    }
  });

  it('stops when waiting as asked (Retry-After) would pass the run’s budget for the target', async () => {
    const { pool, client, waits } = setup({ waitBudgetMs: 2500 });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '1' } }).times(5);
    const error = await failure(client.request({ method: 'GET', path: 'User' }));
    expect(waits).toEqual([1000, 1000]);
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toContain('past 3 s of waiting on this target');
  });

  it('redacts a secret before cutting the server’s text, and in the field errors it sends', async () => {
    const { pool, client } = setup();
    const body = JSON.stringify({ message: `${'x'.repeat(290)}${SECRET}${'y'.repeat(50)}`, errors: [{ field: SECRET, message: `key ${SECRET} refused` }] });
    pool.intercept({ path: '/accessplan/api/v2/User', method: 'POST' }).reply(400, body, { headers: { 'content-type': 'application/json' } });
    const error = await failure(client.request({ method: 'POST', path: 'User', body: {} }));
    const shown = `${error.message} ${JSON.stringify(error.fieldErrors)}`;
    // Not the secret, and not most of it either (a cut before redaction left all but its last characters).
    expect(shown).not.toContain(SECRET.slice(0, 8));
    expect(error.fieldErrors).toEqual([{ field: '***', message: 'key *** refused' }]);
  });

  it('traces each try with the URL redacted, for HRSYNC_DEBUG=http', async () => {
    const lines: string[] = [];
    const { pool, client } = setup({ baseUrl: `${ORIGIN}/x`, trace: (line) => lines.push(line) });
    pool.intercept({ path: `/x/users.json?api_key=${SECRET}`, method: 'GET' }).reply(503, '');
    pool.intercept({ path: `/x/users.json?api_key=${SECRET}`, method: 'GET' }).reply(200, '{}');
    await client.request({ method: 'GET', path: `users.json?api_key=${SECRET}` });
    expect(lines).toEqual([
      expect.stringMatching(/^http GET https:\/\/acme\.accessplanit\.com\/x\/users\.json\?api_key=\*\*\* → 503 in \d+ ms$/),
      expect.stringMatching(/→ 200 in \d+ ms \(try 2\)$/),
    ]);
  });
});
