import type { SandboxRequest, SandboxResponse } from './http.js';

/** A command-line flag an emulated platform adds to `hrsync sandbox` for its demo credentials. */
export interface CredentialFlag {
  /** Commander's flags: "--company-id <id>". */
  flags: string;
  description: string;
  defaultValue?: string;
  /** May be given several times; the values collect into an array. */
  repeatable?: boolean;
}

/** What a platform's handler gets on every request: its own state slice, credentials and settings. */
export interface PlatformContext<State, Credentials, Settings> {
  state: State;
  credentials: Credentials;
  settings: Settings;
  now: () => number;
  /** True while the sandbox seeds itself: rate limits do not count these requests. */
  seeding: boolean;
}

/** How hrsync's own connector reaches this emulation: a config entry (secrets as env: references) and their values. */
export interface ClientConfig {
  config: { type: string } & Record<string, unknown>;
  env: Record<string, string>;
}

/**
 * One emulated platform, everything it is in one object: its routes, demo credentials (and the CLI
 * flags that change them), state slice and settings. Value lists and wire shapes live in its own
 * file(s), written from the vendor's evidence (platforms.md), never imported from hrsync's code. The
 * list of platforms is src/sandbox/platforms/index.ts.
 */
export interface EmulatedPlatform<Name extends string = string, State = unknown, Credentials = unknown, Settings = unknown> {
  readonly name: Name;
  /** One line for help: what is emulated. */
  readonly summary: string;
  /** The API's root path on the sandbox's origin, e.g. "/accessplan/api/v2". */
  readonly basePath: string;
  /** Whether a request path belongs to this platform. */
  matches(path: string): boolean;
  /** The endpoint counters and rate limits use ("User", "users.json" …). */
  endpoint(req: SandboxRequest): string;
  readonly flags: Readonly<Record<string, CredentialFlag>>;
  /**
   * Demo credentials: the defaults, changed by its flags (from `hrsync sandbox`), by `key` (the one
   * key every platform accepts, --api-key), and by credentials given in code.
   */
  credentials(input: { key?: string | undefined; flags?: Record<string, unknown>; given?: unknown }): Credentials;
  readonly defaultSettings: Settings;
  /** The settings that lift the platform's own rate limits (`hrsync sandbox --rate-limit off`), if it has any. */
  readonly unlimited?: Partial<Settings>;
  /** A fresh state: empty, or the platform's own built-in data (a source's employees). */
  createState(credentials: Credentials, settings: Settings): State;
  /**
   * The state for the state file, and back; `loadState` throws on a shape it does not know. Saved: plain
   * JSON values and `Table`s (each written as its [id, record] pairs, a few hundred records at a time).
   */
  saveState(state: State): unknown;
  loadState(json: unknown, credentials: Credentials): State;
  handle(req: SandboxRequest, ctx: PlatformContext<State, Credentials, Settings>): SandboxResponse;
  /**
   * After the seeder filled a fresh state through the API: the records a client cannot create, which
   * the platform keeps for what was seeded (accessplanit's delegates and awards for the seeded users).
   */
  afterSeed?(ctx: PlatformContext<State, Credentials, Settings>): void;
  /** One banner line for `hrsync sandbox`: where it is and how to sign in. */
  describe(origin: string, credentials: Credentials): string;
  /** How hrsync's connector of the same type connects to it (absent: no connector speaks to it). */
  client?(origin: string, credentials: Credentials): ClientConfig;
}

/** Types a platform, keeping its literal name so the sandbox's state and URLs are typed per platform. */
export function definePlatform<Name extends string, State, Credentials, Settings>(
  platform: EmulatedPlatform<Name, State, Credentials, Settings>,
): EmulatedPlatform<Name, State, Credentials, Settings> {
  return platform;
}

/** A state slice that is not what the platform wrote: the state file is damaged. */
export class StateShapeError extends Error {}
