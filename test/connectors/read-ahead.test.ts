import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarget } from '../../src/app/create-target.js';
import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { AccessplanitTarget } from '../../src/connectors/accessplanit/target.js';
import { ReadAhead } from '../../src/connectors/paging.js';
import { ScimTarget } from '../../src/connectors/scim/target.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import type { Connection } from '../../src/core/ports.js';
import { RemoteError } from '../../src/errors.js';
import { sandboxClients, type Sandbox } from '../../src/sandbox/server.js';
import { ROOT } from '../helpers/cli.js';
import { manyUsers, tempDir } from '../helpers/files.js';

async function all(pages: AsyncIterable<CanonicalValues[]>): Promise<CanonicalValues[]> {
  const rows: CanonicalValues[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}

/** A page of a list, whatever the platform: an offset ($skip), a start index or a page number. */
const PAGED = /[?&](%24skip|\$skip|startIndex|PageNo)=/;

/**
 * A pass-through proxy that holds each request `delayMs` before passing it on (a far server),
 * counting the most pages of a list (PAGED) in flight at once — other reads (SCIM's groups) aside.
 */
async function slowProxy(origin: string, delayMs: number): Promise<{ url: string; most: () => number; reset: () => void; stop: () => Promise<void> }> {
  let now = 0;
  let most = 0;
  const target = new URL(origin);
  const server = createServer((req, res) => {
    const paged = PAGED.test(req.url ?? '');
    if (paged) most = Math.max(most, ++now);
    setTimeout(() => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res).on('finish', () => paged && now--);
      });
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    most: () => most,
    reset: () => (most = 0),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('lists read ahead where the platform gives a count (issue 22 goal 3)', () => {
  const USERS = 150;
  let sandbox: Sandbox;
  let proxy: Awaited<ReturnType<typeof slowProxy>>;
  beforeAll(async () => {
    const seed = tempDir();
    for (const name of ['companies.csv', 'groups.csv']) copyFileSync(join(ROOT, 'samples', name), join(seed, name));
    writeFileSync(join(seed, 'users.csv'), manyUsers('RA', USERS));
    sandbox = (await startEmbedded({ port: 0, seedDir: seed, settings: { accessplanit: { hourlyLimit: Infinity }, appenate: { emptyNameSearch: 'all' } } })).sandbox;
    proxy = await slowProxy(sandbox.url, 25);
  });
  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.stop();
  });

  /** hrsync's connector of `type` on the emulator, through the slow proxy, 10 records a page and 4 requests at once. */
  async function open(type: string): Promise<Connection> {
    const client = sandboxClients(sandbox).find((c) => c.config.type === type)!;
    const config = { ...client.config, baseUrl: String(client.config.baseUrl).replace(sandbox.url, proxy.url), pageSize: 10, concurrency: 4, ...(type === 'appenate' ? { listAll: true } : {}), ...(type === 'accessplanit' ? { rateLimit: '10000/s' } : {}) };
    return (await createTarget('t', config, { env: client.env })).target;
  }

  for (const type of ['accessplanit', 'scim', 'appenate']) {
    it(`${type}: the pages after the first overlap, never more than the connection's concurrency, and come out in the platform's order`, async () => {
      const target = await open(type);
      try {
        proxy.reset();
        const rows = await all(target.list('users'));
        const ours = rows.filter((r) => /^RA\d+$/.test(String(r.externalId))).map((r) => r.externalId);
        const ids = rows.map((r) => String(r.id));
        // accessplanit lists by ID ($orderby=ID), the others in the order the users were created.
        if (type === 'accessplanit') expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
        const created = Array.from({ length: USERS }, (_, i) => `RA${i}`);
        expect(type === 'accessplanit' ? [...ours].sort() : ours).toEqual(type === 'accessplanit' ? [...created].sort() : created);
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        expect(proxy.most()).toBeGreaterThan(1); // one page at a time before
        expect(proxy.most()).toBeLessThanOrEqual(4);
      } finally {
        await target.close();
      }
    });
  }
});

describe('ReadAhead keeps the guards of a read one page at a time', () => {
  const AP = 'https://acme.accessplanit.com';
  const users = (from: number, n: number, count?: number) => ({
    results: Array.from({ length: n }, (_, i) => ({ ID: `u${String(from + i).padStart(3, '0')}`, Forenames: 'A', Surname: `S${from + i}` })),
    ...(count === undefined ? {} : { count }),
  });
  /** An accessplanit whose answer for each $skip is `answer(skip)`; the skips asked, in order. */
  function server(answer: (skip: number, top: number) => object) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const skips: number[] = [];
    agent
      .get(AP)
      .intercept({ path: (p) => p.startsWith('/accessplan/api/v2/User?'), method: 'GET' })
      .reply((opts) => {
        const q = new URLSearchParams(String(opts.path).split('?')[1]);
        if (q.has('$skip')) skips.push(Number(q.get('$skip'))); // not the one-record read of the custom fields
        return { statusCode: 200, data: answer(Number(q.get('$skip')), Number(q.get('$top'))) };
      })
      .persist();
    return { target: new AccessplanitTarget({ name: 'lms', baseUrl: `${AP}/accessplan/api/v2`, apiKey: 'k', pageSize: 3, concurrency: 4, dispatcher: agent }), skips };
  }

  it('a page shorter than the first moves the offsets: what was read ahead is dropped and the list goes on from where that page ended', async () => {
    // 10 users; the server gives 3 a page, except 2 at $skip=3 (a cap that changed).
    const s = server((skip, top) => users(skip, Math.max(0, Math.min(skip === 3 ? 2 : top, 10 - skip)), skip === 0 ? 10 : undefined));
    const rows = await all(s.target.list('users'));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `u${String(i).padStart(3, '0')}`));
    expect(s.skips.slice(0, 4)).toEqual([0, 3, 6, 9]); // read ahead from the first page's shape
    expect(s.skips).toContain(5); // then on from where the short page ended
    expect(s.skips).toContain(8);
  });

  it('still stops a list whose pages repeat (the server ignores $skip), or that ends short of its count, while reading ahead', async () => {
    const repeating = server(() => users(0, 3, 9));
    await expect(all(repeating.target.list('users'))).rejects.toThrow('the User list repeated a page it had already sent');
    expect(repeating.skips.slice(0, 3)).toEqual([0, 3, 6]);
    const short = server((skip) => (skip < 6 ? users(skip, 3, skip === 0 ? 12 : undefined) : users(skip, 0)));
    const error = await all(short.target.list('users')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toContain('ended after 6 of the 12 records its own count announced');
    expect(short.skips.slice(0, 4)).toEqual([0, 3, 6, 9]);
  });

  it('scim: a page announcing another totalResults than the first (records added or removed meanwhile) stops the list', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://idp.example');
    pool.intercept({ path: (p) => !p.startsWith('/scim/v2/Users') && !p.startsWith('/scim/v2/Groups'), method: 'GET' }).reply(404, {}).persist(); // no discovery
    pool.intercept({ path: (p) => p.startsWith('/scim/v2/Groups'), method: 'GET' }).reply(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }).persist();
    const starts: number[] = [];
    pool
      .intercept({ path: (p) => p.startsWith('/scim/v2/Users?'), method: 'GET' })
      .reply((opts) => {
        const start = Number(new URLSearchParams(String(opts.path).split('?')[1]).get('startIndex'));
        starts.push(start);
        // 6 users at first; a seventh is added before the last page is read.
        const total = start >= 5 ? 7 : 6;
        const Resources = Array.from({ length: Math.max(0, Math.min(2, total - start + 1)) }, (_, i) => ({ id: `s${start + i}`, userName: `s${start + i}@x.nl`, active: true }));
        return { statusCode: 200, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: total, startIndex: start, itemsPerPage: Resources.length, Resources } };
      })
      .persist();
    const target = new ScimTarget({ name: 'idp', baseUrl: 'https://idp.example/scim/v2', token: 't', pageSize: 2, concurrency: 4, dispatcher: agent });
    const error = await all(target.list('users')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toContain('the User list announced 7 records after 6 (records were added or removed while it was being read)');
    expect(starts.slice(0, 3)).toEqual([1, 3, 5]);
  });
});

describe('ReadAhead', () => {
  /** Reads that finish only when told, in any order. */
  function deferred() {
    const asked: number[] = [];
    const pending = new Map<number, (value: string) => void>();
    const read = (at: number) => {
      asked.push(at);
      return new Promise<string>((resolve) => pending.set(at, resolve));
    };
    return { asked, read, finish: (at: number) => pending.get(at)!(`page ${at}`) };
  }

  it('sets `width` pages under way once planned, answers each position with its own page whatever order they finish in, and never reads past the end', async () => {
    const d = deferred();
    const pages = new ReadAhead(d.read, 3);
    const first = pages.get(0);
    expect(d.asked).toEqual([0]); // no shape yet: one page
    d.finish(0);
    expect(await first).toBe('page 0');
    pages.plan(10, 10, 45);
    expect(d.asked).toEqual([0, 10, 20, 30]);
    d.finish(30);
    d.finish(20);
    const second = pages.get(10);
    expect(d.asked).toEqual([0, 10, 20, 30, 40]); // 50 is past the end
    d.finish(10);
    expect(await second).toBe('page 10');
    expect(await pages.get(20)).toBe('page 20');
    expect(await pages.get(30)).toBe('page 30');
    d.finish(40);
    expect(await pages.get(40)).toBe('page 40');
    expect(d.asked).toEqual([0, 10, 20, 30, 40]);
  });

  it('reads a position it did not foresee at once, and foresees again from there', async () => {
    const d = deferred();
    const pages = new ReadAhead(d.read, 2);
    pages.plan(10, 10, 100);
    expect(d.asked).toEqual([10, 20]);
    const odd = pages.get(15);
    expect(d.asked).toEqual([10, 20, 15, 25, 35]);
    d.finish(15);
    expect(await odd).toBe('page 15');
  });
});
