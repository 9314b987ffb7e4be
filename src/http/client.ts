import { isIP } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { Pool, ProxyAgent, type Dispatcher } from 'undici';
import { Interrupted, RemoteError, UsageError, type FieldError } from '../errors.js';
import { Slots } from '../shared/slots.js';
import { TokenBucket } from '../shared/token-bucket.js';
import { proxyFor, type Proxy, type ProxyEnvironment } from './proxy.js';
import { redact } from './redact.js';
import { tlsFailure, trustedWith } from './tls.js';

// undici parses HTTP with llhttp compiled to WebAssembly. V8 starts it on its baseline compiler
// (Liftoff) and recompiles the functions that get hot with its optimising one on a background thread —
// and the process cannot end while such a compile is running: after a short command's last line, a
// quarter of a second or more of CPU (export, or import on the embedded sandbox). The baseline code
// parses as fast for hrsync's traffic (a 100,000-user export took the same time), so it stays. Set
// before the first connection compiles llhttp; nothing else in hrsync is WebAssembly.
setFlagsFromString('--liftoff-only');

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** The longest Retry-After hrsync waits; a longer one fails at once with a clear message. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, maxMs: 20_000, maxRetryAfterMs: 120_000 };

/** The largest answer hrsync reads; a larger one stops the run, whatever the server sends. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The most one target may make hrsync wait in all (Retry-After and backoff) in one run. */
export const DEFAULT_WAIT_BUDGET_MS = 10 * 60_000;

export interface HttpClientOptions {
  /** Base URL every path is relative to. https, except on loopback hosts. */
  baseUrl: string;
  /** Names the target in messages, e.g. 'accessplanit "lms"'. */
  label: string;
  /** Requests in flight at most (its pool may open more connections: connectionsFor). */
  concurrency?: number;
  /** Per-endpoint pacing: a steady rate and the burst allowed before pacing starts. */
  rate?: { perSecond: number; burst: number };
  retry?: Partial<RetryPolicy>;
  /**
   * connect, headers and the gap between body chunks; `answerMs` bounds a whole answer, so a body
   * that trickles in forever still ends (default: four times headersMs).
   */
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number; answerMs?: number };
  /** The largest answer read, in bytes (default 64 MB). */
  maxBodyBytes?: number;
  /** The most this client waits in all, for Retry-After and backoff, before it gives up (default 10 min). */
  waitBudgetMs?: number;
  /** A line per request for HRSYNC_DEBUG=http: method, redacted URL, status, time, try. */
  trace?: (line: string) => void;
  /** Values that must never appear in any message: keys, passwords, tokens. */
  secrets?: () => readonly string[];
  /** The platform's field errors in a 400/422 body (each connector knows its own shape). */
  fieldErrors?: (body: unknown) => FieldError[];
  /**
   * For a platform that reports some failures inside a 2xx answer (ServiceStack's ResponseStatus):
   * the status the answer stands for, or undefined when it is a success. Such an answer is then
   * handled as that status — a failure, never `ok`.
   */
  errorIn2xx?: (body: unknown) => number | undefined;
  /** PEM certificates trusted for this origin besides Node's own (the target's caFile); verification stays on. */
  ca?: string;
  /** Tests inject a MockAgent; otherwise a Pool for the origin, or a ProxyAgent when `proxy` says so. */
  dispatcher?: Dispatcher;
  /** The environment's proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): see proxyFor. */
  proxy?: ProxyEnvironment;
  /**
   * The user stopped the run (its reason: the signal's name): no new request starts, a read in flight
   * and a wait are cut at once (Interrupted). A write already sent is never cut — its answer decides.
   */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path relative to the base URL, with its query string. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (set content-type in headers). */
  body?: unknown;
  /** The endpoint the rate limit counts against (default: the first path segment). */
  endpoint?: string;
  /** Statuses the caller handles itself (e.g. 404 on a lookup): answered, not thrown. */
  accept?: number[];
  /** A POST that is safe to send twice (a token grant): retried like a GET. */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
  /** The answer's content type, as sent (undefined: none). */
  contentType: string | undefined;
  /** Whether the body is JSON: it parsed as JSON, and its content type (if any) names JSON. */
  json: boolean;
  /** The request, for a message: 'scim "idp": GET /scim/v2/Users?startIndex=1' (redacted). */
  readonly where: string;
  /** The start of the body, redacted, on one line: what a message may quote of an answer. */
  readonly excerpt: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname) || (isIP(hostname) === 4 && hostname.startsWith('127.'));
}

/** Seconds or an HTTP date → milliseconds to wait; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Statuses a read (GET, or an `idempotent` POST) is also sent again on: a server error may be passing. */
const READ_RETRY_STATUSES = new Set([...RETRY_STATUSES, 500]);
/** Statuses that say the request was not processed, so even a POST may be sent again. */
const NOT_PROCESSED = new Set([429, 503]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);
/** Codes of a connection that was never made: nothing was sent, so even a write may be sent again. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** An error and its causes, the few levels undici nests them. */
function* causes(error: unknown): Generator<{ code?: string; name?: string }> {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    yield e as { code?: string; name?: string };
    e = (e as { cause?: unknown }).cause;
  }
}

/** Whether an error, or one of its causes, has this code. */
const codeIn = (error: unknown, wanted: string): boolean => [...causes(error)].some((e) => e.code === wanted);

/** Codes of errors hrsync made itself (a header it should not have built): a bug, never retried. */
const OWN_ERRORS = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

/**
 * Why a request got no usable answer: a network error, an answer that is not HTTP (undici's parser:
 * HPE_*, e.g. a Content-Length that is not a number), or another transport error of undici's (UND_ERR_*).
 */
function networkCode(error: unknown): string | undefined {
  for (const { code, name } of causes(error)) {
    if (code && NETWORK_CODES.has(code)) return code;
    if ((code && /^(HPE_|UND_ERR_)/.test(code) && !OWN_ERRORS.has(code)) || name === 'HTTPParserError') return `${code ?? 'HPE_ERROR'}: an answer that is not well-formed HTTP`;
  }
  return undefined;
}

/**
 * The connections a client's pool may open for `concurrency` requests in flight: half as many again.
 * undici writes on a keep-alive connection only a turn of the event loop after its last answer (in case
 * the server closes it after all) and checks it once more before the write; with no spare, each request
 * waits for both turns behind the answers being handled. Measured (issue 22, 10,000 creates at 20 ms,
 * --concurrency 32): 86–88 % of the concurrency ÷ latency bound with 32 connections, 90–92 % with 48.
 */
const connectionsFor = (concurrency: number): number => concurrency + Math.ceil(concurrency / 2);

/** How a client paces its requests (the same shape as core's Pacing, which this layer cannot import). */
export interface ClientPacing {
  perSecond: number;
  burst: number;
  concurrency: number;
  available(): number;
  waiting(): number;
}

/**
 * One target's HTTP client: a keep-alive pool for its origin, per-endpoint pacing, retries with
 * exponential backoff and full jitter that honour Retry-After, and errors that say what failed
 * without ever showing a secret. A read (GET, or a POST marked idempotent) is also sent again on a
 * 500. A write (POST) is sent again only when the server said it did not
 * process it (429, or 503 with Retry-After); if its answer is lost — or a proxy's 502, 503 or 504
 * stands in for it — the caller gets `outcome_unknown` and decides.
 */
export class HttpClient {
  readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  /** The proxy requests go through, if one does. */
  private readonly proxy: Proxy | undefined;
  private readonly retry: RetryPolicy;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  /** What this client has waited so far (Retry-After and backoff), against its budget. */
  private waited = 0;
  /** Requests in flight at most (options.concurrency, else 8). */
  private readonly concurrency: number;
  /** Requests in flight: `concurrency` at most, whatever the pool's connections. */
  private readonly slots: Slots;

  constructor(private readonly options: HttpClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new UsageError(`${options.label}: baseUrl "${redact(options.baseUrl)}" is not a URL`);
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopback(base.hostname)))
      throw new UsageError(`${options.label}: baseUrl must use https:// (plain http is allowed only on this machine, e.g. the sandbox)`);
    this.base = base;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.owned = !options.dispatcher;
    this.proxy = options.dispatcher ? undefined : proxyFor(base, options.proxy);
    this.concurrency = options.concurrency ?? 8;
    this.slots = new Slots(this.concurrency);
    const pool = {
      connections: connectionsFor(this.concurrency),
      headersTimeout: options.timeouts?.headersMs ?? 30_000,
      bodyTimeout: options.timeouts?.bodyMs ?? 60_000,
    };
    const connect = { timeout: options.timeouts?.connectMs ?? 10_000 };
    const target = { ...connect, ...(options.ca ? { ca: trustedWith(options.ca) } : {}) };
    // Through a proxy: https:// in a CONNECT tunnel, plain http:// (this machine only) forwarded as curl does.
    this.dispatcher =
      options.dispatcher ??
      (this.proxy
        ? new ProxyAgent({ uri: this.proxy.url.href, proxyTunnel: base.protocol === 'https:', proxyTls: connect, requestTls: target, ...pool })
        : new Pool(base.origin, { ...pool, connect: target }));
  }

  private secrets(): readonly string[] {
    return [...(this.options.secrets?.() ?? []), ...(this.proxy?.secrets ?? [])];
  }

  private describe(req: HttpRequest): string {
    const url = new URL(req.path, this.base);
    return `${this.options.label}: ${req.method} ${redact(url.pathname + (url.search || ''), this.secrets())}${this.proxy ? ` (through the proxy ${this.proxy.shown})` : ''}`;
  }

  /**
   * Takes a token for the endpoint: at once when one is there (undefined: nothing to wait for), else a
   * wait for one — which `stop` ends: a read not yet sent is not waited for once the user stops the run
   * (at 100 an hour, a token comes every 36 s, and each read queued waited for its own).
   */
  private pace(endpoint: string, stop?: AbortSignal): Promise<void> | undefined {
    const rate = this.options.rate;
    if (!rate) return undefined;
    let bucket = this.buckets.get(endpoint);
    if (!bucket) this.buckets.set(endpoint, (bucket = new TokenBucket(rate.perSecond, Math.max(1, rate.burst), this.now, this.sleep)));
    return bucket.tryTake() ? undefined : this.queue(bucket, stop);
  }

  private async queue(bucket: TokenBucket, stop?: AbortSignal): Promise<void> {
    this.waiting++;
    let onAbort = () => {};
    try {
      if (!stop) return await bucket.take();
      await Promise.race([bucket.take(stop), new Promise<void>((resolve) => stop.addEventListener('abort', (onAbort = () => resolve()), { once: true }))]);
    } finally {
      stop?.removeEventListener('abort', onAbort);
      this.waiting--;
    }
  }

  /** Requests waiting for a token now (see pacing). */
  private waiting = 0;

  /** How this client paces its requests (undefined: it does not), read to say how long a run will take. */
  get pacing(): ClientPacing | undefined {
    const rate = this.options.rate;
    if (!rate) return undefined;
    const burst = Math.max(1, rate.burst);
    return {
      perSecond: rate.perSecond,
      burst,
      concurrency: this.concurrency,
      available: () => Math.min(burst, ...[...this.buckets.values()].map((b) => b.available())),
      waiting: () => this.waiting,
    };
  }

  private backoff(attempt: number): number {
    return this.random() * Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt);
  }

  /** Waits before a retry, within the run's budget for this target; past it, the run stops. */
  private async wait(req: HttpRequest, ms: number, why: string, status: number | undefined): Promise<void> {
    const budget = this.options.waitBudgetMs ?? DEFAULT_WAIT_BUDGET_MS;
    if (this.waited + ms > budget)
      throw new RemoteError(
        status === 429 ? 'rate_limited' : 'unavailable',
        `${this.describe(req)}: ${why}, and waiting again would take this run past ${Math.round(budget / 1000)} s of waiting on this target`,
        status,
        [],
        'run again later, or lower the target’s rateLimit or concurrency',
      );
    this.waited += ms;
    const stop = this.options.signal;
    if (!stop) return this.sleep(ms);
    this.stopIfAsked();
    let onAbort = () => {};
    await Promise.race([this.sleep(ms), new Promise<void>((resolve) => stop.addEventListener('abort', (onAbort = () => resolve()), { once: true }))]);
    stop.removeEventListener('abort', onAbort);
    this.stopIfAsked();
  }

  /** Throws Interrupted once the run's signal is aborted. */
  private stopIfAsked(): void {
    const stop = this.options.signal;
    if (stop?.aborted) throw new Interrupted(`${this.options.label}: interrupted`, typeof stop.reason === 'string' ? (stop.reason as NodeJS.Signals) : 'SIGINT');
  }

  /** The body as text, reading at most maxBodyBytes: a larger answer stops here, in bounded memory. */
  private async read(req: HttpRequest, body: Dispatcher.ResponseData['body']): Promise<string> {
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new RemoteError('unexpected', `${this.describe(req)}: the answer is larger than ${Math.round(limit / 1024 / 1024)} MB; hrsync stops reading there`, undefined, [], 'check the server, or raise the target’s maxResponseMB');
      }
      chunks.push(chunk);
    }
    // A byte-order mark before JSON (some .NET servers send one) is not part of it (RFC 8259 §8.1).
    const text = Buffer.concat(chunks).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /**
   * One try, in one of the client's slots (`concurrency` requests in flight at most; a read stops
   * waiting for one once the run is stopped): the request and its whole answer within `answerMs` — a
   * body that trickles in forever is cut, like one that stops. The slot is given back as soon as the
   * answer is read or lost: never held through a retry's wait.
   */
  private async exchange(req: HttpRequest, url: URL, headers: Record<string, string>, body: string | undefined, cuttable: AbortSignal | false | undefined, answerMs: number): Promise<Exchange> {
    const slot = this.slots.take(cuttable || undefined);
    if (slot !== true && !(await slot)) this.stopIfAsked(); // not held: the run was stopped, which throws
    const started = this.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DeadlineExceeded()), answerMs);
    try {
      const signal = cuttable ? AbortSignal.any([deadline.signal, cuttable]) : deadline.signal;
      const res = await this.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: req.method, headers, body: body ?? null, signal });
      return { status: res.statusCode, headers: res.headers, text: await this.read(req, res.body), started }; // always consume the body, or the connection is lost
    } catch (error) {
      return { error, timedOut: deadline.signal.aborted, started };
    } finally {
      clearTimeout(timer);
      this.slots.give();
    }
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.path.replace(/^\//, ''), this.base);
    const idempotent = req.idempotent ?? (req.method !== 'POST' && req.method !== 'PATCH');
    // A 500 is sent again only for a read (a GET, or a POST marked idempotent): a PUT or DELETE that
    // failed with 500 may have half happened, and its caller decides.
    const reads = req.method === 'GET' || req.idempotent === true;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (typeof req.body !== 'string') headers['content-type'] ??= 'application/json';
    }
    const endpoint = req.endpoint ?? url.pathname.slice(this.base.pathname.length).split('/')[0] ?? '';
    const answerMs = this.options.timeouts?.answerMs ?? 4 * (this.options.timeouts?.headersMs ?? 30_000);
    // A read can be cut when the user stops the run; a write in flight never is.
    const cuttable = req.method === 'GET' && this.options.signal;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.retry.attempts;
      this.stopIfAsked();
      await this.pace(endpoint, cuttable || undefined); // undefined at once when a token is there
      this.stopIfAsked();
      const sent = await this.exchange(req, url, headers, body, cuttable, answerMs);
      if ('error' in sent) {
        const { error, started } = sent;
        if (error instanceof RemoteError) throw error;
        if (cuttable && cuttable.aborted) this.stopIfAsked();
        // A proxy that would not connect us: nothing reached the target.
        const refused = this.proxy ? proxyRefusal(error) : undefined;
        const final = this.final(req, error, refused);
        if (final) {
          this.trace(req, url, `no answer (${final.kind})`, started, attempt);
          throw final;
        }
        const code = sent.timedOut ? `no complete answer within ${(answerMs / 1000).toFixed(answerMs < 10_000 ? 1 : 0)} s` : refused ? `the proxy answered ${refused}` : networkCode(error);
        this.trace(req, url, `no answer (${code ?? 'error'})`, started, attempt);
        if (!code) throw error;
        // A connection that was never made carried nothing: even a write may be sent again.
        const unsent = NEVER_CONNECTED.has(code) || refused !== undefined;
        if (!idempotent && !unsent)
          throw new RemoteError('outcome_unknown', `${this.describe(req)}: no answer (${code}); the write may or may not have been applied`, undefined, [], 'look the record up before sending it again');
        if (last) throw new RemoteError('unavailable', `${this.describe(req)}: no answer after ${this.retry.attempts} tries (${code})`, undefined);
        await this.wait(req, this.backoff(attempt), `no answer (${code})`, undefined);
        continue;
      }
      const { status, headers: responseHeaders, text, started } = sent;
      this.trace(req, url, String(status), started, attempt);
      // A write is sent again only when the server said it did not process it: 429, or 503 with a
      // Retry-After (RFC 9110 §15.6.4: come back later). A bare 503, a 502 or a 504 can come from a
      // proxy that gave up while the application went on and committed: its outcome is unknown.
      const notProcessed = NOT_PROCESSED.has(status) && (status === 429 || responseHeaders['retry-after'] !== undefined);
      if (!idempotent && RETRY_STATUSES.has(status) && !notProcessed)
        throw new RemoteError('outcome_unknown', `${this.describe(req)}: ${status} without a Retry-After, which a proxy sends while the server may still commit; the write may or may not have been applied`, status, [], 'look the record up before sending it again');
      if ((reads ? READ_RETRY_STATUSES : RETRY_STATUSES).has(status) && (idempotent || notProcessed)) {
        const wait = retryAfterMs(responseHeaders['retry-after'], this.now());
        if (wait !== undefined && wait > this.retry.maxRetryAfterMs)
          throw new RemoteError('rate_limited', `${this.describe(req)}: ${status}, and the server asks to wait ${Math.ceil(wait / 1000)} s`, status, [], 'lower the target’s rateLimit or concurrency, or run again later');
        if (!last) {
          await this.wait(req, wait ?? this.backoff(attempt), String(status), status);
          continue;
        }
      }
      const contentType = headerValue(responseHeaders['content-type']);
      const { body: parsed, json } = parseBody(text, contentType);
      const meant = status >= 200 && status < 300 ? (this.options.errorIn2xx?.(parsed) ?? status) : status;
      if ((meant >= 200 && meant < 300) || req.accept?.includes(meant)) return this.answer(req, { status: meant, headers: responseHeaders, body: parsed, text, contentType, json });
      throw this.failure(req, meant, parsed, text, attempt + 1, meant !== status ? ` (inside a ${status} answer)` : '');
    }
  }

  /** A failure the next try would meet again: no such host, a TLS certificate refused, the proxy's 407. */
  private final(req: HttpRequest, error: unknown, refused: number | undefined): RemoteError | undefined {
    if (codeIn(error, 'ENOTFOUND'))
      return new RemoteError('unavailable', `${this.describe(req)}: the host ${this.base.hostname} cannot be found (DNS: ENOTFOUND)`, undefined, [], 'check the target’s baseUrl, and this machine’s DNS');
    const tls = tlsFailure(error, this.base.host, this.describe(req));
    if (tls) return tls;
    if (refused === 407)
      return new RemoteError('auth', `${this.describe(req)}: the proxy refused its credentials (407 Proxy Authentication Required)`, 407, [], 'check the user and password in HTTPS_PROXY (or HTTP_PROXY)');
    return undefined;
  }

  /** An answer handed to the caller, with what a message about it needs (worked out only if asked). */
  private answer(req: HttpRequest, parts: Omit<HttpResponse, 'where' | 'excerpt'>): HttpResponse {
    const client = this;
    return {
      ...parts,
      get where() {
        return client.describe(req);
      },
      get excerpt() {
        return redact(parts.text.slice(0, 2000), client.secrets()).slice(0, 120).replace(/\s+/g, ' ').trim();
      },
    };
  }

  private trace(req: HttpRequest, url: URL, outcome: string, started: number, attempt: number): void {
    this.options.trace?.(
      `http ${req.method} ${redact(url.origin + url.pathname + url.search, this.secrets())} → ${outcome} in ${Math.round(this.now() - started)} ms${attempt ? ` (try ${attempt + 1})` : ''}${this.proxy ? ` via ${this.proxy.shown}` : ''}`,
    );
  }

  private failure(req: HttpRequest, status: number, body: unknown, text: string, tries: number, inside = ''): RemoteError {
    const where = `${this.describe(req)}${inside}`;
    // Redacted whole, then cut: a cut first could leave most of a secret behind.
    const snippet = redact(text, this.secrets()).slice(0, 300).replace(/\s+/g, ' ');
    if (status === 401 || status === 403)
      return new RemoteError('auth', `${where}: ${status} — the credentials were refused`, status, [], 'check the target’s credentials in the config (and the environment variables they name)');
    if (status === 404) return new RemoteError('not_found', `${where}: 404 not found`, status);
    if (status === 409) return new RemoteError('conflict', `${where}: 409 conflict: ${snippet}`, status);
    if (status === 400 || status === 422) {
      // What the server says of the fields can quote what it was sent: redacted like everything else.
      const fieldErrors = (this.options.fieldErrors?.(body) ?? []).map((e) => ({ field: redact(e.field, this.secrets()), message: redact(e.message, this.secrets()) }));
      return new RemoteError('validation', `${where}: ${status} rejected: ${snippet}`, status, fieldErrors);
    }
    if (status === 429) return new RemoteError('rate_limited', `${where}: 429 rate limited after ${tries} tries`, status, [], 'lower the target’s rateLimit or concurrency');
    if (status >= 500) return new RemoteError('unavailable', `${where}: ${status} after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${snippet}`, status);
    return new RemoteError('unexpected', `${where}: unexpected ${status}: ${snippet}`, status);
  }

  async close(): Promise<void> {
    if (this.owned) await this.dispatcher.close();
  }
}

/**
 * The status a proxy refused to connect us with, from undici's errors: a CONNECT tunnel's
 * "Proxy response (407) !== 200 …", or a forwarding proxy's "Proxy Authentication Required (407)".
 */
function proxyRefusal(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const status = /^Proxy[\w\s]*\((\d{3})\)/.exec(message)?.[1];
  return status ? Number(status) : undefined;
}

/** The reason an answer was cut off: it took longer than the client allows a whole answer. */
class DeadlineExceeded extends Error {}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** One try's outcome (exchange): the answer read whole, or what stopped it; `started` once it had a slot. */
type Exchange = { status: number; headers: HttpResponse['headers']; text: string; started: number } | { error: unknown; timedOut: boolean; started: number };

/**
 * The body, parsed when it is JSON; `json` says whether it is: it parsed, and its content type — when
 * it has one — names JSON (`application/json`, `application/scim+json`, `text/json` …). A page of HTML
 * that happens to parse, or JSON sent as `text/html`, is not.
 */
function parseBody(text: string, contentType: string | undefined): { body: unknown; json: boolean } {
  if (!text) return { body: undefined, json: false };
  const named = contentType === undefined || /json/i.test(contentType);
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(text)) {
    try {
      return { body: JSON.parse(text), json: named };
    } catch {
      return { body: text, json: false };
    }
  }
  return { body: text, json: false };
}
