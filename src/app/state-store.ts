import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { loadConfig, resolveSecret } from '../config/load.js';
import type { StateConfig } from '../config/schema.js';
import type { Bookmark, HeldLock, JournalEntry, LockRequest, RunRecord, SentScope, StateStore, Connection } from '../core/ports.js';
import { HrsyncError, UsageError } from '../errors.js';
import { acquireLock } from './lock.js';
import type { PostgresSettings } from './state-postgres.js';
import { DirStateStore } from './state-dir.js';

export type { PostgresSettings } from './state-postgres.js';

export type PostgresStateConfig = Extract<StateConfig, { type: 'postgres' }>;


export const DEFAULT_SCHEMA = 'hrsync';
export const DEFAULT_LOCK_EXPIRY_S = 60;
const DEFAULT_CONNECT_TIMEOUT_S = 10;
/** The URL's query parameters hrsync reads (as libpq does); any other is refused rather than ignored. */
const QUERY_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'password', 'host', 'port', 'application_name', 'connect_timeout'];
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/**
 * Reads the `postgres` backend's settings: the URL from its environment variable (PGPASSWORD when the
 * URL has no password), TLS from `sslmode`/`sslrootcert`/`sslcert`/`sslkey` in the URL and the
 * config's `tls` (files relative to the config). A mistake is a usage error that never quotes the URL.
 */
export function postgresSettings(config: PostgresStateConfig, home: string, env: NodeJS.ProcessEnv): PostgresSettings {
  const variable = config.url.slice('env:'.length);
  const text = resolveSecret(config.url, 'state: url', env)!;
  const form = 'postgres://user:password@host:5432/database';
  const garbled = () => new UsageError(`state: ${variable} does not hold a URL of the form ${form}`, 'percent-encode any of : / @ ? # % [ ] in the user name or password');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw garbled();
  }
  // An @ after the host: a password with an unencoded ? / # cut the URL there (postgres://u:2024?pw@h reads
  // as host u, port 2024 and a query "pw@h"), and the rest of it would be quoted as a parameter, a database
  // or a host. Refused without quoting any part (an @ in a ?password= value is that value's).
  if ((url.pathname + url.search.replace(/([?&])password=[^&]*/g, '$1') + url.hash).includes('@')) throw garbled();
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new UsageError(`state: ${variable} holds a ${url.protocol.slice(0, -1)}: URL, not ${form}`);
  const decode = (value: string, what: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw new UsageError(`state: the ${what} in ${variable} has a broken %-escape`);
    }
  };
  const params = url.searchParams;
  for (const name of params.keys())
    if (!QUERY_PARAMETERS.includes(name)) throw new UsageError(`state: ${variable} has the parameter "${name}", which hrsync does not read`, `it reads ${QUERY_PARAMETERS.join(', ')}`);
  // ?password= as libpq reads it: %-escapes decoded, a + kept (URLSearchParams would make it a space).
  const queryPassword = /[?&]password=([^&]*)/.exec(url.search)?.[1];
  const password = (url.password ? decode(url.password, 'password') : queryPassword ? decode(queryPassword, 'password') : undefined) || env.PGPASSWORD || undefined;
  const user = decode(url.username, 'user name') || env.PGUSER || '';
  if (!user) throw new UsageError(`state: ${variable} names no user (${form})`);
  const host = (url.hostname.replace(/^\[(.*)\]$/, '$1') || params.get('host')) ?? '';
  if (!host) throw new UsageError(`state: ${variable} names no host (${form})`);
  const port = Number(url.port || params.get('port') || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`state: ${variable} has no valid port`);
  const database = decode(url.pathname.replace(/^\//, ''), 'database name') || user;
  const connectTimeout = params.get('connect_timeout');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const secrets = password ? [...new Set([password, url.password, queryPassword ?? '', encodeURIComponent(password)])].filter((s) => s.length > 0) : [];
  return {
    host,
    port,
    user,
    password,
    database,
    ssl: tlsOf(params, config.tls, home, variable),
    schema: config.schema ?? DEFAULT_SCHEMA,
    lockExpiryMs: (config.lockExpiry ?? DEFAULT_LOCK_EXPIRY_S) * 1000,
    connectTimeoutMs: (config.connectTimeout ?? (connectTimeout && Number(connectTimeout) > 0 ? Number(connectTimeout) : DEFAULT_CONNECT_TIMEOUT_S)) * 1000,
    applicationName: params.get('application_name') || 'hrsync',
    where: `postgres://${encodeURIComponent(user)}@${shownHost}:${port}/${encodeURIComponent(database)}`,
    secrets,
    variable,
  };
}

/**
 * TLS as libpq reads `sslmode`: disable (none), require (encrypted; verified when a root certificate
 * is given, as libpq does), verify-ca (the chain, not the name), verify-full (chain and host name),
 * no-verify (encrypted, not verified). Without sslmode, a `tls` entry in the config means verify-full;
 * neither means no TLS. prefer and allow fall back to plain text silently, which hrsync does not do.
 */
function tlsOf(params: URLSearchParams, tls: PostgresStateConfig['tls'], home: string, variable: string): false | ConnectionOptions {
  const mode = params.get('sslmode') ?? (tls ? 'verify-full' : 'disable');
  if (mode === 'prefer' || mode === 'allow')
    throw new UsageError(`state: sslmode=${mode} in ${variable} would fall back to an unencrypted connection without saying so`, 'use sslmode=verify-full (or require), or sslmode=disable for a database on this machine');
  if (!SSL_MODES.includes(mode)) throw new UsageError(`state: sslmode=${mode} in ${variable} is not one of ${SSL_MODES.join(', ')}`);
  if (mode === 'disable') return false;
  const file = (name: string | null | undefined, what: string): string | undefined => {
    if (!name || name === 'system') return undefined;
    const path = resolve(home, name);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`state: the TLS ${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  const ca = file(params.get('sslrootcert') ?? tls?.ca, 'certificate authority file');
  const cert = file(params.get('sslcert') ?? tls?.cert, 'client certificate');
  const key = file(params.get('sslkey') ?? tls?.key, 'client key');
  const verify = mode === 'no-verify' ? false : mode === 'require' ? ca !== undefined : (tls?.rejectUnauthorized ?? true);
  return {
    rejectUnauthorized: verify,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(tls?.servername ? { servername: tls.servername } : {}),
    // verify-ca (and require with a root certificate): the chain is checked, the host name is not.
    ...(mode === 'verify-ca' || (mode === 'require' && ca) ? { checkServerIdentity: () => undefined } : {}),
  };
}

/**
 * The `postgres` backend as it is configured, connected on first use: `pg` is loaded and the URL's
 * variable read only then, so a run that keeps no state (a validate, a dry run into a listable
 * target) needs neither the database nor the variable.
 */
class LazyPostgresStore implements StateStore {
  readonly backend = 'postgres' as const;
  private settings: PostgresSettings | undefined;
  private opened: Promise<StateStore> | undefined;

  constructor(
    private readonly config: PostgresStateConfig,
    private readonly home: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private resolved(): PostgresSettings {
    return (this.settings ??= postgresSettings(this.config, this.home, this.env));
  }

  get where(): string {
    try {
      return this.resolved().where;
    } catch {
      return `the state database (${this.config.url})`;
    }
  }

  private store(): Promise<StateStore> {
    return (this.opened ??= (async () => {
      const settings = this.resolved();
      const { PostgresStateStore } = await import('./state-postgres.js');
      return new PostgresStateStore(settings);
    })());
  }

  bookmarks(): Promise<Bookmark[]> {
    return this.store().then((s) => s.bookmarks());
  }
  bookmark(key: string): Promise<Bookmark | undefined> {
    return this.store().then((s) => s.bookmark(key));
  }
  setBookmark(bookmark: Bookmark): Promise<void> {
    return this.store().then((s) => s.setBookmark(bookmark));
  }
  resetBookmarks(match?: string): Promise<number> {
    return this.store().then((s) => s.resetBookmarks(match));
  }
  loadSent(scope: SentScope): Promise<Map<string, string>> {
    return this.store().then((s) => s.loadSent(scope));
  }
  saveSent(scope: SentScope, sent: ReadonlyMap<string, string>): Promise<void> {
    return this.store().then((s) => s.saveSent(scope, sent));
  }
  sentSummary(): Promise<Array<{ target: string; entity: string; records: number }>> {
    return this.store().then((s) => s.sentSummary());
  }
  lock(resource: string, label: string, what: string, request?: LockRequest): Promise<HeldLock> {
    return this.store().then((s) => s.lock(resource, label, what, request));
  }
  locks(): ReturnType<StateStore['locks']> {
    return this.store().then((s) => s.locks());
  }
  recordRun(run: RunRecord, journal?: readonly JournalEntry[]): Promise<void> {
    return this.store().then((s) => s.recordRun(run, journal));
  }
  journal(run: string): Promise<JournalEntry[] | undefined> {
    return this.store().then((s) => s.journal(run));
  }
  history(options?: { limit?: number; target?: string }): Promise<RunRecord[]> {
    return this.store().then((s) => s.history(options));
  }
  planKey(): Promise<Buffer> {
    return this.store().then((s) => s.planKey());
  }
  migrate(): Promise<{ from: number; to: number }> {
    return this.store().then((s) => s.migrate());
  }
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}

/** The state store a config asks for (`state`), for a project folder: `dir` unless it says postgres. */
export function stateStore(config: StateConfig | undefined, home: string, env: NodeJS.ProcessEnv): StateStore {
  return config?.type === 'postgres' ? new LazyPostgresStore(config, home, env) : new DirStateStore(home, undefined, env);
}

/** The state store of the project a command runs in (the config's folder, else the working folder). */
export async function openState(options: { config?: string | undefined; cwd: string; env: NodeJS.ProcessEnv }): Promise<StateStore> {
  const loaded = await loadConfig(options.config, options.cwd, options.env);
  return stateStore(loaded?.config.state, loaded ? dirname(loaded.path) : options.cwd, options.env);
}

/** What lockTarget needs of an opened target (open-target's OpenedTarget is one). */
export interface Lockable {
  target: Pick<Connection, 'label'> | undefined;
  /** The project folder (the config's): the embedded sandbox's lock file names it. */
  home?: string;
  lockKey: string | undefined;
  embedded: boolean;
  state: StateStore;
}

/**
 * Locks the target a run writes to, for the whole plan and apply, in the project's state store (the
 * `postgres` backend: across machines). The embedded sandbox is this machine's own: its lock stays on
 * this machine. Undefined when there is nothing to lock (rules only).
 */
export async function lockTarget(opened: Lockable, what: string, request: LockRequest = {}): Promise<HeldLock | undefined> {
  if (!opened.target || !opened.lockKey) return undefined;
  if (opened.embedded) return acquireLock(opened.lockKey, opened.target.label, what, { ...(opened.home ? { project: opened.home } : {}), ...(request.waitMs ? { waitMs: request.waitMs } : {}), ...(request.warn ? { warn: request.warn } : {}) });
  return opened.state.lock(opened.lockKey, opened.target.label, what, request);
}

/**
 * Adds a finished run to the history. A failure to record it is said, never the run's outcome: the
 * history is a record of runs, not a reason for one to fail.
 */
export async function recordRun(
  state: StateStore,
  run: Pick<RunRecord, 'id' | 'command' | 'counts' | 'exitCode' | 'source' | 'results' | 'plan' | 'undoes'> & { target: { name: string; label: string }; startedAt: Date },
  warn: (message: string) => void,
  journal?: readonly JournalEntry[],
): Promise<void> {
  const { target, startedAt, ...rest } = run;
  const record: RunRecord = { at: startedAt.toISOString(), ms: Date.now() - startedAt.getTime(), ...rest, target: target.name, label: target.label, host: hostname(), pid: process.pid };
  try {
    await state.recordRun(record, journal);
  } catch (error) {
    warn(`the run was not added to the state history: ${error instanceof HrsyncError || error instanceof Error ? error.message : String(error)}`);
  }
}
