import type { Dispatcher } from 'undici';
import type { FieldError } from '../errors.js';
import { HttpClient, type RetryPolicy } from '../http/client.js';
import type { ProxyEnvironment } from '../http/proxy.js';

/** How long an answer may take to start, unless the config says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Requests in flight at once, unless the config or --concurrency says otherwise. */
export const DEFAULT_CONCURRENCY = 8;

/** Pages a list reads ahead of the one it waits for: the rest of the connection's pool (see ReadAhead). */
export const readAheadOf = (settings: Pick<ConnectionSettings, 'concurrency'>): number => Math.max(1, (settings.concurrency ?? DEFAULT_CONCURRENCY) - 1);

/** What every connector's HTTP side can be tuned with (from the config, or by tests). */
export interface ConnectionSettings {
  concurrency?: number;
  /** Requests per second per endpoint. */
  ratePerSecond?: number;
  /** Requests allowed at once before pacing starts. */
  burst?: number;
  /** Milliseconds to wait for an answer's headers (and between body chunks). */
  timeoutMs?: number;
  /** Records asked for per page when listing (default: the connector's own). */
  pageSize?: number;
  /** The largest answer read, in bytes (default 64 MB). */
  maxBodyBytes?: number;
  /** The most records one list may hold (default 1,000,000: PageGuard). */
  maxRecords?: number;
  /** The longest one list may take, in seconds (default: defaultListSeconds). */
  maxListSeconds?: number;
  /** PEM certificates trusted for this target besides Node's own (its caFile, read by the app). */
  ca?: string;
  /** A line per request, for HRSYNC_DEBUG=http (redacted). */
  trace?: (line: string) => void;
  dispatcher?: Dispatcher;
  /** The environment's proxy settings: requests go through a proxy unless NO_PROXY says otherwise. */
  proxy?: ProxyEnvironment;
  /** The user stopped the run: reads in flight are cut (see HttpClientOptions.signal). */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** How failed requests are tried again, over the defaults (tests: a short backoff). */
  retry?: Partial<RetryPolicy>;
}

export interface ConnectOptions {
  baseUrl: string;
  /** Names the target in messages: 'accessplanit "lms"'. */
  label: string;
  settings: ConnectionSettings;
  /** Values no message may show: read when a message is built, so refreshed tokens count. */
  secrets: () => Array<string | undefined>;
  /** Pacing when the config sets none: the platform's documented limit. */
  defaultRate?: { perSecond: number; burst: number };
  /** The platform's field errors in a rejected write's body. */
  fieldErrors?: (body: unknown) => FieldError[];
  /** A failure the platform reports inside a 2xx answer: the status it stands for (see HttpClient). */
  errorIn2xx?: (body: unknown) => number | undefined;
}

/** A base URL as an identity: scheme, host and path, without credentials, query or a trailing slash. */
export function endpointOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl;
  }
}

/** One connector's HTTP client: concurrency 8 unless set, paced only when a rate is known. */
export function connect(options: ConnectOptions): HttpClient {
  const { settings, defaultRate } = options;
  const perSecond = settings.ratePerSecond ?? defaultRate?.perSecond;
  return new HttpClient({
    baseUrl: options.baseUrl,
    label: options.label,
    concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY,
    ...(perSecond ? { rate: { perSecond, burst: settings.burst ?? defaultRate?.burst ?? Math.max(1, Math.ceil(perSecond)) } } : {}),
    secrets: () => options.secrets().filter((s): s is string => !!s),
    ...(options.fieldErrors ? { fieldErrors: options.fieldErrors } : {}),
    ...(options.errorIn2xx ? { errorIn2xx: options.errorIn2xx } : {}),
    ...(settings.timeoutMs ? { timeouts: { headersMs: settings.timeoutMs, bodyMs: settings.timeoutMs } } : {}),
    ...(settings.maxBodyBytes ? { maxBodyBytes: settings.maxBodyBytes } : {}),
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.trace ? { trace: settings.trace } : {}),
    ...(settings.dispatcher ? { dispatcher: settings.dispatcher } : {}),
    ...(settings.proxy ? { proxy: settings.proxy } : {}),
    ...(settings.signal ? { signal: settings.signal } : {}),
    ...(settings.sleep ? { sleep: settings.sleep } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
  });
}
