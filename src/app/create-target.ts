import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { resolveSecret } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import type { ConnectorContext, ConnectorDefinition } from '../connectors/types.js';
import type { Connection } from '../core/ports.js';
import { fsReason, UsageError } from '../errors.js';

const registry = () => import('../connectors/registry.js');

/** What building one target's connector takes besides its config entry (see OpenOptions for each). */
export interface CreateOptions {
  env: NodeJS.ProcessEnv;
  dispatcher?: Dispatcher;
  trace?: (line: string) => void;
  signal?: AbortSignal;
  concurrency?: number;
  /** How failed requests are tried again, over the defaults (tests: a short backoff). */
  retry?: ConnectorContext['retry'];
  /** The config file's folder: a caFile is read relative to it. */
  home?: string;
}

/** What a caller may hook into a target's connections. */
export type TargetHooks = Pick<CreateOptions, 'trace' | 'signal' | 'concurrency'>;

/**
 * A target's `caFile` (PEM), read relative to the config file's folder: a file that cannot be read, or
 * holds no certificate, is the config's mistake (64) — never a connection made without it.
 */
function readCaFile(name: string, caFile: unknown, home: string | undefined): string | undefined {
  if (typeof caFile !== 'string') return undefined;
  const path = resolve(home ?? '.', caFile);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`target "${name}": caFile ${path} cannot be read: ${fsReason(error)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`target "${name}": caFile ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}

/** Builds the connector for one configured target, its secrets read from `env` when it is used. */
export async function createTarget(name: string, entry: TargetConfig, options: CreateOptions): Promise<{ target: Connection; connector: ConnectorDefinition }> {
  const connector = (await registry()).connectorFor(entry.type);
  if (!connector) throw new UsageError(`target "${name}": unknown type "${entry.type}"`);
  const parsed = (await connector.configSchema()).parse(entry);
  const proxy = (await import('../http/proxy.js')).proxyEnvironment(options.env);
  const ca = readCaFile(name, (parsed as { caFile?: unknown }).caFile, options.home);
  const target = await connector.create(parsed, {
    name,
    secret: (reference, key) => resolveSecret(reference, `target "${name}": ${key}`, options.env)!,
    ...(ca ? { ca } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(proxy.httpProxy || proxy.httpsProxy ? { proxy } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return { target, connector };
}
