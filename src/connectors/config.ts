import { parseRate } from '../shared/token-bucket.js';
import type { ConnectionSettings } from './connection.js';
import type { ConnectorContext } from './types.js';

export interface ConnectionOptions {
  concurrency?: number | undefined;
  rateLimit?: string | undefined;
  timeout?: number | undefined;
  pageSize?: number | undefined;
  maxResponseMB?: number | undefined;
  maxRecords?: number | undefined;
  maxListSeconds?: number | undefined;
  /** Read by the app (relative to the config file) and handed over as ConnectorContext.ca. */
  caFile?: string | undefined;
}

/** The common options of a config entry, and what the caller hands every connector → its HTTP settings. */
export function connectionSettings(config: ConnectionOptions, context: Pick<ConnectorContext, 'dispatcher' | 'proxy' | 'trace' | 'signal' | 'ca' | 'concurrency' | 'retry'> = {}): ConnectionSettings {
  const rate = config.rateLimit === undefined ? undefined : parseRate(config.rateLimit);
  // The run's --concurrency is what runs: a pool smaller than the writes in flight would queue them.
  const concurrency = context.concurrency ?? config.concurrency;
  return {
    ...(concurrency ? { concurrency } : {}),
    ...(rate ? { ratePerSecond: rate } : {}),
    ...(config.timeout ? { timeoutMs: config.timeout * 1000 } : {}),
    ...(config.pageSize ? { pageSize: config.pageSize } : {}),
    ...(config.maxResponseMB ? { maxBodyBytes: Math.round(config.maxResponseMB * 1024 * 1024) } : {}),
    ...(config.maxRecords ? { maxRecords: config.maxRecords } : {}),
    ...(config.maxListSeconds ? { maxListSeconds: config.maxListSeconds } : {}),
    ...(context.ca ? { ca: context.ca } : {}),
    ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
    ...(context.proxy ? { proxy: context.proxy } : {}),
    ...(context.trace ? { trace: context.trace } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.retry ? { retry: context.retry } : {}),
  };
}
