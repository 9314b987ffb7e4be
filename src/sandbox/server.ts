import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TokenBucket } from '../shared/token-bucket.js';
import { pickFault, type FaultRates, type Latency } from './faults.js';
import { json, readBody, send, type SandboxRequest, type SandboxResponse } from './http.js';
import type { CredentialFlag, PlatformContext } from './platform.js';
import { PLATFORMS, type PlatformName, type SandboxCredentials, type SandboxSettings, type SandboxState } from './platforms/index.js';
import { loadStateFile, Persister, stateChunks, type AnyPlatform, type Slices } from './state.js';
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

/**
 * Waits until `deadline` (performance.now()'s clock): what --latency adds is counted from the request's
 * arrival, as a network's delay would be, not from when its body was read. Node's timers count whole
 * milliseconds from the event loop's cached clock and fire at the loop's next turn: asked for 20 ms, they
 * answered 20.7–21.3 ms after on average here (issue 22), so a bound of concurrency ÷ latency was out of
 * reach of any client. The whole milliseconds left, rounded down, put the mean at about the deadline
 * (20.1–20.3 ms measured); a single answer may leave up to a millisecond early or late.
 */
function sleepUntil(deadline: number): Promise<unknown> | undefined {
  const left = Math.floor(deadline - performance.now());
  return left > 0 ? sleep(left) : undefined;
}

type Context = PlatformContext<unknown, unknown, unknown>;

/** Every platform's credentials, settings and state slice (a fresh one until a state file's is put in). */
class Platforms {
  readonly all: readonly AnyPlatform[] = PLATFORMS;
  readonly credentials: SandboxCredentials;
  private readonly contexts: Map<string, Context>;

  constructor(options: SandboxOptions, now: () => number) {
    this.credentials = Object.fromEntries(
      this.all.map((p) => [p.name, p.credentials({ key: options.apiKey, flags: options.flags ?? {}, given: (options.credentials as Record<string, unknown> | undefined)?.[p.name] })]),
    ) as SandboxCredentials;
    this.contexts = new Map(
      this.all.map((p) => {
        const settings = { ...p.defaultSettings, ...(options.unlimited ? p.unlimited : {}), ...(options.settings as Record<string, object> | undefined)?.[p.name] };
        return [p.name, { state: undefined, credentials: this.credentialsOf(p), settings, now, seeding: false }];
      }),
    );
    this.fresh();
  }

  credentialsOf(p: AnyPlatform): unknown {
    return (this.credentials as Record<string, unknown>)[p.name];
  }

  context(name: string): Context {
    return this.contexts.get(name)!;
  }

  /** Every platform back to a fresh state. */
  fresh(): void {
    for (const p of this.all) {
      const ctx = this.context(p.name);
      ctx.state = p.createState(ctx.credentials, ctx.settings);
    }
  }

  load(slices: Slices): void {
    for (const [name, state] of slices) this.context(name).state = state;
  }

  slices(): Slices {
    return new Map(this.all.map((p) => [p.name, this.context(p.name).state]));
  }
}

/** The fault injected into one request, if any. */
type Fault = ReturnType<typeof pickFault>;

/**
 * The requests of a running sandbox: the admin routes, the platforms' own, and on the way the global
 * rate limit, the injected faults and latency, the counters, and persisting what a write changed.
 */
class Dispatch {
  faults: FaultRates;
  /** Until it is seeded (at start, and during a reset) the platforms answer everyone but the seeder 503. */
  seeding = false;
  readonly stats = new Stats();
  /** Connections a "timeout" fault keeps waiting. */
  readonly held = new Set<Socket>();
  private readonly limit: TokenBucket | undefined;
  private readonly random: () => number;

  constructor(
    private readonly platforms: Platforms,
    private readonly options: SandboxOptions,
    private readonly persister: Persister | undefined,
    private readonly admin: (req: SandboxRequest) => Promise<SandboxResponse>,
    now: () => number,
  ) {
    this.faults = { ...options.faults };
    this.random = options.random ?? Math.random;
    this.limit = options.rateLimitPerSecond ? new TokenBucket(options.rateLimitPerSecond, options.rateLimitPerSecond, now) : undefined;
  }

  /** `seeder`: a request on the seeding server (see `seed`), the only one served while the platforms are being seeded. */
  async onRequest(raw: IncomingMessage, res: ServerResponse, seeder: boolean): Promise<void> {
    const arrived = performance.now();
    const url = new URL(raw.url ?? '/', 'http://sandbox');
    const req: SandboxRequest = { method: raw.method ?? 'GET', url, headers: raw.headers, body: await readBody(raw) };
    // Never an empty or half-filled platform.
    if (this.seeding && !seeder) return send(res, json(503, { message: 'the sandbox is being seeded: try again shortly' }, { 'retry-after': '1' }));
    if (url.pathname.startsWith('/_sandbox/')) return send(res, await this.admin(req));
    const platform = this.platforms.all.find((p) => p.matches(url.pathname));
    if (!platform) return send(res, json(404, { message: `no emulated platform serves ${url.pathname}` }));
    if (seeder) return send(res, this.seed(platform, req));
    const record = (status: number) => this.stats.record(platform.name, platform.endpoint(req), req.method, status);
    if (this.limit && !this.limit.tryTake()) {
      record(429);
      // Over the network like any answer (its fixed part: the seeded random source is left as it was).
      if (this.options.latency) await sleepUntil(arrived + this.options.latency.ms);
      return send(res, json(429, { message: 'sandbox rate limit' }, { 'retry-after': '1' }));
    }
    const fault = pickFault(this.faults, this.random);
    if (this.dropped(fault, raw, record)) return;
    const latency = this.options.latency ? this.options.latency.ms + this.random() * this.options.latency.jitterMs : 0;
    if (latency > 0) await sleepUntil(arrived + latency);
    if (fault === 'slow-commit' && req.method !== 'GET') return this.slowCommit(platform, req, raw, res, record);
    if (fault === '429' || fault === '500' || fault === '503') return this.injected(Number(fault), res, record);
    const response = this.commit(platform, req);
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

  /** A request of the seeder: no fault, latency, limit or counter. */
  private seed(platform: AnyPlatform, req: SandboxRequest): SandboxResponse {
    const ctx = this.platforms.context(platform.name);
    ctx.seeding = true;
    try {
      return this.commit(platform, req);
    } finally {
      ctx.seeding = false;
    }
  }

  /** The platform's answer, its change persisted. */
  private commit(platform: AnyPlatform, req: SandboxRequest): SandboxResponse {
    const response = platform.handle(req, this.platforms.context(platform.name));
    if (response.wrote) this.persister?.changed();
    return response;
  }

  /** A connection reset before the request is handled, or one never answered: true when the fault took the request. */
  private dropped(fault: Fault, raw: IncomingMessage, record: (status: number) => void): boolean {
    if (fault === 'reset-before') {
      record(0);
      raw.socket.destroy();
      return true;
    }
    if (fault === 'timeout') {
      record(0);
      this.held.add(raw.socket);
      raw.socket.once('close', () => this.held.delete(raw.socket));
      return true;
    }
    return false;
  }

  /** A write committed late, whether or not the client still waits; answered if it does. */
  private async slowCommit(platform: AnyPlatform, req: SandboxRequest, raw: IncomingMessage, res: ServerResponse, record: (status: number) => void): Promise<void> {
    await sleep(this.options.slowCommitMs ?? 5000);
    const response = this.commit(platform, req);
    record(raw.socket.destroyed ? 0 : response.status);
    if (!raw.socket.destroyed) send(res, response);
  }

  /** An injected 429, 500 or 503, nothing changed. */
  private injected(status: number, res: ServerResponse, record: (status: number) => void): void {
    record(status);
    const headers: Record<string, string> = status === 429 ? { 'retry-after': String(this.options.retryAfterSeconds ?? 1) } : status === 503 ? { 'retry-after': '0' } : {};
    send(res, json(status, { message: `injected ${status}` }, headers));
  }
}

/** The admin routes: counters, reset, health. */
async function adminRoute(req: SandboxRequest, sandbox: () => Sandbox): Promise<SandboxResponse> {
  const path = req.url.pathname;
  if (path === '/_sandbox/stats' && req.method === 'GET') return json(200, sandbox().stats());
  if (path === '/_sandbox/reset' && req.method === 'POST') {
    await sandbox().reset();
    return json(200, { reset: true });
  }
  if (path === '/_sandbox/health') return json(200, { ok: true });
  return json(404, { message: 'sandbox admin routes: GET /_sandbox/stats, POST /_sandbox/reset, GET /_sandbox/health' });
}

/** Starts the emulator of every platform in src/sandbox/platforms/index.ts on a real socket. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const platforms = new Platforms(options, now);
  const loaded = options.dataFile ? await loadStateFile(options.dataFile, platforms.all, (p) => platforms.credentialsOf(p)) : undefined;
  if (loaded) platforms.load(loaded);
  const persister = options.dataFile ? new Persister(options.dataFile, () => stateChunks(platforms.all, platforms.slices())) : undefined;
  let sandbox: Sandbox | undefined;
  const dispatch = new Dispatch(platforms, options, persister, (req) => adminRoute(req, () => sandbox!), now);
  const listening = (seeder: boolean, port: number, host: string) => serve((req, res) => dispatch.onRequest(req, res, seeder), port, host);
  // Seeding, the platforms answer this port 503 until they are ready (see onRequest); it is taken first, so a port in use fails at once.
  dispatch.seeding = Boolean(options.seed);
  const { server, url } = await listening(false, options.port ?? 0, options.host ?? '127.0.0.1');
  const seed = seeding(options, platforms, dispatch, () => sandbox!, listening);
  sandbox = {
    url,
    urls: urlsOf(url),
    credentials: platforms.credentials,
    stats: () => dispatch.stats.snapshot(),
    state: () => Object.fromEntries(platforms.slices()) as SandboxState,
    setFaults(next) {
      dispatch.faults = { ...next };
    },
    async reset() {
      platforms.fresh();
      await seed(platforms.all.map((p) => p.name));
      dispatch.stats.reset();
      persister?.changed();
    },
    async stop() {
      for (const socket of dispatch.held) socket.destroy();
      await closed(server);
      await persister?.flush();
    },
  };
  const unseeded = platforms.all.map((p) => p.name).filter((name) => !loaded?.has(name));
  try {
    await seed(unseeded);
  } catch (error) {
    await sandbox.stop().catch(() => undefined);
    throw error;
  } finally {
    dispatch.seeding = false;
  }
  if (unseeded.length) persister?.changed();
  return sandbox;
}

/**
 * Fills the platforms named as a client would, through a server of its own on a free loopback port,
 * the only one served meanwhile: no fault, latency, limit or counter applies to it.
 */
function seeding(
  options: SandboxOptions,
  platforms: Platforms,
  dispatch: Dispatch,
  sandbox: () => Sandbox,
  listening: (seeder: boolean, port: number, host: string) => Promise<{ server: Server; url: string }>,
): (names: readonly string[]) => Promise<void> {
  return async (names) => {
    if (!options.seed || names.length === 0) return;
    dispatch.seeding = true;
    const seeder = await listening(true, 0, '127.0.0.1');
    try {
      await options.seed({ ...sandbox(), url: seeder.url, urls: urlsOf(seeder.url) }, names);
      for (const p of platforms.all) if (names.includes(p.name)) p.afterSeed?.(platforms.context(p.name));
    } finally {
      await closed(seeder.server);
      dispatch.seeding = false;
    }
  };
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
