import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pickFault, type FaultRates, type Latency } from './faults.js';
import { json, readBody, send, type SandboxRequest, type SandboxResponse } from './http.js';
import type { Credentials, Platform, PlatformContext } from './platform.js';
import { accessplanit } from './platforms/accessplanit.js';
import { appenate } from './platforms/appenate.js';
import { springest } from './platforms/springest.js';
import { unified } from './platforms/unified.js';
import { seedState } from '../app/sandbox-seed.js';
import { emptyState, loadStateFile, Persister, type SandboxState } from './state.js';
import { Stats, type StatsSnapshot } from './stats.js';

export const PLATFORMS: readonly Platform[] = [accessplanit, appenate, springest, unified];

/** The demo credentials every sandbox accepts unless told otherwise (README "Sandbox"). */
export const DEMO_CREDENTIALS: Credentials = {
  accessplanit: { userName: 'demo', password: 'demo', apiKey: 'sandbox-key' },
  appenate: { companyId: '1', integrationKey: 'sandbox-key' },
  springest: { default: 'sandbox-key' },
  unified: { connectionId: 'sandbox', apiKey: 'sandbox-key' },
};

export interface SandboxOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Persist state here (atomically, after changes); an existing file is loaded instead of seeding. */
  dataFile?: string;
  /** A folder of CSV/JSON users, companies and groups; default: hrsync's samples. */
  seed?: string;
  latency?: Latency;
  faults?: FaultRates;
  /** Seconds in the Retry-After of an injected 429. */
  retryAfterSeconds?: number;
  /** All platforms together: at most this many requests per second, then 429. */
  rateLimitPerSecond?: number;
  /** accessplanit: requests per hour per endpoint (documented: 5,000). */
  accessplanitHourlyLimit?: number;
  tokenTtlSeconds?: number;
  credentials?: Partial<Credentials>;
  /** For tests: a seeded random source and a clock. */
  random?: () => number;
  now?: () => number;
}

export interface Sandbox {
  url: string;
  /** Base URL of each platform, as a client configures it. */
  urls: Record<Platform['name'], string>;
  credentials: Credentials;
  stats(): StatsSnapshot;
  state(): SandboxState;
  /** Changes the injected faults from now on. */
  setFaults(faults: FaultRates): void;
  /** Back to the seed, counters cleared. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the emulator of the four platforms on a real socket. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const random = options.random ?? Math.random;
  const credentials: Credentials = { ...DEMO_CREDENTIALS, ...options.credentials };
  let faults: FaultRates = { ...options.faults };
  const ctx: PlatformContext = {
    state: emptyState(),
    now: options.now ?? Date.now,
    credentials,
    accessplanitHourlyLimit: options.accessplanitHourlyLimit ?? 5000,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
  };
  const loaded = options.dataFile ? await loadStateFile(options.dataFile) : undefined;
  if (loaded) ctx.state = loaded;
  else await seedState(ctx, options.seed);
  const persister = options.dataFile ? new Persister(options.dataFile, () => ctx.state) : undefined;
  if (persister && !loaded) persister.changed();

  const stats = new Stats();
  const held = new Set<Socket>(); // connections a "timeout" fault keeps waiting
  let bucket = { tokens: options.rateLimitPerSecond ?? Infinity, at: ctx.now() };

  const globallyLimited = (): boolean => {
    const limit = options.rateLimitPerSecond;
    if (!limit) return false;
    const now = ctx.now();
    bucket = { tokens: Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * limit), at: now };
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  };

  async function admin(req: SandboxRequest): Promise<SandboxResponse> {
    const path = req.url.pathname;
    if (path === '/_sandbox/stats' && req.method === 'GET') return json(200, stats.snapshot());
    if (path === '/_sandbox/reset' && req.method === 'POST') {
      await sandbox.reset();
      return json(200, { reset: true });
    }
    if (path === '/_sandbox/health') return json(200, { ok: true });
    return json(404, { message: 'sandbox admin routes: GET /_sandbox/stats, POST /_sandbox/reset, GET /_sandbox/health' });
  }

  async function onRequest(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(raw.url ?? '/', 'http://sandbox');
    const req: SandboxRequest = { method: raw.method ?? 'GET', url, headers: raw.headers, body: await readBody(raw) };
    if (url.pathname.startsWith('/_sandbox/')) return send(res, await admin(req));
    const platform = PLATFORMS.find((p) => p.matches(url.pathname));
    if (!platform) return send(res, json(404, { message: `no emulated platform serves ${url.pathname}` }));
    const endpoint = platform.endpoint(req);
    const record = (status: number) => stats.record(platform.name, endpoint, req.method, status);

    if (globallyLimited()) {
      record(429);
      return send(res, json(429, { message: 'sandbox rate limit' }, { 'retry-after': '1' }));
    }
    const fault = pickFault(faults, random);
    if (fault === 'reset-before') {
      record(0);
      raw.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      record(0);
      held.add(raw.socket);
      raw.socket.once('close', () => held.delete(raw.socket));
      return;
    }
    const latency = options.latency ? options.latency.ms + random() * options.latency.jitterMs : 0;
    if (latency > 0) await sleep(latency);
    if (fault === '429' || fault === '500' || fault === '503') {
      const status = Number(fault);
      record(status);
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(options.retryAfterSeconds ?? 1) } : {};
      return send(res, json(status, { message: `injected ${status}` }, headers));
    }
    const response = platform.handle(req, ctx);
    if (response.wrote) persister?.changed();
    if (fault === 'reset-after') {
      record(0);
      raw.socket.destroy(); // committed, but the client never hears so
      return;
    }
    record(response.status);
    send(res, response);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, json(500, { message: `sandbox error: ${error instanceof Error ? error.message : String(error)}` }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox did not get a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const sandbox: Sandbox = {
    url,
    urls: {
      accessplanit: `${url}/accessplan/api/v2`,
      appenate: `${url}/api/v2`,
      springest: url,
      unified: url,
    },
    credentials,
    stats: () => stats.snapshot(),
    state: () => ctx.state,
    setFaults(next) {
      faults = { ...next };
    },
    async reset() {
      ctx.state = emptyState();
      await seedState(ctx, options.seed);
      stats.reset();
      persister?.changed();
    },
    async stop() {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await persister?.flush();
    },
  };
  return sandbox;
}
