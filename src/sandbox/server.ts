import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TokenBucket } from '../shared/token-bucket.js';
import { pickFault, type FaultRates, type Latency } from './faults.js';
import { json, readBody, send, type SandboxRequest, type SandboxResponse } from './http.js';
import type { CredentialFlag, PlatformContext } from './platform.js';
import { PLATFORMS, type PlatformName, type SandboxCredentials, type SandboxSettings, type SandboxState } from './platforms/index.js';
import { loadStateFile, Persister, stateJson, type AnyPlatform, type Slices } from './state.js';
import { Stats, type StatsSnapshot } from './stats.js';

export interface SandboxOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Persist state here (atomically, after changes); an existing file is loaded instead of seeding. */
  dataFile?: string;
  /**
   * Fills the platforms that start fresh (all of them at start without a state file and on reset;
   * those a state file has no slice for), as a client would: through their own APIs. While it runs,
   * no fault, latency, rate limit or counter applies.
   */
  seed?: (sandbox: Sandbox, platforms: readonly string[]) => Promise<void>;
  latency?: Latency;
  faults?: FaultRates;
  /** Seconds in the Retry-After of an injected 429. */
  retryAfterSeconds?: number;
  /** How late a `slow-commit` write is committed and answered (default 5 s). */
  slowCommitMs?: number;
  /** All platforms together: at most this many requests per second, then 429. */
  rateLimitPerSecond?: number;
  /** Every platform's own rate limits lifted (each platform says how: EmulatedPlatform.unlimited). */
  unlimited?: boolean;
  /** The one key every platform accepts instead of its demo key. */
  apiKey?: string;
  /** Each platform's credential flags, as `hrsync sandbox` parsed them. */
  flags?: Record<string, unknown>;
  /** Credentials per platform, given in code (tests). */
  credentials?: { [P in PlatformName]?: Partial<SandboxCredentials[P]> };
  /** Settings per platform: limits, token lifetimes, a tenant's lookup lists … */
  settings?: { [P in PlatformName]?: Partial<SandboxSettings[P]> };
  /** For tests: a seeded random source and a clock. */
  random?: () => number;
  now?: () => number;
}

export interface Sandbox {
  url: string;
  /** Base URL of each platform, as a client configures it. */
  urls: Record<PlatformName, string>;
  credentials: SandboxCredentials;
  stats(): StatsSnapshot;
  state(): SandboxState;
  /** Changes the injected faults from now on. */
  setFaults(faults: FaultRates): void;
  /** Back to a fresh state (seeded again), counters cleared. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the emulator of every platform in src/sandbox/platforms/index.ts on a real socket. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const platforms: readonly AnyPlatform[] = PLATFORMS;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  let faults: FaultRates = { ...options.faults };
  let seeding = false;
  const credentials = Object.fromEntries(
    platforms.map((p) => [p.name, p.credentials({ key: options.apiKey, flags: options.flags ?? {}, given: (options.credentials as Record<string, unknown> | undefined)?.[p.name] })]),
  ) as SandboxCredentials;
  const credentialsOf = (p: AnyPlatform) => (credentials as Record<string, unknown>)[p.name];
  const contexts = new Map<string, PlatformContext<unknown, unknown, unknown>>(
    platforms.map((p) => {
      const settings = { ...p.defaultSettings, ...(options.unlimited ? p.unlimited : {}), ...(options.settings as Record<string, object> | undefined)?.[p.name] };
      return [p.name, { state: undefined, credentials: credentialsOf(p), settings, now, seeding: false }];
    }),
  );
  const fresh = () => {
    for (const p of platforms) {
      const ctx = contexts.get(p.name)!;
      ctx.state = p.createState(ctx.credentials, ctx.settings);
    }
  };
  const slices = (): Slices => new Map(platforms.map((p) => [p.name, contexts.get(p.name)!.state]));

  const loaded = options.dataFile ? await loadStateFile(options.dataFile, platforms, credentialsOf) : undefined;
  fresh();
  for (const [name, state] of loaded ?? []) contexts.get(name)!.state = state;
  const persister = options.dataFile ? new Persister(options.dataFile, () => stateJson(platforms, slices())) : undefined;

  const stats = new Stats();
  const held = new Set<Socket>(); // connections a "timeout" fault keeps waiting
  const limit = options.rateLimitPerSecond ? new TokenBucket(options.rateLimitPerSecond, options.rateLimitPerSecond, now) : undefined;

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

  /** `seeder`: a request on the seeding server (see `seed`), the only one served while the platforms are being seeded. */
  async function onRequest(raw: IncomingMessage, res: ServerResponse, seeder: boolean): Promise<void> {
    const url = new URL(raw.url ?? '/', 'http://sandbox');
    const req: SandboxRequest = { method: raw.method ?? 'GET', url, headers: raw.headers, body: await readBody(raw) };
    // Until it is seeded (at start, and during a reset) the sandbox answers everyone else 503: never an empty or half-filled platform.
    if (seeding && !seeder) return send(res, json(503, { message: 'the sandbox is being seeded: try again shortly' }, { 'retry-after': '1' }));
    if (url.pathname.startsWith('/_sandbox/')) return send(res, await admin(req));
    const platform = platforms.find((p) => p.matches(url.pathname));
    if (!platform) return send(res, json(404, { message: `no emulated platform serves ${url.pathname}` }));
    const ctx = contexts.get(platform.name)!;
    if (seeder) {
      ctx.seeding = true;
      try {
        const response = platform.handle(req, ctx);
        if (response.wrote) persister?.changed();
        return send(res, response);
      } finally {
        ctx.seeding = false;
      }
    }
    const endpoint = platform.endpoint(req);
    const record = (status: number) => stats.record(platform.name, endpoint, req.method, status);

    if (limit && !limit.tryTake()) {
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
    if (fault === 'slow-commit' && req.method !== 'GET') {
      await sleep(options.slowCommitMs ?? 5000);
      const response = platform.handle(req, ctx); // committed, whether or not the client still waits
      if (response.wrote) persister?.changed();
      record(raw.socket.destroyed ? 0 : response.status);
      if (!raw.socket.destroyed) send(res, response);
      return;
    }
    if (fault === '429' || fault === '500' || fault === '503') {
      const status = Number(fault);
      record(status);
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(options.retryAfterSeconds ?? 1) } : status === 503 ? { 'retry-after': '0' } : {};
      return send(res, json(status, { message: `injected ${status}` }, headers));
    }
    const response = platform.handle(req, ctx);
    if (response.wrote) persister?.changed();
    if (fault === 'reset-after') {
      record(0);
      raw.socket.destroy(); // committed, but the client never hears so
      return;
    }
    if (fault === '503-after') {
      record(503);
      return send(res, json(503, { message: 'injected 503 after the change was committed' })); // no Retry-After: a proxy's
    }
    record(response.status);
    send(res, response);
  }

  const listening = (seeder: boolean, port: number, host: string) => serve((req, res) => onRequest(req, res, seeder), port, host);
  // Seeding, the platforms answer this port 503 until they are ready (see onRequest); it is taken first, so a port in use fails at once.
  seeding = Boolean(options.seed);
  const { server, url } = await listening(false, options.port ?? 0, options.host ?? '127.0.0.1');

  /**
   * Fills `names` as a client would, through a server of its own on a free loopback port, the only
   * one served meanwhile: no fault, latency, limit or counter applies to it.
   */
  const seed = async (names: readonly string[]) => {
    if (!options.seed || names.length === 0) return;
    seeding = true;
    const seeder = await listening(true, 0, '127.0.0.1');
    try {
      await options.seed({ ...sandbox, url: seeder.url, urls: urlsOf(seeder.url) }, names);
      for (const p of platforms) if (names.includes(p.name)) p.afterSeed?.(contexts.get(p.name)!);
    } finally {
      await closed(seeder.server);
      seeding = false;
    }
  };

  const sandbox: Sandbox = {
    url,
    urls: urlsOf(url),
    credentials,
    stats: () => stats.snapshot(),
    state: () => Object.fromEntries(slices()) as SandboxState,
    setFaults(next) {
      faults = { ...next };
    },
    async reset() {
      fresh();
      await seed(platforms.map((p) => p.name));
      stats.reset();
      persister?.changed();
    },
    async stop() {
      for (const socket of held) socket.destroy();
      await closed(server);
      await persister?.flush();
    },
  };
  const unseeded = platforms.map((p) => p.name).filter((name) => !loaded?.has(name));
  try {
    await seed(unseeded);
  } catch (error) {
    await sandbox.stop().catch(() => undefined);
    throw error;
  } finally {
    seeding = false;
  }
  if (unseeded.length) persister?.changed();
  return sandbox;
}

/** Base URL of each platform on a server at `url`. */
function urlsOf(url: string): Record<PlatformName, string> {
  return Object.fromEntries(PLATFORMS.map((p) => [p.name, `${url}${p.basePath}`])) as Record<PlatformName, string>;
}

/** An HTTP server listening on `host`:`port` (0: a free one) that hands each request to `handle`; a failure of it is a 500. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, port: number, host: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, json(500, { message: `sandbox error: ${error instanceof Error ? error.message : String(error)}` }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox did not get a TCP address');
  return { server, url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` };
}

/** Stops a server: no new connection, those open closed. */
function closed(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What `hrsync sandbox` prints: where each platform is and how to sign in. Keys are demo values. */
export function describeSandbox(sandbox: Sandbox): string {
  const platforms: readonly AnyPlatform[] = PLATFORMS;
  return [
    `hrsync sandbox on ${sandbox.url}`,
    ...platforms.map((p) => `  ${p.describe(sandbox.url, (sandbox.credentials as Record<string, unknown>)[p.name])}`),
    `  counters      GET ${sandbox.url}/_sandbox/stats   reset: POST ${sandbox.url}/_sandbox/reset`,
  ].join('\n');
}

/** How hrsync's connectors reach the emulated platforms of a running sandbox, by platform name. */
export function sandboxClients(sandbox: Sandbox): Array<{ platform: string } & NonNullable<ReturnType<NonNullable<AnyPlatform['client']>>>> {
  const platforms: readonly AnyPlatform[] = PLATFORMS;
  return platforms.flatMap((p) => (p.client ? [{ platform: p.name, ...p.client(sandbox.url, (sandbox.credentials as Record<string, unknown>)[p.name]) }] : []));
}

/** The credential flags every emulated platform adds to `hrsync sandbox`, by option name. */
export function sandboxFlags(): Array<[string, CredentialFlag]> {
  const platforms: readonly AnyPlatform[] = PLATFORMS;
  return platforms.flatMap((p) => Object.entries(p.flags));
}
