import { z } from 'zod';
import { parseRate } from '../shared/token-bucket.js';
import type { ConnectionSettings } from './connection.js';
import type { ConnectorContext } from './types.js';

/** Credentials are never written in the config: only a reference to an environment variable (shared with the state config). */
export { secretRef } from '../shared/secret-ref.js';

/** Options every connector's config entry takes: how its HTTP side behaves. */
export const connectionOptions = {
  concurrency: z.int().min(1).max(64).optional().describe('Requests in flight at most (default 8)'),
  rateLimit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i, { error: 'write a rate such as "5000/h" or "10/s"' })
    .optional()
    .describe('Requests per endpoint, e.g. "5000/h" or "10/s" (default: the platform’s documented limit, where it has one)'),
  timeout: z.number().positive().max(600).optional().describe('Seconds to wait for an answer before retrying, or settling a write (default 30)'),
  pageSize: z.int().min(1).max(1000).optional().describe('Records asked for per page when listing (default: the connector’s own)'),
  maxResponseMB: z.number().positive().max(4096).optional().describe('The largest answer hrsync reads from this target, in MB (default 64)'),
  maxRecords: z.int().min(1).optional().describe('The most records one list may hold before hrsync takes it for a list that never ends (default 1,000,000)'),
};

export interface ConnectionOptions {
  concurrency?: number | undefined;
  rateLimit?: string | undefined;
  timeout?: number | undefined;
  pageSize?: number | undefined;
  maxResponseMB?: number | undefined;
  maxRecords?: number | undefined;
}

/** The common options of a config entry, and what the caller hands every connector → its HTTP settings. */
export function connectionSettings(config: ConnectionOptions, context: Pick<ConnectorContext, 'dispatcher' | 'proxy' | 'trace' | 'signal'> = {}): ConnectionSettings {
  const rate = config.rateLimit === undefined ? undefined : parseRate(config.rateLimit);
  return {
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(rate ? { ratePerSecond: rate } : {}),
    ...(config.timeout ? { timeoutMs: config.timeout * 1000 } : {}),
    ...(config.pageSize ? { pageSize: config.pageSize } : {}),
    ...(config.maxResponseMB ? { maxBodyBytes: Math.round(config.maxResponseMB * 1024 * 1024) } : {}),
    ...(config.maxRecords ? { maxRecords: config.maxRecords } : {}),
    ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
    ...(context.proxy ? { proxy: context.proxy } : {}),
    ...(context.trace ? { trace: context.trace } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
}
