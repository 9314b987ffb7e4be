import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../http/client.js';
import type { ProxyEnvironment } from '../http/proxy.js';
import type { z } from 'zod';
import type { Entity } from '../core/model/entities.js';
import type { Connection } from '../core/ports.js';
import type { RuleSet } from '../core/rules/types.js';

/** What a connector is given to build a live target from its checked config entry. */
export interface ConnectorContext {
  /** The target's name in the config ("lms"). */
  name: string;
  /**
   * The value of a secret reference ("env:NAME") in the config entry; `key` names the entry's key for
   * the message when it cannot be resolved (the caller decides where secrets come from).
   */
  secret(reference: string, key: string): string;
  /** The target's caFile, read (PEM): trusted for its connections besides Node's own CAs. */
  ca?: string;
  /** Requests the run keeps in flight (--concurrency): the connection pool is sized to it, over the config's `concurrency`. */
  concurrency?: number;
  /** Tests and the embedded sandbox: every connection goes through this dispatcher. */
  dispatcher?: Dispatcher;
  /** The environment's proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  proxy?: ProxyEnvironment;
  /** HRSYNC_DEBUG=http: a redacted line per request. */
  trace?: (line: string) => void;
  /** The user stopped the run (Ctrl-C during an export): reads in flight are cut, no new request starts. */
  signal?: AbortSignal;
  /** How failed requests are tried again, over the client's defaults (tests: a short backoff, so that a failure is found without waiting it out). */
  retry?: Partial<RetryPolicy>;
}

/**
 * Everything hrsync knows about one platform, in one object: its config (zod, so `hrsync config
 * schema` and the checks come from it), its field rules, and how to build a live target. The registry
 * lists these; nothing outside a connector's folder names a platform.
 */
export interface ConnectorDefinition<Config extends { type: string } = { type: string }> {
  /** The config's `type` and the rule-set name: "accessplanit". */
  readonly type: Config['type'];
  /** One line for help and `hrsync targets`: what it is and what it holds. */
  readonly summary: string;
  /** A target hrsync writes to, or a source it only reads (validate and import refuse a source). */
  readonly role: 'target' | 'source';
  /**
   * One config entry, `type` included; a strict object. Loaded when asked for (zod, and the schema
   * module): a run that reads no config — `validate --target generic`, `--help` — never loads them.
   */
  readonly configSchema: () => Promise<z.ZodType<Config>>;
  /** Field rules per entity it holds (none for a source). */
  readonly rules: Partial<Record<Entity, RuleSet>>;
  /** Where the target is (a URL without secrets), for `hrsync targets`. */
  where(config: Config): string;
  /** Builds the live target; the client code is loaded only now, so listing the registry stays cheap. */
  create(config: Config, context: ConnectorContext): Promise<Connection>;
}

/** Types a definition against its own config schema. */
export function defineConnector<Config extends { type: string }>(definition: ConnectorDefinition<Config>): ConnectorDefinition<Config> {
  return definition;
}
