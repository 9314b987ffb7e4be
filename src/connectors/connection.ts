import type { Dispatcher } from 'undici';
import { HttpClient } from '../http/client.js';

/** What every connector's HTTP side can be tuned with (from the config, or by tests). */
export interface ConnectionSettings {
  concurrency?: number;
  /** Requests per second per endpoint. */
  ratePerSecond?: number;
  /** Requests allowed at once before pacing starts. */
  burst?: number;
  /** Milliseconds to wait for an answer's headers (and between body chunks). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** One connector's HTTP client: concurrency 8 unless set, paced only when a rate is known. */
export function connect(baseUrl: string, label: string, settings: ConnectionSettings, secrets: () => Array<string | undefined>, defaultRate?: { perSecond: number; burst: number }): HttpClient {
  const perSecond = settings.ratePerSecond ?? defaultRate?.perSecond;
  return new HttpClient({
    baseUrl,
    label,
    concurrency: settings.concurrency ?? 8,
    ...(perSecond ? { rate: { perSecond, burst: settings.burst ?? defaultRate?.burst ?? Math.max(1, Math.ceil(perSecond)) } } : {}),
    secrets: () => secrets().filter((s): s is string => !!s),
    ...(settings.timeoutMs ? { timeouts: { headersMs: settings.timeoutMs, bodyMs: settings.timeoutMs } } : {}),
    ...(settings.dispatcher ? { dispatcher: settings.dispatcher } : {}),
    ...(settings.sleep ? { sleep: settings.sleep } : {}),
    ...(settings.now ? { now: settings.now } : {}),
  });
}
