import type { SandboxRequest, SandboxResponse } from './http.js';
import type { SandboxState } from './state.js';

export interface Credentials {
  accessplanit: { userName: string; password: string; apiKey: string };
  appenate: { companyId: string; integrationKey: string };
  /** Site name → API key. */
  springest: Record<string, string>;
  unified: { connectionId: string; apiKey: string };
}

/** What every platform emulation gets: the state, a clock, and its settings. */
export interface PlatformContext {
  state: SandboxState;
  now: () => number;
  credentials: Credentials;
  /** accessplanit: requests per hour per endpoint before 429. */
  accessplanitHourlyLimit: number;
  /** accessplanit access-token lifetime. */
  tokenTtlSeconds: number;
}

export interface Platform {
  name: 'accessplanit' | 'appenate' | 'springest' | 'unified';
  /** Path prefix this platform serves. */
  matches(path: string): boolean;
  /** The endpoint name counters and rate limits use (e.g. "User", "Token", "users.json"). */
  endpoint(req: SandboxRequest): string;
  handle(req: SandboxRequest, ctx: PlatformContext): SandboxResponse;
}
